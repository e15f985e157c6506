"""The numbers behind a release: every team's subtree aggregates in a wave, and suppression.

:func:`build_view` aggregates the responses of every team's whole subtree at once and decides
which cells may be shown (:mod:`analysis.privacy`); a release stores what comes out of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.channels import effective_counts
from analysis.groups import group_summaries
from analysis.hierarchy import expand_to_ancestors
from analysis.privacy import Suppression, suppress
from survey.aggregates.loading import WaveScores
from survey.models.organisation import Team, team_paths

INDEX = "Mindset index"
BIN_WIDTH = 10


@dataclass(frozen=True)
class TeamNode:
    id: int
    name: str
    parent_id: int | None
    department: str
    path: str


def organisation_nodes(session: Session, organisation_id: int) -> list[TeamNode]:
    """Every team of an organisation as it stands now (archived ones too), with its path."""
    teams = list(
        session.scalars(
            select(Team).where(Team.organisation_id == organisation_id).order_by(Team.id)
        )
    )
    paths = team_paths(teams)
    return [TeamNode(t.id, t.name, t.parent_id, t.department, paths[t.id]) for t in teams]


@dataclass(frozen=True)
class WaveInfo:
    id: int
    name: str
    version: int | None = None  # of the rep questionnaire it asks, where a reader needs it


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

    def visible(self, team_id: int, wave_id: int) -> bool:
        return self.suppression.decision(team_id, wave_id).visible

    def reason(self, team_id: int, wave_id: int) -> str | None:
        return self.suppression.decision(team_id, wave_id).reason

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
    invited: dict[int, int] | None = None,
) -> OrganisationView:
    """Aggregate every team's subtree in every wave and decide what may be shown.

    Suppression counts each team's answers as :func:`analysis.channels.effective_counts` does:
    team-link answers never lift a team that has personal invitations (``invited``: team id ->
    personal invitations sent, for every wave) or personal answers to ``k`` on their own.
    """
    by_id = {team.id: team for team in teams}
    codes = {team.id: code for code, team in enumerate(teams)}
    parent_index = np.array([codes.get(team.parent_id, -1) for team in teams])
    lookup = np.full(max(codes, default=0) + 1, -1)
    for team_id, code in codes.items():
        lookup[team_id] = code
    extra = sorted({name for wave in waves for name in scores[wave.id].extra})
    measures = [INDEX, *dimensions, *extra]
    personal: dict[tuple[int, int], int] = {}
    by_link: dict[tuple[int, int], int] = {}
    frames, subtree_rows = [], {}
    for wave in waves:
        wave_scores = scores[wave.id]
        team_codes = lookup[wave_scores.team_ids]
        for channel, counts in (
            (personal, ~wave_scores.team_link),
            (by_link, wave_scores.team_link),
        ):
            codes_seen, seen = np.unique(team_codes[counts], return_counts=True)
            for code, count in zip(codes_seen, seen, strict=True):
                channel[(teams[code].id, wave.id)] = int(count)
        rows, groups = expand_to_ancestors(team_codes, parent_index)
        subtree_rows[wave.id] = (rows, groups)
        if not rows.size:  # no answers yet: every cell is hidden, nothing to aggregate
            continue
        nothing = np.full(wave_scores.n, np.nan)
        values = np.column_stack(
            [
                wave_scores.index,
                wave_scores.dimensions,
                *(wave_scores.extra.get(name, nothing) for name in extra),
            ]
        )[rows]
        table = group_summaries(groups, values, measures)
        table["team"] = [teams[code].id for code in table["group"]]
        table["wave"] = wave.id
        frames.append(table.drop(columns="group"))
    sent = {(team, wave.id): n for team, n in (invited or {}).items() for wave in waves}
    own_counts = effective_counts(personal, by_link, k, sent)
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
    """One chart's aggregates: the rows shown, and what was hidden and why.

    ``findings`` says in words what a test or a summary measure computed from the rows shown
    says; ``figures`` holds its numbers (plain JSON values) for the API.
    """

    key: str
    title: str
    table: pd.DataFrame
    hidden: list[tuple[str, str]]
    findings: tuple[str, ...] = ()
    figures: dict = field(default_factory=dict)
