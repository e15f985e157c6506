"""What a release stores: the tree, and each team's cell with every figure views draw from it.

Everything is plain JSON (team ids as strings), computed once for every team at the same time
(one pass over the wave's responses, expanded to their teams' ancestors), so that a page only
reads it. A hidden cell stores its reason and no figure. Sections are cut from the cells when
shown (:mod:`survey.releases.read`).

A team's cell holds: ``n``, ``visible``, ``reason``; when visible, ``summary`` (one row per
measure: measure, n, mean, SD, 95% interval), ``distribution`` (counts of the index in bins of
:data:`~survey.aggregates.model.BIN_WIDTH`), ``ladder`` (``{rung label: count}`` of where the
WHY ladder ends), ``cooperation`` (``[from, to, count]`` between its visible child teams and the
rest, as seen from this team), ``perception`` (when its managers' cell is visible too) and
``reliability`` (alpha of each scale over its subtree); and always ``invited`` (personal
invitations sent in its subtree). ``roots_reliability`` is alpha over every top team shown.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np

from analysis.hierarchy import expand_to_ancestors
from analysis.privacy import COMPLEMENTARY, NO_ANSWERS, Suppression, too_few_answers
from analysis.reliability import scale_reliability
from questionnaires import Questionnaire
from survey.aggregates import model
from survey.aggregates.loading import WaveScores

SUMMARY_COLUMNS = ["measure", "n", "mean", "sd", "ci_low", "ci_high"]


def release_payload(
    view: model.OrganisationView,
    wave: model.WaveInfo,
    managers: WaveScores | None,
    manager_cells: Suppression | None,
    ladder_labels: dict[str, str],
    invited: dict[int, tuple[int, int]],
    questionnaire: Questionnaire,
) -> dict:
    """The stored figures of one wave's release, after suppression and the auditor."""
    tree = _Tree(view)
    visible = {team: view.visible(team, wave.id) for team in view.teams}
    summaries = _summaries(view, wave.id)
    histograms = _histograms(view, tree, wave.id)
    ladders = _ladders(view, tree, wave.id, ladder_labels)
    cooperation = _cooperation(view, tree, visible, wave.id)
    perception = _perception(view, tree, managers, manager_cells, summaries, wave.id)
    invitations = tree.subtree_sums({team: sent for team, (sent, _) in invited.items()})
    cells = {}
    for team in view.teams:
        decision = view.suppression.decision(team, wave.id)
        cell: dict = {
            "n": decision.n if decision.visible else None,
            "visible": decision.visible,
            "reason": _reason(view, tree, team, wave.id),
            "invited": invitations.get(team, 0),
        }
        if decision.visible:
            cell |= {
                "summary": summaries[team],
                "distribution": histograms[team],
                "ladder": ladders.get(team, {}),
                "cooperation": cooperation.get(team, []),
                "perception": perception.get(team),
                "reliability": _reliability(view, questionnaire, wave.id, [team]),
            }
        if not decision.visible or cell["perception"] is None:
            cell["perception_hidden"] = _perception_reason(view, manager_cells, team, wave.id)
        cells[str(team)] = cell
    return {
        "wave": {"id": wave.id, "name": wave.name},
        "dimensions": view.dimensions,
        "tree": {
            str(node.id): {
                "name": node.name,
                "parent_id": node.parent_id,
                "department": node.department,
                "path": node.path,
            }
            for node in view.teams.values()
        },
        "cells": cells,
        "roots_reliability": _reliability(
            view,
            questionnaire,
            wave.id,
            [team for team in tree.children[None] if visible[team]],
        ),
    }


class _Tree:
    """Children and ancestor chains of the release's tree, by team id."""

    def __init__(self, view: model.OrganisationView) -> None:
        self.parent = {
            team: node.parent_id if node.parent_id in view.teams else None
            for team, node in view.teams.items()
        }
        self.children: dict[int | None, list[int]] = defaultdict(list)
        for team, parent in self.parent.items():
            self.children[parent].append(team)
        for siblings in self.children.values():
            siblings.sort(key=lambda team: view.teams[team].name)

    def chain(self, team: int) -> list[int]:
        """The team, its parent, ... up to its root."""
        found = []
        while team is not None:
            found.append(team)
            team = self.parent[team]
        return found

    def subtree_sums(self, own: dict[int, int]) -> dict[int, int]:
        sums: dict[int, int] = defaultdict(int)
        for team, value in own.items():
            if team in self.parent:
                for ancestor in self.chain(team):
                    sums[ancestor] += value
        return sums


def _summaries(view: model.OrganisationView, wave_id: int) -> dict[int, list[list]]:
    table = view.summaries
    if table.empty:
        return {}
    table = table[table["wave"] == wave_id]
    rows: dict[int, list[list]] = defaultdict(list)
    for team, *values in zip(table["team"], *(table[c] for c in SUMMARY_COLUMNS), strict=True):
        rows[int(team)].append([_plain(v) for v in values])
    return rows


def _histograms(view: model.OrganisationView, tree: _Tree, wave_id: int) -> dict[int, list[int]]:
    """Counts of the index of everyone in each team's subtree, in bins 0-10, ..., 90-100."""
    rows, groups = view.subtree_rows[wave_id]
    values = view.scores[wave_id].index[rows]
    scored = ~np.isnan(values)
    bins = np.clip(
        (values[scored] // model.BIN_WIDTH).astype(np.int64), 0, 100 // model.BIN_WIDTH - 1
    )
    counts = np.zeros((len(view.teams), 100 // model.BIN_WIDTH), dtype=np.int64)
    np.add.at(counts, (groups[scored], bins), 1)
    codes = view.codes
    return {team: counts[codes[team]].tolist() for team in view.teams}


def _ladders(view, tree: _Tree, wave_id: int, labels: dict[str, str]) -> dict:
    """For each team: how many in its subtree ended their WHY ladder at each rung."""
    scores = view.scores[wave_id]
    ends = Counter(zip(scores.ladder_team_ids.tolist(), scores.ladder_top.tolist(), strict=True))
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (team, top), count in ends.items():
        if team in tree.parent:
            for ancestor in tree.chain(team):
                counts[ancestor][labels.get(top, top)] += count
    return {team: dict(sorted(by_rung.items())) for team, by_rung in counts.items()}


def _cooperation(view, tree: _Tree, visible: dict[int, bool], wave_id: int) -> dict:
    """For each team: help between its visible children (or itself, for a leaf) and others.

    The other side of a link is named at the same level: a child of the viewing team when it
    lies inside it, else the top-level team it belongs to.
    """
    names = {team: node.name for team, node in view.teams.items()}
    respondent, other, direction = view.scores[wave_id].links
    counts: dict[int, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
    for mine, theirs, way in zip(respondent.tolist(), other.tolist(), direction, strict=True):
        if mine not in tree.parent or theirs not in tree.parent:
            continue
        chain, their_chain = tree.chain(mine), tree.chain(theirs)
        # Each viewer above the respondent's team sees the link under the child it lies in;
        # a leaf viewer sees its own links.
        pairs = list(zip(chain[1:], chain, strict=False))
        if not tree.children.get(mine):
            pairs.append((mine, mine))
        for viewer, child in pairs:
            if not visible[child]:
                continue
            inside = viewer in their_chain and viewer != theirs
            there = (
                names[their_chain[their_chain.index(viewer) - 1]]
                if inside
                else names[their_chain[-1]]
            )
            pair = (there, names[child]) if way == "received" else (names[child], there)
            counts[viewer][pair] += 1
    return {
        viewer: [[a, b, n] for (a, b), n in sorted(by_pair.items())]
        for viewer, by_pair in counts.items()
    }


def _perception(view, tree: _Tree, managers, manager_cells, summaries, wave_id: int) -> dict:
    """Managers' pooled view of each team whose managers' cell and team cell are visible."""
    if managers is None or manager_cells is None or not managers.n:
        return {}
    codes = view.codes
    known = np.array([team in codes for team in managers.team_ids.tolist()], dtype=bool)
    team_codes = np.array([codes.get(t, -1) for t in managers.team_ids.tolist()])[known]
    parent_index = np.array(
        [codes.get(view.teams[t].parent_id, -1) for t in view.teams], dtype=np.int64
    )
    rows, groups = expand_to_ancestors(team_codes, parent_index)
    team_view = managers.dimensions[known][rows]
    self_view = managers.self_dimensions[known][rows]
    result = {}
    for team, code in codes.items():
        if not (view.visible(team, wave_id) and manager_cells.decision(team, wave_id).visible):
            continue
        mine = groups == code
        summary = {row[0]: row for row in summaries[team]}
        result[team] = [
            [
                dimension,
                int(mine.sum()),
                _plain(float(np.nanmean(team_view[mine, position]))),
                _plain(float(np.nanmean(self_view[mine, position]))),
                summary[dimension][2],
                summary[dimension][4],
                summary[dimension][5],
            ]
            for position, dimension in enumerate(view.dimensions)
        ]
    return result


def _reliability(view, questionnaire: Questionnaire, wave_id: int, teams: list[int]) -> dict:
    """Cronbach's alpha of each scale over the answers in the subtrees of ``teams``.

    ``{"n": answers, "scales": [...]}``, one row per dimension: name, alpha, standardised
    alpha, Feldt 95% interval, n used, items, missing rule, why undefined
    (:func:`analysis.reliability.scale_reliability`).
    """
    rows, groups = view.subtree_rows[wave_id]
    chosen = np.unique(rows[np.isin(groups, [view.codes[team] for team in teams])])
    if not chosen.size:
        return {"n": 0, "scales": []}
    results = scale_reliability(
        view.scores[wave_id].answers[chosen],
        questionnaire.item_dimension_index(),
        len(questionnaire.dimensions),
        reversed_items=questionnaire.reversed_mask(),
    )
    scales = [
        [
            dimension.name,
            _plain(result.alpha),
            _plain(result.standardized_alpha),
            _plain(result.ci[0]),
            _plain(result.ci[1]),
            result.n_used,
            result.n_items,
            result.missing,
            result.undefined_reason,
        ]
        for dimension, result in zip(questionnaire.dimensions, results, strict=True)
    ]
    return {"n": int(chosen.size), "scales": scales}


def _perception_reason(view, manager_cells: Suppression | None, team: int, wave_id: int) -> str:
    if manager_cells is None:
        return "no manager questionnaire"
    if not view.visible(team, wave_id):
        return view.reason(team, wave_id)
    reason = manager_cells.decision(team, wave_id).reason
    if reason in (too_few_answers(view.k), NO_ANSWERS):
        return f"fewer than {view.k} managers answered"
    return f"managers' answers {reason}"


def _reason(view: model.OrganisationView, tree: _Tree, team: int, wave_id: int) -> str | None:
    """Why a cell is hidden, and for a complement, which small team it protects."""
    reason = view.reason(team, wave_id)
    small = too_few_answers(view.k)
    if reason == NO_ANSWERS:  # "none" and "a few" are told apart for nobody
        return small
    if reason != COMPLEMENTARY:
        return reason
    siblings = [
        view.teams[other].name
        for other in tree.children.get(tree.parent[team], [])
        if other != team and view.reason(other, wave_id) in (small, NO_ANSWERS)
    ]
    if not siblings:
        return reason
    names = " and ".join(siblings)
    return (
        f"hidden together with {names}, which has {small}; shown when {names} has {view.k} or more"
    )


def _plain(value):
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
