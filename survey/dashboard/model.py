"""The numbers behind a dashboard: every team's subtree aggregates per wave, after suppression.

``OrganisationView`` is built once per assessment and data version (cached), covering every team
and wave; ``team_tables`` cuts one scope team's tables out of it. Hidden cells carry the reason
instead of numbers. Views only render what comes out of here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.groups import group_summaries
from analysis.hierarchy import expand_to_ancestors
from analysis.privacy import NO_ANSWERS, Suppression, suppress, too_few_answers
from survey.dashboard.loading import WaveScores
from survey.models.organisation import subtree_ids

INDEX = "Mindset index"
BIN_WIDTH = 10


@dataclass(frozen=True)
class TeamNode:
    id: int
    name: str
    parent_id: int | None
    department: str
    path: str


@dataclass(frozen=True)
class WaveInfo:
    id: int
    name: str


@dataclass
class OrganisationView:
    """Subtree aggregates of every team in every wave, and which of them may be shown."""

    teams: dict[int, TeamNode]
    codes: dict[int, int]
    waves: list[WaveInfo]
    dimensions: list[str]
    k: int
    suppression: Suppression
    summaries: pd.DataFrame  # team, wave, measure, n, mean, sd, ci_low, ci_high
    subtree_rows: dict[int, tuple[np.ndarray, np.ndarray]] = field(repr=False)
    scores: dict[int, WaveScores] = field(repr=False)
    version: tuple = ()  # the cache key it was built for

    def visible(self, team_id: int, wave_id: int) -> bool:
        return self.suppression.decision(team_id, wave_id).visible

    def reason(self, team_id: int, wave_id: int) -> str | None:
        return self.suppression.decision(team_id, wave_id).reason

    def values(self, team_id: int, wave_id: int, measure: int = 0) -> np.ndarray:
        """One measure (0 = index, 1.. = dimensions) of everyone in a team's subtree."""
        rows, groups = self.subtree_rows[wave_id]
        scores = self.scores[wave_id]
        chosen = rows[groups == self.codes[team_id]]
        if measure == 0:
            return scores.index[chosen]
        return scores.dimensions[chosen, measure - 1]

    def children(self, team_id: int) -> list[TeamNode]:
        return sorted(
            (team for team in self.teams.values() if team.parent_id == team_id),
            key=lambda team: team.name,
        )


def build_view(
    teams: list[TeamNode],
    waves: list[WaveInfo],
    dimensions: list[str],
    scores: dict[int, WaveScores],
    k: int,
) -> OrganisationView:
    """Aggregate every team's subtree in every wave and decide what may be shown."""
    by_id = {team.id: team for team in teams}
    codes = {team.id: code for code, team in enumerate(teams)}
    parent_index = np.array([codes.get(team.parent_id, -1) for team in teams])
    lookup = np.full(max(codes, default=0) + 1, -1)
    for team_id, code in codes.items():
        lookup[team_id] = code
    measures = [INDEX, *dimensions]
    own_counts: dict[tuple[int, int], int] = {}
    frames, subtree_rows = [], {}
    for wave in waves:
        wave_scores = scores[wave.id]
        team_codes = lookup[wave_scores.team_ids]
        for code, count in zip(*np.unique(team_codes, return_counts=True), strict=True):
            own_counts[(teams[code].id, wave.id)] = int(count)
        rows, groups = expand_to_ancestors(team_codes, parent_index)
        subtree_rows[wave.id] = (rows, groups)
        values = np.column_stack([wave_scores.index, wave_scores.dimensions])[rows]
        table = group_summaries(groups, values, measures)
        table["team"] = [teams[code].id for code in table["group"]]
        table["wave"] = wave.id
        frames.append(table.drop(columns="group"))
    if teams:  # a wave without answers still gets a decision for every team
        for wave in waves:
            own_counts.setdefault((teams[0].id, wave.id), 0)
    suppression = suppress(
        {t.id: t.parent_id if t.parent_id in by_id else None for t in teams}, own_counts, k
    )
    summaries = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return OrganisationView(
        by_id, codes, waves, dimensions, k, suppression, summaries, subtree_rows, scores
    )


@dataclass(frozen=True)
class Section:
    """One chart's aggregates: the rows shown, and what was hidden and why."""

    key: str
    title: str
    table: pd.DataFrame
    hidden: list[tuple[str, str]]


def _summary_rows(
    view: OrganisationView, team_ids: list[int], wave_ids: list[int], measures: list[str]
) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    names = {wave.id: wave.name for wave in view.waves}
    table = view.summaries
    shown, hidden = [], []
    for team_id in team_ids:
        for wave_id in wave_ids:
            label = f"{view.teams[team_id].name}, {names[wave_id]}"
            if not view.visible(team_id, wave_id):
                hidden.append((label, view.reason(team_id, wave_id)))
                continue
            rows = table[
                (table["team"] == team_id)
                & (table["wave"] == wave_id)
                & table["measure"].isin(measures)
            ]
            shown.append(rows.assign(group=view.teams[team_id].name, wave=names[wave_id]))
    columns = ["group", "wave", "measure", "n", "mean", "sd", "ci_low", "ci_high"]
    frame = pd.concat(shown, ignore_index=True)[columns] if shown else pd.DataFrame(columns=columns)
    return frame, hidden


def previous_wave(view: OrganisationView, wave_id: int) -> WaveInfo | None:
    ids = [wave.id for wave in view.waves]
    position = ids.index(wave_id)
    return view.waves[position - 1] if position > 0 else None


def headline(view: OrganisationView, team_id: int, wave_id: int) -> Section:
    frame, hidden = _summary_rows(view, [team_id], [wave_id], [INDEX, *view.dimensions])
    return Section(
        "headline",
        "Where this part of the organisation stands",
        frame.drop(columns=["group", "wave"]),
        hidden,
    )


def heatmap(view: OrganisationView, team_id: int, wave_id: int) -> Section:
    children = [child.id for child in view.children(team_id)]
    frame, hidden = _summary_rows(view, children, [wave_id], view.dimensions)
    frame = frame.rename(columns={"measure": "dimension"})[["group", "dimension", "n", "mean"]]
    return Section("heatmap", "Teams by dimension", frame, hidden)


def distribution(view: OrganisationView, team_id: int, wave_id: int) -> Section:
    name = view.teams[team_id].name
    if not view.visible(team_id, wave_id):
        return Section(
            "distribution",
            "Where people sit on the continuum",
            pd.DataFrame(),
            [(name, view.reason(team_id, wave_id))],
        )
    values = view.values(team_id, wave_id)
    counts, edges = np.histogram(values[~np.isnan(values)], bins=np.arange(0, 101, BIN_WIDTH))
    table = pd.DataFrame(
        {"group": name, "bin_start": edges[:-1], "bin_end": edges[1:], "count": counts}
    )
    return Section("distribution", "Where people sit on the continuum", table, [])


def ladder(view: OrganisationView, team_id: int, labels: dict[str, str]) -> Section:
    """Where the WHY ladder ends, per wave, for everyone in the team's subtree."""
    rows, hidden = [], []
    subtree = subtree_ids(list(view.teams.values()), team_id)
    for wave in view.waves:
        if not view.visible(team_id, wave.id):
            hidden.append((wave.name, view.reason(team_id, wave.id)))
            continue
        scores = view.scores[wave.id]
        inside = np.isin(scores.ladder_team_ids, list(subtree))
        targets, counts = np.unique(scores.ladder_top[inside].astype(str), return_counts=True)
        rows += [
            {"wave": wave.name, "rung": labels.get(t, t), "count": int(c)}
            for t, c in zip(targets, counts, strict=True)
        ]
    return Section("ladder", "Where the WHY ladder ends", pd.DataFrame(rows), hidden)


def cooperation(view: OrganisationView, team_id: int, wave_id: int) -> Section:
    """Help given and received by the team's children (or the team itself).

    The other side of each link is named at the same level: a child of the team when it lies
    inside the team, else the top-level team (such as Product or Marketing) it belongs to, so
    the matrix stays as small as the tree's top and the team's children.
    """
    children = view.children(team_id) or [view.teams[team_id]]
    teams = list(view.teams.values())
    owner = {member: child for child in children for member in subtree_ids(teams, child.id)}
    other_side = {
        member: root.name
        for root in view.teams.values()
        if root.parent_id is None
        for member in subtree_ids(teams, root.id)
    }
    other_side.update({member: child.name for member, child in owner.items()})
    respondent, other, direction = view.scores[wave_id].links
    hidden = [
        (child.name, view.reason(child.id, wave_id))
        for child in children
        if not view.visible(child.id, wave_id)
    ]
    counts: dict[tuple[str, str], int] = {}
    for mine, theirs, way in zip(respondent, other, direction, strict=True):
        child = owner.get(int(mine))
        if child is None or not view.visible(child.id, wave_id) or int(theirs) not in other_side:
            continue
        there = other_side[int(theirs)]
        pair = (there, child.name) if way == "received" else (child.name, there)
        counts[pair] = counts.get(pair, 0) + 1
    table = pd.DataFrame(
        [{"from_group": a, "to_group": b, "count": n} for (a, b), n in sorted(counts.items())]
    )
    return Section("cooperation", "Who helps whom", table, hidden)


def perception(
    view: OrganisationView,
    managers: WaveScores | None,
    manager_cells: Suppression | None,
    team_id: int,
    wave_id: int,
) -> Section:
    """Managers' view of their teams against the teams' own answers, per dimension.

    Manager answers are pooled over the team's whole subtree and shown only where the managers'
    own cell is visible (``manager_cells``: at least ``k`` managers, with complementary
    suppression over the tree, so that no single manager's answers appear).
    """
    title = "How managers see their teams, against the teams' own answers"
    name = view.teams[team_id].name
    if managers is None or manager_cells is None:
        return Section("perception", title, pd.DataFrame(), [(name, "no manager questionnaire")])
    decision = manager_cells.decision(team_id, wave_id)
    if not decision.visible:
        reason = decision.reason
        if reason in (too_few_answers(view.k), NO_ANSWERS):
            reason = f"fewer than {view.k} managers answered"
        return Section("perception", title, pd.DataFrame(), [(name, f"managers' answers {reason}")])
    if not view.visible(team_id, wave_id):
        return Section("perception", title, pd.DataFrame(), [(name, view.reason(team_id, wave_id))])
    inside = np.isin(managers.team_ids, list(subtree_ids(list(view.teams.values()), team_id)))
    summaries = view.summaries
    mine = summaries[(summaries["team"] == team_id) & (summaries["wave"] == wave_id)]
    rows = []
    for position, dimension in enumerate(view.dimensions):
        team_row = mine[mine["measure"] == dimension].iloc[0]
        rows.append(
            {
                "dimension": dimension,
                "managers": int(inside.sum()),
                "manager_score": float(np.nanmean(managers.dimensions[inside, position])),
                "manager_self_view": float(np.nanmean(managers.self_dimensions[inside, position])),
                "team_mean": team_row["mean"],
                "ci_low": team_row["ci_low"],
                "ci_high": team_row["ci_high"],
            }
        )
    return Section("perception", title, pd.DataFrame(rows), [])
