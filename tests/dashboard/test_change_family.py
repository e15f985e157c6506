"""One family of change verdicts per organisation and pair of waves, whatever page shows them.

Built on released cells directly (no database): the family is every team of the later release's
tree shown in both waves, so a team reads the same on its own page and on its parent's, and
under no change at all the chance that any team is flagged stays at the README's 5%.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from analysis.change import BEYOND_CHANCE, classify_changes, compare_summaries, trend
from survey.aggregates.model import INDEX, TeamNode, WaveInfo
from survey.releases.read import (
    ReleasedView,
    change,
    changes_of_all_teams,
    trend_test,
    trends_of_all_teams,
)
from survey.releases.store import ReleaseInfo

BEFORE, AFTER = 1, 2
# One organisation of 20 teams: Global, 4 countries, 15 territories that hold the answers.
COUNTRIES = {2: [6, 7, 8, 9], 3: [10, 11, 12, 13], 4: [14, 15, 16, 17], 5: [18, 19, 20]}
PARENTS = {1: None, **dict.fromkeys(COUNTRIES, 1)}
PARENTS |= {leaf: country for country, leaves in COUNTRIES.items() for leaf in leaves}


def view_of(parents: dict[int, int | None]) -> ReleasedView:
    """The tree, two waves and a release of each (ids 11 and 12)."""
    teams = {
        team: TeamNode(team, f"Team {team}", parent, None, "") for team, parent in parents.items()
    }
    waves = [WaveInfo(BEFORE, "Spring"), WaveInfo(AFTER, "Autumn")]
    releases = {
        wave: ReleaseInfo(10 + wave, wave, 1, True, datetime(2026, 1, 1), 5)
        for wave in (BEFORE, AFTER)
    }
    return ReleasedView(teams, waves, 5, releases)


def cell(values: np.ndarray) -> dict:
    sd = float(values.std(ddof=1)) if values.size > 1 else None
    return {
        "visible": True,
        "n": int(values.size),
        "summary": [[INDEX, values.size, float(values.mean()), sd, None, None]],
    }


def payloads(leaf_values: dict[int, tuple[np.ndarray, np.ndarray]]) -> dict[int, dict]:
    """Each wave's cells: a team holds everyone in its subtree."""
    data: dict[int, dict] = {BEFORE: {"cells": {}}, AFTER: {"cells": {}}}
    for team in PARENTS:
        below = [leaf for leaf in leaf_values if team in ancestors(leaf)]
        for position, wave in enumerate((BEFORE, AFTER)):
            values = np.concatenate([leaf_values[leaf][position] for leaf in below])
            data[wave]["cells"][str(team)] = cell(values)
    return data


def ancestors(team: int) -> list[int]:
    chain = []
    while team is not None:
        chain.append(team)
        team = PARENTS[team]
    return chain


def organisation(rng: np.random.Generator, shift: float = 0.0) -> dict[int, dict]:
    leaves = [leaf for leaves in COUNTRIES.values() for leaf in leaves]
    return payloads(
        {
            leaf: (
                rng.normal(50.0, 15.0, rng.integers(6, 16)),
                rng.normal(50.0 + shift, 15.0, rng.integers(6, 16)),
            )
            for leaf in leaves
        }
    )


def test_a_team_reads_the_same_on_its_own_page_and_on_its_parents(app):
    rng = np.random.default_rng(4)
    view = view_of(PARENTS)
    data = organisation(rng, shift=6.0)
    with app.app_context():
        on_parent = change(view, data, view.waves, 2, AFTER).table.set_index("group")
        for child in COUNTRIES[2]:
            own = change(view, data, view.waves, child, AFTER).table.iloc[0]
            assert own["verdict"] == on_parent.loc[f"Team {child}", "verdict"]
            assert own["p_value"] == on_parent.loc[f"Team {child}", "p_value"]
        # The adjusted p-value stays out of the page (its ratio to the p-value would count
        # the teams outside the reader's scope that moved more clearly).
        assert "p_adjusted" not in on_parent.columns
    # On a page of its own a territory was a family of one: its p-value unadjusted.
    family = changes_of_all_teams(view, data, BEFORE, AFTER)
    assert all(family[t][1].p_adjusted > family[t][0].p_value for t in COUNTRIES[2])


def test_the_family_is_every_team_shown_in_both_waves():
    rng = np.random.default_rng(5)
    view = view_of(PARENTS)
    data = organisation(rng, shift=6.0)
    data[BEFORE]["cells"]["18"] = {"visible": False, "n": None, "reason": "fewer than 5 answers"}
    family = changes_of_all_teams(view, data, BEFORE, AFTER)
    assert set(family) == set(PARENTS) - {18}
    # Benjamini-Hochberg over the 19 teams' Welch p-values: analysis.change.classify_changes
    tests = []
    for team in family:
        b, a = (data[w]["cells"][str(team)]["summary"][0] for w in (BEFORE, AFTER))
        tests.append(compare_summaries(b[1], b[2], b[3], a[1], a[2], a[3]))
    expected = classify_changes(tests)
    assert [verdict for _, verdict in family.values()] == expected


def test_under_no_change_an_organisation_is_flagged_at_most_five_percent_of_the_time():
    """1,000 organisations of 20 teams with 6 to 15 answers per territory, nothing changed.

    The README states the level: across all of an organisation's teams, the chance that any
    change is called larger than chance variation when nothing moved is at most 5%.
    """
    rng = np.random.default_rng(2026)
    view = view_of(PARENTS)
    flagged = 0
    for _ in range(1000):
        family = changes_of_all_teams(view, organisation(rng), BEFORE, AFTER)
        flagged += any(v.evidence == BEYOND_CHANCE for _, v in family.values())
    # Binomial(1000, 0.05) exceeds 65 with probability below 2%; the seed fixes the draw.
    assert flagged <= 65, flagged


@pytest.mark.parametrize("shift", [8.0])
def test_a_real_shift_is_still_found(shift):
    rng = np.random.default_rng(7)
    view = view_of(PARENTS)
    family = changes_of_all_teams(view, organisation(rng, shift=shift), BEFORE, AFTER)
    assert family[1][1].evidence == BEYOND_CHANCE  # Global: about 160 answers per wave


def test_trends_over_three_waves_are_one_family_too(app):
    rng = np.random.default_rng(9)
    third = organisation(rng, shift=9.0)[AFTER]
    data = organisation(rng, shift=4.0) | {3: third}
    view = view_of(PARENTS)
    view.waves.append(WaveInfo(3, "Winter"))
    view.releases[3] = ReleaseInfo(13, 3, 1, True, datetime(2026, 2, 1), 5)
    with app.app_context():
        section = trend_test(view, data, view.waves, 1)
    assert section.table["group"].tolist() == ["Team 1", "Team 2", "Team 3", "Team 4", "Team 5"]
    family = trends_of_all_teams(data, view.waves)
    assert set(family) == set(PARENTS)
    rows = [data[w]["cells"]["1"]["summary"][0] for w in (BEFORE, AFTER, 3)]
    # analysis.change.trend on Global's three released cells (wave number as time)
    expected = trend([0, 1, 2], *zip(*[(r[1], r[2], r[3]) for r in rows], strict=True))
    assert family[1][0] == expected
    assert section.table.iloc[0]["per_wave"] == expected.slope
    verdicts = classify_changes([result for result, _ in family.values()])
    assert [v for _, v in family.values()] == verdicts
