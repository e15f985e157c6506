"""The heatmap says how reliable a team mean is (ICC(2), Bliese 2000) and never ranks teams."""

from __future__ import annotations

from survey.aggregates.model import INDEX, TeamNode
from survey.releases.read import ReleasedView, wave_sections

MANAGERS_NOT_ASKED = "no manager questionnaire"


def _cell(n: int, mean: float, sd: float) -> dict:
    rows = [[measure, n, mean, sd, mean - 5, mean + 5] for measure in (INDEX, "motivation")]
    return {
        "visible": True,
        "reason": "",
        "n": n,
        "invited": n,
        "summary": rows,
        "perception_hidden": MANAGERS_NOT_ASKED,
    }


def _release(teams: dict[str, tuple[int, float, float]]) -> tuple[ReleasedView, dict, TeamNode]:
    """An organisation "Org" whose leaf teams are ``teams`` (name: n, index mean, index SD)."""
    root = TeamNode(1, "Org", None, "", "Org")
    nodes = {1: root} | {
        i: TeamNode(i, name, 1, "", f"Org/{name}") for i, name in enumerate(teams, start=2)
    }
    people = sum(n for n, _, _ in teams.values())
    cells = {"1": _cell(people, 50.0, 15.0)} | {
        str(i): _cell(*teams[nodes[i].name]) for i in nodes if i != 1
    }
    data = {"dimensions": ["motivation"], "cells": cells}
    return ReleasedView(nodes, [], 5, {}), data, root


def test_the_heatmap_gives_icc2_for_the_smallest_and_largest_team_in_tree_order():
    # Names in alphabetical (tree) order; means deliberately not in that order.
    teams = {
        "Bordeaux": (5, 40.0, 14.0),
        "Lille": (8, 70.0, 15.0),
        "Lyon": (6, 55.0, 16.0),
        "Nantes": (15, 45.0, 15.0),
        "Paris": (9, 60.0, 13.0),
        "Rennes": (7, 52.0, 17.0),
    }
    view, data, root = _release(teams)
    section = wave_sections(view, data, root)["heatmap"]
    assert list(dict.fromkeys(section.table["group"])) == list(teams)
    # By hand (N = 50, J = 6): grand mean 2669 / 50 = 53.38; MSB = sum n (m - 53.38)^2 / 5
    # = 4581.8 / 5 = 916.36; MSW = sum (n - 1) s^2 / 44 = 9875 / 44 = 224.43;
    # n0 = (50 - 480 / 50) / 5 = 8.08; ICC(1) = 691.93 / (916.36 + 7.08 x 224.43) = .276;
    # a team of 5: 5 x .276 / (1 + 4 x .276) = .66; of 15: 15 x .276 / (1 + 14 x .276) = .85.
    assert section.findings == (
        "How far team means can be trusted: with the spread between this organisation's teams "
        "(ICC(1) = .28 over 6 teams of the lowest level, on the mindset index), a team of 5 has "
        "a mean about .66 reliable and one of 15 about .85 (ICC(2), Bliese 2000), so part of "
        "any difference between teams here is chance: read each with its interval; teams are "
        "listed in the organisation's order, not ranked.",
    )
    assert section.figures["teams"] == 6
    assert [row["size"] for row in section.figures["reliability"]] == [5, 15]


def test_teams_no_further_apart_than_chance_are_said_so():
    teams = {name: (8, 50.0 + i, 15.0) for i, name in enumerate("ABCDEFGH")}
    view, data, root = _release(teams)
    (sentence,) = wave_sections(view, data, root)["heatmap"].findings
    # Means 50 .. 57 with SD 15 in teams of 8: MSB = 8 x 6 = 48 < MSW = 225, ICC(1) < 0.
    assert sentence.startswith("Teams here differ no more than chance would make them (ICC(1) = -")
    assert sentence.endswith("teams are listed in the organisation's order, not ranked.")


def test_too_few_teams_give_the_typical_range_instead():
    view, data, root = _release({"East": (6, 40.0, 15.0), "West": (9, 60.0, 15.0)})
    (sentence,) = wave_sections(view, data, root)["heatmap"].findings
    # 5 x .05 / (1 + 4 x .05) = .21 and 15 x .20 / (1 + 14 x .20) = .79.
    assert sentence == (
        "The reliability of team means cannot be estimated from this organisation yet (2 teams "
        "with released figures, 5 needed); with typical team effects (ICC(1) of .05 to .20, "
        "Bliese 2000) the mean of a team of 5 to 15 is about .21 to .79 reliable, so part of "
        "any difference between teams is chance: read each with its interval; teams are listed "
        "in the organisation's order, not ranked."
    )


def test_a_team_without_teams_below_has_no_reliability_sentence():
    view, data, _root = _release({"East": (6, 40.0, 15.0), "West": (9, 60.0, 15.0)})
    assert wave_sections(view, data, view.teams[2])["heatmap"].findings == ()
