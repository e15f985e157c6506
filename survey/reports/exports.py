"""Reading an assessment's responses for export, a chunk at a time, pseudonymised.

Only the reps' answers to the assessment's rep questionnaire are exported (the same responses
the dashboard's suppression is decided on). Managers' answers are left out of response-level
exports: a team usually has one manager, so a manager's row with a team would name them.

Each exported response carries a fresh random row id, in confidential mode the pseudonym of
:mod:`survey.reports.pseudonyms`, the wave's name and the team path of
:mod:`survey.releases.export_paths`; never the database id, the stored respondent key, a person, a
token or any time finer than the wave (responses keep none). Rows come wave by wave in the order
of their random database ids, which says nothing about the order of submission or the team.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from questionnaires import Questionnaire
from survey.aggregates.loading import counted, decode_answers
from survey.aggregates.model import WaveInfo
from survey.instruments import questionnaire_for
from survey.models import Assessment, CooperationLink, LadderRung, Response, Team
from survey.models.organisation import team_paths
from survey.releases.export_paths import export_team_paths
from survey.releases.store import latest_releases, payload
from survey.reports.pseudonyms import export_pseudonym, new_row_id, pseudonym_key

CHUNK_ROWS = 500


@dataclass(frozen=True)
class ExportPlan:
    """What an export of one assessment needs besides the responses themselves."""

    questionnaire: Questionnaire
    confidential: bool
    waves: list[WaveInfo]
    exported_paths: dict[int, dict[int, str | None]]  # wave -> team -> path (None: left out)
    left_out: dict[int, list[int]]  # wave -> teams whose team-link answers no release counts
    team_paths: dict[int, str]  # every team, for the teams named in the cooperation map
    key: bytes | None  # the pseudonym key, in confidential mode only


@dataclass(frozen=True)
class ExportedResponse:
    """One response as an export shows it."""

    row_id: str
    pseudonym: str | None
    wave: str
    team: str
    ladder: list[tuple[str, str | None]]  # (target, words) from the first rung up
    help_received: list[str]
    help_given: list[str]


@dataclass(frozen=True)
class Chunk:
    """Consecutive exported responses and their answers (responses x items, NaN unanswered)."""

    responses: list[ExportedResponse]
    answers: np.ndarray


def rep_versions(assessment: Assessment) -> list[int]:
    """The rep questionnaire versions the assessment's waves ask (its own without waves)."""
    waves = assessment.waves
    return sorted(
        {wave.instrument("rep")[1] for wave in waves} or {assessment.instrument("rep")[1]}
    )


def export_plan(
    session: Session, assessment: Assessment, secret_key: str, version: int | None = None
) -> ExportPlan:
    """The plan for exporting ``assessment``'s responses to one rep questionnaire version (the
    newest its waves ask by default): the waves asking it, released in full only."""
    asked = {wave.id: wave.instrument("rep") for wave in assessment.waves}
    chosen = rep_versions(assessment)[-1] if version is None else version
    instrument = next(
        (found for found in asked.values() if found[1] == chosen), assessment.instrument("rep")
    )
    questionnaire = questionnaire_for(*instrument)
    finals = {
        wave_id: payload(session, info)
        for wave_id, info in latest_releases(session, assessment).items()
        if info.final and asked[wave_id][1] == chosen
    }
    teams = session.scalars(select(Team).where(Team.organisation_id == assessment.organisation_id))
    confidential = assessment.mode == "confidential"
    return ExportPlan(
        questionnaire=questionnaire,
        confidential=confidential,
        waves=[WaveInfo(wave.id, wave.name) for wave in assessment.waves if wave.id in finals],
        exported_paths={
            wave_id: export_team_paths(
                data,
                arrivals(session, wave_id, data["team_link_left_out"]),
                assessment.min_group_size,
            )
            for wave_id, data in finals.items()
        },
        left_out={wave_id: data["team_link_left_out"] for wave_id, data in finals.items()},
        team_paths=team_paths(list(teams)),
        key=pseudonym_key(secret_key, assessment.id) if confidential else None,
    )


def arrivals(session: Session, wave_id: int, left_out: list[int]) -> dict[int, dict[int, int]]:
    """``{team id: {release that took them in: reps' answers}}`` of the counted responses."""
    rows = session.execute(
        select(Response.team_id, Response.released_in, func.count())
        .where(Response.wave_id == wave_id, Response.role == "rep", counted(left_out))
        .group_by(Response.team_id, Response.released_in)
    ).all()
    found: dict[int, dict[int, int]] = {}
    for team, first, count in rows:
        found.setdefault(team, {})[first] = count
    return found


def exported_count(session: Session, plan: ExportPlan) -> int:
    """How many responses :func:`exported_chunks` yields."""
    total = 0
    for wave in plan.waves:
        shown = [team for team, path in plan.exported_paths[wave.id].items() if path is not None]
        total += session.scalar(
            select(func.count()).where(*_exported(plan, wave), Response.team_id.in_(shown))
        )
    return total


def exported_chunks(session: Session, plan: ExportPlan) -> Iterator[Chunk]:
    """The exportable responses, wave by wave, read ``CHUNK_ROWS`` at a time."""
    for wave in plan.waves:
        paths = plan.exported_paths[wave.id]
        query = (
            select(
                Response.id,
                Response.team_id,
                Response.values,
                Response.respondent_key,
            )
            .where(*_exported(plan, wave))
            .order_by(Response.id)
            .execution_options(yield_per=CHUNK_ROWS)
        )
        for partition in session.execute(query).partitions():
            rows = [row for row in partition if paths.get(row.team_id) is not None]
            if rows:
                yield _chunk(session, plan, wave, paths, rows)


def _exported(plan: ExportPlan, wave: WaveInfo) -> tuple:
    """The conditions on a wave's responses that may be exported (before their team's path)."""
    questionnaire = plan.questionnaire
    return (
        Response.wave_id == wave.id,
        Response.role == "rep",
        Response.questionnaire_key == questionnaire.key,
        Response.questionnaire_version == questionnaire.version,
        counted(plan.left_out[wave.id]),
    )


def _chunk(session, plan: ExportPlan, wave: WaveInfo, paths, rows) -> Chunk:
    ids = [row.id for row in rows]
    ladders: dict[int, list[tuple[str, str | None]]] = {}
    for response_id, target, words, held_back in session.execute(
        select(LadderRung.response_id, LadderRung.target, LadderRung.words, LadderRung.held_back)
        .where(LadderRung.response_id.in_(ids))
        .order_by(LadderRung.response_id, LadderRung.position)
    ):  # words a consultant held back (they name or point to someone) leave no file either
        ladders.setdefault(response_id, []).append((target, None if held_back else words))
    helped: dict[tuple[int, str], list[str]] = {}
    for response_id, other_team_id, direction in session.execute(
        select(
            CooperationLink.response_id, CooperationLink.other_team_id, CooperationLink.direction
        ).where(CooperationLink.response_id.in_(ids))
    ):
        path = plan.team_paths.get(other_team_id)
        if path is not None:
            helped.setdefault((response_id, direction), []).append(path)
    responses = [
        ExportedResponse(
            row_id=new_row_id(),
            pseudonym=(
                export_pseudonym(plan.key, row.respondent_key)
                if plan.key is not None and row.respondent_key
                else None
            ),
            wave=wave.name,
            team=paths[row.team_id],
            ladder=ladders.get(row.id, []),
            help_received=sorted(helped.get((row.id, "received"), [])),
            help_given=sorted(helped.get((row.id, "given"), [])),
        )
        for row in rows
    ]
    answers = decode_answers([row.values for row in rows], len(plan.questionnaire.items))
    return Chunk(responses, answers)
