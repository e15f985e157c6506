"""What a release stores: the tree, and each team's cell with every figure views draw from it.

Everything is plain JSON (team ids as strings), computed once for every team at the same time
(one pass over the wave's responses, expanded to their teams' ancestors), so that a page only
reads it. A hidden cell stores its reason and no figure. Sections are cut from the cells when
shown (:mod:`survey.releases.read`).

A team's cell holds: ``n``, ``visible``, ``reason``; when visible, ``summary`` (one row per
measure: measure, n, mean, SD, 95% interval), ``distribution`` (counts of the index in bins of
:data:`~survey.aggregates.model.BIN_WIDTH`), ``ladder`` (``{target label: count}`` of where the
WHY ladder ends), ``cooperation`` (``[from, to, count]`` between its visible child teams and the
rest, as seen from this team) with ``cooperation_measures`` (share across departments and
reciprocity of those links), ``perception`` (when its managers' cell is visible too: one row per
dimension, ending with the gap and whether the managers' view lies outside the team's interval),
``reliability`` (alpha of each scale over its subtree, with each item's corrected item-total r
and alpha if dropped) and ``extremes`` (the paired test of the gap between its highest- and
lowest-scoring dimensions); and always ``invited`` (personal invitations sent in its subtree).
``roots_reliability`` is alpha over every top team shown. ``questionnaire`` names the rep
questionnaire's key and version and, in ``shared``, how many items it shares with each version
it has a crosswalk with (the summary rows then include the index on those items, so that waves
asking either version compare: :mod:`survey.releases.versions`). A summary row is stored only
for a measure scored for everyone the cell counts; the management climate is one where reps
were asked how they are managed. ``careless_left_out`` says whether responses flagged as
careless were left out (fixed at the wave's first release). A wave's final release also stores
``words``, the word groups of the reps' own words, as keys only
(:func:`survey.ladder_words.release_words`; read by :mod:`survey.releases.words`).

Releases made before a key or a column was added lack it (``cooperation_measures``,
``extremes``; the gap columns of ``perception``, the items of a ``reliability`` row): readers
take a missing one as not computed.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pandas as pd

from analysis.cooperation import DIRECTIONS, cooperation_matrix, cooperation_measures
from analysis.groups import group_summaries
from analysis.hierarchy import ancestor_chains, expand_to_ancestors
from analysis.ladder import top_rung_shares
from analysis.perception import perception_gaps
from analysis.privacy import COMPLEMENTARY, NO_ANSWERS, Suppression, too_few_answers
from analysis.profile import extreme_gap
from analysis.reliability import scale_reliability
from questionnaires import DIMENSION_KEYS, Questionnaire
from survey.aggregates import model
from survey.aggregates.loading import WaveScores
from survey.aggregates.measures import CLIMATE, shared_index_name
from survey.instruments import shared_items

SUMMARY_COLUMNS = ["measure", "n", "mean", "sd", "ci_low", "ci_high"]
MANAGEMENT = DIMENSION_KEYS.index("management")


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
    ladders = _ladders(view, wave.id, ladder_labels)
    cooperation = _cooperation(view, visible, wave.id)
    perception = _perception(view, managers, manager_cells, wave.id)
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
                "cooperation": cooperation.get(team, ([], None))[0],
                "cooperation_measures": cooperation.get(team, ([], None))[1],
                "perception": perception.get(team),
                "reliability": _reliability(view, questionnaire, wave.id, [team]),
                "extremes": _extremes(view, wave.id, team),
            }
        if not decision.visible or cell["perception"] is None:
            cell["perception_hidden"] = _perception_reason(view, manager_cells, team, wave.id)
        cells[str(team)] = cell
    return {
        "wave": {"id": wave.id, "name": wave.name},
        "questionnaire": {
            "key": questionnaire.key,
            "version": questionnaire.version,
            "shared": {
                shared_index_name(questionnaire.version, other): len(ids)
                for other, ids in shared_items(questionnaire).items()
            },
        },
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
    """Each team's summary rows; a measure scored for fewer people than the index (everyone the
    cell counts: every counted response has an index) is left out, so that no figure covers a
    group the suppression and the auditor did not decide on."""
    table = view.summaries
    if table.empty:
        return {}
    table = table[table["wave"] == wave_id]
    index_n = table.loc[table["measure"] == model.INDEX].set_index("team")["n"]
    table = table[(table["measure"] == model.INDEX) | (table["n"] == table["team"].map(index_n))]
    rows: dict[int, list[list]] = defaultdict(list)
    for team, *values in zip(table["team"], *(table[c] for c in SUMMARY_COLUMNS), strict=True):
        rows[int(team)].append([plain(v) for v in values])
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


def _parent_codes(view: model.OrganisationView) -> np.ndarray:
    """Each team's parent code (-1 for a top team), in the order of ``view.codes``."""
    codes = view.codes
    return np.array([codes.get(view.teams[t].parent_id, -1) for t in codes], dtype=np.int64)


def _known_codes(view: model.OrganisationView, team_ids: np.ndarray) -> tuple[np.ndarray, ...]:
    """Which of ``team_ids`` are teams of the release's tree, and the codes of those."""
    known = np.array([team in view.codes for team in team_ids.tolist()], dtype=bool)
    codes = np.array([view.codes[team] for team in team_ids[known].tolist()], dtype=np.int64)
    return known, codes


def _ladders(view: model.OrganisationView, wave_id: int, labels: dict[str, str]) -> dict:
    """For each team: how many in its subtree ended their WHY ladder at each target.

    ``{target label: count}`` of the targets chosen, in the questionnaire's order (``labels``:
    target key -> label), by :func:`analysis.ladder.top_rung_shares` over every team's subtree.
    A key the questionnaire does not list (none should) counts under itself, after the others.
    """
    scores = view.scores[wave_id]
    known, team_codes = _known_codes(view, scores.ladder_team_ids)
    tops = scores.ladder_top[known].tolist()
    if not tops:
        return {}
    keys = [*labels, *sorted(set(tops) - set(labels))]
    code_of = {key: code for code, key in enumerate(keys)}
    top_codes = np.array([code_of[top] for top in tops], dtype=np.int64)
    rows, groups = expand_to_ancestors(team_codes, _parent_codes(view))
    table = top_rung_shares(groups, top_codes[rows], keys)
    table = table[table["count"] > 0]
    ids = list(view.codes)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for group, key, count in zip(table["group"], table["category"], table["count"], strict=True):
        counts[ids[group]][labels.get(key, key)] = int(count)
    return counts


def _cooperation(view: model.OrganisationView, visible: dict[int, bool], wave_id: int) -> dict:
    """For each team: help between its visible children (or itself, for a leaf) and others.

    The other side of a link is named at the same level: a child of the viewing team when it
    lies inside it, the viewing team itself when the link names it, else the top-level team it
    belongs to. Returns ``{team: (links, measures)}``: ``[helper, helped, count]`` rows from
    :func:`analysis.cooperation.cooperation_matrix` over the teams so named, and the share of
    those links across departments and their reciprocity
    (:func:`analysis.cooperation.cooperation_measures`), so from exactly the links shown.
    """
    respondent, other, direction = view.scores[wave_id].links
    ids = np.array(list(view.codes), dtype=np.int64)
    if not respondent.size or not ids.size:
        return {}
    names = [view.teams[team].name for team in ids.tolist()]
    departments = np.array([view.teams[team].department for team in ids.tolist()], dtype=object)
    parents = _parent_codes(view)
    usable = np.isin(other, ids) & np.isin(direction.astype(str), DIRECTIONS)
    known, mine = _known_codes(view, respondent[usable])
    usable[usable] = known
    theirs = np.array([view.codes[team] for team in other[usable].tolist()], dtype=np.int64)
    ways = direction[usable].astype(str)
    if not mine.size:
        return {}
    # Each viewer above the respondent's team sees the link under its child on the way down
    # to it; a leaf viewer sees its own links.
    rows, nodes = expand_to_ancestors(mine, parents)
    above = parents[nodes] >= 0
    leaf = np.bincount(parents[parents >= 0], minlength=ids.size) == 0
    own = np.flatnonzero(leaf[mine])
    link = np.concatenate([rows[above], own])
    child = np.concatenate([nodes[above], mine[own]])
    viewer = np.concatenate([parents[nodes[above]], mine[own]])
    shown = np.array([visible[team] for team in ids.tolist()], dtype=bool)[child]
    link, child, viewer = link[shown], child[shown], viewer[shown]
    if not link.size:
        return {}
    there = _named_at_level(parents, viewer, theirs[link])
    result = {}
    order = np.argsort(viewer, kind="stable")
    viewers, starts = np.unique(viewer[order], return_index=True)
    for code, mine_here in zip(viewers, np.split(order, starts[1:]), strict=True):
        teams, local = np.unique(
            np.concatenate([child[mine_here], there[mine_here]]), return_inverse=True
        )
        size = mine_here.size
        matrix = cooperation_matrix(local[:size], local[size:], ways[link[mine_here]], teams.size)
        helper, helped = np.nonzero(matrix)
        links = sorted(
            [names[teams[a]], names[teams[b]], int(matrix[a, b])]
            for a, b in zip(helper.tolist(), helped.tolist(), strict=True)
        )
        measures = cooperation_measures(matrix, departments[teams])
        result[int(ids[code])] = (
            links,
            {
                "links": measures.n_links,
                "cross_department_links": measures.cross_department_links,
                "cross_department_share": plain(measures.cross_department_share),
                "connected_pairs": measures.connected_pairs,
                "mutual_pairs": measures.mutual_pairs,
                "reciprocity": plain(measures.reciprocity),
                "undefined_reason": measures.undefined_reason,
            },
        )
    return result


def _named_at_level(parents: np.ndarray, viewer: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The team ``viewer`` names ``target`` by: its child on the way down to ``target`` when
    ``target`` lies below it, itself when ``target`` is itself, else ``target``'s top team."""
    offsets, chains = ancestor_chains(parents)
    depth = offsets[1:] - offsets[:-1] - 1  # 0 for a top team

    def ancestor(team: np.ndarray, level: np.ndarray) -> np.ndarray:
        """The team above (or at) ``team`` at depth ``level``, for ``level <= depth[team]``."""
        return chains[offsets[team] + depth[team] - level]

    level = depth[viewer]
    below = depth[target] > level
    inside = below & (ancestor(target, np.minimum(level, depth[target])) == viewer)
    child = ancestor(target, np.minimum(level + 1, depth[target]))
    top = ancestor(target, np.zeros_like(target))
    return np.where(inside, child, np.where(target == viewer, viewer, top))


def _perception(
    view: model.OrganisationView,
    managers: WaveScores | None,
    manager_cells: Suppression | None,
    wave_id: int,
) -> dict:
    """Managers' pooled view of each team whose managers' cell and team cell are visible.

    One row per dimension: dimension, managers, their mean view of the team, their mean view of
    themselves, the team's own mean and its 95% interval, the gap (managers' view of the team
    minus the team's mean) and whether the managers' view lies outside the team's interval
    (:func:`analysis.perception.perception_gaps`). Where reps were asked how they are managed, a
    last row sets the managers' view of their own managing (as both of their views) beside that
    management climate: the gap is their self-view minus how their reps experience it.
    """
    if managers is None or manager_cells is None or not managers.n or view.summaries.empty:
        return {}
    shown = [
        code
        for team, code in view.codes.items()
        if view.visible(team, wave_id) and manager_cells.decision(team, wave_id).visible
    ]
    known, team_codes = _known_codes(view, managers.team_ids)
    rows, groups = expand_to_ancestors(team_codes, _parent_codes(view))
    kept = np.isin(groups, shown)
    rows, groups = rows[kept], groups[kept]
    if not rows.size:
        return {}
    dimensions = view.dimensions
    team_view = group_summaries(groups, managers.dimensions[known][rows], dimensions)
    self_view = group_summaries(groups, managers.self_dimensions[known][rows], dimensions)
    summaries = view.summaries[view.summaries["wave"] == wave_id].rename(columns={"team": "group"})
    if CLIMATE in set(summaries["measure"]):  # their own managing against how reps are managed
        own = self_view[self_view["measure"] == dimensions[MANAGEMENT]]
        team_view = pd.concat([team_view, own.assign(measure=CLIMATE)], ignore_index=True)
        self_view = pd.concat([self_view, own.assign(measure=CLIMATE)], ignore_index=True)
    ids = np.array(list(view.codes), dtype=np.int64)
    gaps = perception_gaps(
        summaries,
        pd.DataFrame(
            {
                "group": ids[team_view["group"].to_numpy()],
                "measure": team_view["measure"],
                "manager_score": team_view["mean"],
            }
        ),
    )
    managers_per_team = np.bincount(groups)
    result: dict[int, list[list]] = defaultdict(list)
    for row, code, self_score in zip(
        gaps.itertuples(index=False), team_view["group"], self_view["mean"], strict=True
    ):
        outside = row.outside_interval
        result[int(row.group)].append(
            [
                row.measure,
                int(managers_per_team[code]),
                plain(row.manager_score),
                plain(self_score),
                plain(row.mean),
                plain(row.ci_low),
                plain(row.ci_high),
                plain(row.gap),
                None if pd.isna(outside) else bool(outside),
            ]
        )
    return result


def _reliability(view, questionnaire: Questionnaire, wave_id: int, teams: list[int]) -> dict:
    """Cronbach's alpha of each scale over the answers in the subtrees of ``teams``.

    ``{"n": answers, "scales": [...]}``, one row per dimension: name, alpha, standardised
    alpha, Feldt 95% interval, n used, items, missing rule, why undefined, and its items (one
    ``[item id, corrected item-total r, alpha if dropped, why undefined]`` per item, in the
    questionnaire's order), all from :func:`analysis.reliability.scale_reliability`. Releases
    made before the items were added have 9 columns: readers take the items as not computed.
    """
    rows, groups = view.subtree_rows[wave_id]
    chosen = np.unique(rows[np.isin(groups, [view.codes[team] for team in teams])])
    if not chosen.size:
        return {"n": 0, "scales": []}
    answers = view.scores[wave_id].answers[chosen]
    scales = []
    for name, columns, codes, n_scales in _scales(questionnaire):
        results = scale_reliability(
            answers[:, columns],
            codes,
            n_scales,
            reversed_items=np.asarray(questionnaire.reversed_mask())[columns],
        )
        for position, result in enumerate(results):
            ids = [
                questionnaire.items[column].id
                for column, code in zip(columns, codes, strict=True)
                if code == position
            ]
            scales.append(_scale_row(name(position), result, ids))
    return {"n": int(chosen.size), "scales": scales}


def _scales(questionnaire: Questionnaire) -> list:
    """(name of scale i, item columns, their scale codes, scales) of the own-stance dimensions
    and, when the questionnaire asks them, the climate items as one scale."""
    dimension = np.asarray(questionnaire.item_dimension_index())
    perspective = [item.perspective for item in questionnaire.items]
    own = [i for i, kind in enumerate(perspective) if kind != "climate"]
    names = [d.name for d in questionnaire.dimensions]
    found = [(names.__getitem__, own, dimension[own], len(names))]
    climate = [i for i, kind in enumerate(perspective) if kind == "climate"]
    if climate:
        found.append((lambda _: CLIMATE, climate, np.zeros(len(climate), dtype=np.int64), 1))
    return found


def _scale_row(name: str, result, ids: list[str]) -> list:
    return [
        name,
        plain(result.alpha),
        plain(result.standardized_alpha),
        plain(result.ci[0]),
        plain(result.ci[1]),
        result.n_used,
        result.n_items,
        result.missing,
        result.undefined_reason,
        [
            [
                item_id,
                plain(item.corrected_item_total),
                plain(item.alpha_if_dropped),
                item.undefined_reason,
            ]
            for item_id, item in zip(ids, result.items, strict=True)
        ],
    ]


def _extremes(view: model.OrganisationView, wave_id: int, team: int) -> dict:
    """The within-person gap between the team's highest- and lowest-scoring dimensions.

    Over everyone in the team's subtree: the dimensions' names, people with both scores, the
    mean gap in points with its 95% t interval, the paired t-test's p-value and that p-value
    Holm-adjusted over every pair of dimensions, how many pairs that is, and why the test is
    undefined (:func:`analysis.profile.extreme_gap`).
    """
    rows, groups = view.subtree_rows[wave_id]
    gap = extreme_gap(view.scores[wave_id].dimensions[rows[groups == view.codes[team]]])
    names = view.dimensions
    return {
        "highest": None if gap.highest is None else names[gap.highest],
        "lowest": None if gap.lowest is None else names[gap.lowest],
        "n": gap.n,
        "difference": plain(gap.difference),
        "ci_low": plain(gap.ci[0]),
        "ci_high": plain(gap.ci[1]),
        "p": plain(gap.p_value),
        "p_adjusted": plain(gap.p_adjusted),
        "comparisons": gap.comparisons,
        "adjustment": gap.adjustment,
        "undefined_reason": gap.undefined_reason,
    }


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


def plain(value):
    """A numpy or float value as JSON stores it: NaN becomes None."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
