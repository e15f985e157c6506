"""What views show: one team's sections for one wave, read from the stored releases.

The wave's own sections come as stored; the sections over several waves (trend, profile,
change, the ladder over time) are put together from the cells of each wave's latest release.
The change is a function of two released cells (their ``n``, mean and SD) and the verdict's
family is fixed by the release's tree, so every look gives the same answer. A wave without a
release shows counts only, in steps of ``k``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.change import classify_changes, compare_summaries
from analysis.privacy import coarse_count
from survey.aggregates.model import (
    BIN_WIDTH,
    INDEX,
    Section,
    TeamNode,
    WaveInfo,
    organisation_nodes,
)
from survey.models import Assessment, Response
from survey.models.organisation import subtree_ids
from survey.releases.payload import SUMMARY_COLUMNS
from survey.releases.store import ReleaseInfo, latest_releases, payload

WAVE_SECTIONS = ("headline", "distribution", "heatmap", "cooperation", "perception", "rates")
NOT_IN_TREE = "not part of the organisation when this wave was released"


@dataclass
class ReleasedView:
    """The tree and waves a page is drawn over: the selected wave's release tree."""

    teams: dict[int, TeamNode]
    waves: list[WaveInfo]
    k: int
    releases: dict[int, ReleaseInfo]

    def children(self, team_id: int) -> list[TeamNode]:
        return sorted(
            (team for team in self.teams.values() if team.parent_id == team_id),
            key=lambda team: team.name,
        )

    def released(self, wave_id: int) -> bool:
        return wave_id in self.releases


@dataclass(frozen=True)
class Dashboard:
    view: ReleasedView
    team: TeamNode
    wave: WaveInfo
    sections: dict[str, Section]
    release: ReleaseInfo | None
    specs: dict[str, dict] = field(default_factory=dict)


def _tree(data: dict) -> dict[int, TeamNode]:
    return {
        int(team): TeamNode(int(team), n["name"], n["parent_id"], n["department"], n["path"])
        for team, n in data["tree"].items()
    }


def _live_tree(session: Session, assessment: Assessment) -> dict[int, TeamNode]:
    return {node.id: node for node in organisation_nodes(session, assessment.organisation_id)}


def released_dashboard(
    session: Session, assessment: Assessment, team_id: int, wave_id: int
) -> Dashboard:
    """One team's sections for one wave, from releases only."""
    releases = latest_releases(session, assessment)
    waves = [WaveInfo(wave.id, wave.name) for wave in assessment.waves]
    wave = next(w for w in waves if w.id == wave_id)
    current = releases.get(wave_id)
    if current is None:
        tree = _live_tree(session, assessment)
        view = ReleasedView(tree, waves, assessment.min_group_size, releases)
        team = tree[team_id]
        return Dashboard(view, team, wave, pending_sections(session, view, team, wave_id), None)
    data = {w: payload(session, info) for w, info in releases.items()}
    view = ReleasedView(_tree(data[wave_id]), waves, current.k, releases)
    team = view.teams.get(team_id)
    if team is None:
        team = _live_tree(session, assessment)[team_id]
        hidden = [(team.name, NOT_IN_TREE)]
        sections = {key: Section(key, key.title(), pd.DataFrame(), hidden) for key in KEYS}
        return Dashboard(view, team, wave, sections, current)
    sections = wave_sections(view, data[wave_id], team)
    released_waves = [w for w in waves if w.id in data]
    sections["trend"] = trend(view, data, released_waves, team_id)
    sections["profile"] = profile(view, data, released_waves, team_id, wave_id)
    sections["change"] = change(view, data, released_waves, team_id, wave_id)
    sections["ladder"] = ladder(data, released_waves, team)
    return Dashboard(view, team, wave, sections, current)


KEYS = (*WAVE_SECTIONS, "trend", "profile", "change", "ladder")


def _cell(data: dict, team_id: int) -> dict | None:
    return data["cells"].get(str(team_id))


def _hidden_reason(cell: dict | None) -> str:
    return NOT_IN_TREE if cell is None else cell["reason"]


def _summary(cell: dict) -> pd.DataFrame:
    return pd.DataFrame(cell["summary"], columns=SUMMARY_COLUMNS)


def previous_released(waves: list[WaveInfo], wave_id: int) -> WaveInfo | None:
    ids = [wave.id for wave in waves]
    if wave_id not in ids:
        return None
    position = ids.index(wave_id)
    return waves[position - 1] if position > 0 else None


def _rows(view, data, waves, team_ids, measures) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    shown, hidden = [], []
    for member in team_ids:
        name = view.teams[member].name
        for wave in waves:
            cell = _cell(data[wave.id], member)
            if cell is None or not cell["visible"]:
                hidden.append((f"{name}, {wave.name}", _hidden_reason(cell)))
                continue
            rows = _summary(cell)
            shown.append(rows[rows["measure"].isin(measures)].assign(group=name, wave=wave.name))
    columns = ["group", "wave", "measure", "n", "mean", "sd", "ci_low", "ci_high"]
    frame = pd.concat(shown, ignore_index=True)[columns] if shown else pd.DataFrame(columns=columns)
    return frame, hidden


def trend(view: ReleasedView, data, waves, team_id: int) -> Section:
    members = [team_id] + [child.id for child in view.children(team_id)]
    frame, hidden = _rows(view, data, waves, members, [INDEX])
    return Section("trend", "Mindset index over the waves", frame.drop(columns="measure"), hidden)


def profile(view: ReleasedView, data, waves, team_id: int, wave_id: int) -> Section:
    before = previous_released(waves, wave_id)
    chosen = [w for w in waves if w.id == wave_id or (before and w.id == before.id)]
    frame, hidden = _rows(view, data, chosen, [team_id], data[wave_id]["dimensions"])
    frame = frame.rename(columns={"measure": "dimension"}).drop(columns="group")
    return Section("profile", "The six dimensions against the previous wave", frame, hidden)


def change(view: ReleasedView, data, waves, team_id: int, wave_id: int) -> Section:
    """The index change since the previous released wave, for the team and each child team.

    Welch's test from the two released cells; Benjamini-Hochberg over the team and its
    children (the family shown on this page).
    """
    before = previous_released(waves, wave_id)
    title = f"Change since {before.name}" if before else "Change since the previous wave"
    members = [team_id] + [child.id for child in view.children(team_id)]
    tested, hidden = [], []
    for member in members:
        name = view.teams[member].name
        if before is None:
            hidden.append((name, "no earlier released wave to compare with"))
            continue
        cells = [_cell(data[w], member) for w in (before.id, wave_id)]
        if not all(cell and cell["visible"] for cell in cells):
            wave_names = (before.name, _wave_name(view, wave_id))
            reason = next(
                f"{_hidden_reason(cell)} in {wave_name}"
                for cell, wave_name in zip(cells, wave_names, strict=True)
                if not (cell and cell["visible"])
            )
            hidden.append((name, reason))
            continue
        b, a = (_index_row(cell) for cell in cells)
        tested.append(
            (name, compare_summaries(b["n"], b["mean"], b["sd"], a["n"], a["mean"], a["sd"]))
        )
    rows = [
        {
            "group": name,
            "n_before": result.n_before,
            "n_after": result.n_after,
            "mean_before": result.mean_before,
            "mean_after": result.mean_after,
            "difference": result.difference,
            "ci_low": result.ci[0],
            "ci_high": result.ci[1],
            "hedges_g": result.hedges_g,
            "p_value": result.p_value,
            "verdict": verdict.label,
        }
        for (name, result), verdict in zip(
            tested, classify_changes([r for _, r in tested]), strict=True
        )
    ]
    return Section("change", title, pd.DataFrame(rows), hidden)


def _wave_name(view: ReleasedView, wave_id: int) -> str:
    return next(wave.name for wave in view.waves if wave.id == wave_id)


def _index_row(cell: dict) -> dict:
    summary = _summary(cell)
    row = summary[summary["measure"] == INDEX].iloc[0]
    sd = row["sd"]
    return {
        "n": int(row["n"]),
        "mean": float(row["mean"]),
        "sd": float("nan") if sd is None else float(sd),
    }


def ladder(data, waves, team: TeamNode) -> Section:
    """Where the WHY ladder ends, per released wave, for everyone in the team's subtree."""
    rows, hidden = [], []
    for wave in waves:
        cell = _cell(data[wave.id], team.id)
        if cell is None or not cell["visible"]:
            hidden.append((wave.name, _hidden_reason(cell)))
            continue
        rows += [
            {"wave": wave.name, "rung": rung, "count": count}
            for rung, count in cell["ladder"].items()
        ]
    return Section("ladder", "Where the WHY ladder ends", pd.DataFrame(rows), hidden)


def wave_sections(view: ReleasedView, data: dict, team: TeamNode) -> dict[str, Section]:
    """The sections of one released wave for one team, cut from the stored cells."""
    cell = data["cells"][str(team.id)]
    alone = [] if cell["visible"] else [(team.name, cell["reason"])]
    children = view.children(team.id)
    members = children or [team]
    cells = {member.id: data["cells"][str(member.id)] for member in [team, *children]}
    shown = [member for member in members if cells[member.id]["visible"]]
    out_of_sight = [
        (member.name, cells[member.id]["reason"]) for member in members if member not in shown
    ]
    sections = {
        "headline": Section(
            "headline",
            "Where this part of the organisation stands",
            _table(cell.get("summary"), SUMMARY_COLUMNS),
            alone,
        ),
        "distribution": Section(
            "distribution",
            "Where people sit on the continuum",
            _histogram(team.name, cell.get("distribution")),
            alone,
        ),
        "heatmap": Section(
            "heatmap",
            "Teams by dimension",
            pd.DataFrame(
                [
                    {"group": child.name, "dimension": row[0], "n": row[1], "mean": row[2]}
                    for child in children
                    if cells[child.id]["visible"]
                    for row in cells[child.id]["summary"]
                    if row[0] != INDEX
                ],
                columns=["group", "dimension", "n", "mean"],
            ),
            [pair for pair in out_of_sight if children],
        ),
        "cooperation": Section(
            "cooperation",
            "Who helps whom",
            _table(cell.get("cooperation") or None, ["from_group", "to_group", "count"]),
            out_of_sight,
        ),
        "perception": Section(
            "perception",
            "How managers see their teams, against the teams' own answers",
            _table(cell.get("perception"), PERCEPTION_COLUMNS),
            [] if cell.get("perception") else [(team.name, cell["perception_hidden"])],
        ),
        "rates": Section(
            "rates",
            "Response rates",
            pd.DataFrame(
                [_rate(member.name, cells[member.id]) for member in members],
                columns=["group", "invited", "answered", "rate"],
            ),
            out_of_sight,
        ),
    }
    return sections


PERCEPTION_COLUMNS = [
    "dimension",
    "managers",
    "manager_score",
    "manager_self_view",
    "team_mean",
    "ci_low",
    "ci_high",
]


def _table(rows: list | None, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame()


def _histogram(name: str, counts: list[int] | None) -> pd.DataFrame:
    if counts is None:
        return pd.DataFrame()
    starts = [BIN_WIDTH * i for i in range(len(counts))]
    return pd.DataFrame(
        {
            "group": name,
            "bin_start": starts,
            "bin_end": [start + BIN_WIDTH for start in starts],
            "count": counts,
        }
    )


def _rate(name: str, cell: dict) -> dict:
    answered = cell["n"] if cell["visible"] else None
    sent = cell["invited"]
    rate = answered / sent if answered is not None and 0 < answered <= sent else None
    return {"group": name, "invited": sent, "answered": answered, "rate": rate}


def pending_sections(
    session: Session, view: ReleasedView, team: TeamNode, wave_id: int
) -> dict[str, Section]:
    """An unreleased wave: every section waits, and only coarsened counts are shown."""
    why = (
        "results of this wave are released when it closes; "
        f"until then only counts are shown, in steps of {view.k}"
    )
    sections = {key: Section(key, key.title(), pd.DataFrame(), [(team.name, why)]) for key in KEYS}
    sections["rates"] = live_counts(session, view, team, wave_id)
    return sections


def live_counts(session: Session, view: ReleasedView, team: TeamNode, wave_id: int) -> Section:
    """Answers so far per child team, rounded down to a multiple of ``k`` (None under ``k``)."""
    own = dict(
        session.execute(
            select(Response.team_id, func.count())
            .where(Response.wave_id == wave_id, Response.role == "rep")
            .group_by(Response.team_id)
        ).all()
    )
    teams = list(view.teams.values())
    rows, hidden = [], []
    for child in view.children(team.id) or [team]:
        total = sum(own.get(member, 0) for member in subtree_ids(teams, child.id))
        shown = coarse_count(total, view.k)
        if shown is None:
            hidden.append((child.name, f"fewer than {view.k} answers so far"))
        rows.append({"group": child.name, "answered": f"{shown} or more" if shown else None})
    return Section("rates", "Answers so far", pd.DataFrame(rows), hidden)
