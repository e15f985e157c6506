"""The answers that the instrument quality pages and a rep's precision band read: those of waves
released in full, as exported.

A wave's answers enter when its final release exists, never before, so a figure changes when a
wave is released in full and never with one more answer. Of a final release, only the rows a
response-level export of it holds are read (:func:`survey.releases.export_paths.export_team_paths`:
under a team the release shows; for managers, whose answers no file exports, under a team whose
managers' cell it shows), so a page shows nothing about a group that a consultant's export does
not already hold. A wave with fewer than ``k`` such answers of the version is left out whole:
two pages, or one page before and after a release, then differ by ``k`` answers or more. So is
a wave with an answer erased since its final release, wherever its readers cannot see the rows
themselves (pooled over clients, and managers' answers everywhere): the wave with and without
the answer would tell that answer apart.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

import numpy as np
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, joinedload

from questionnaires import Questionnaire
from survey.aggregates.cache import score_cache
from survey.aggregates.loading import counted, decode_answers
from survey.models import Assessment, Release, ReleasedErasure, Response, Wave
from survey.releases.audit import NEVER_ERASED
from survey.releases.export_paths import export_team_paths
from survey.releases.store import ReleaseInfo, payload

EXPORTED_ROLES = ("rep",)
"""Roles whose answers a response-level export holds (``survey.reports.exports``)."""

T = TypeVar("T")


@dataclass(frozen=True)
class WaveAnswers:
    """One finally released wave's answers to one questionnaire version."""

    name: str
    answers: np.ndarray  # responses x items, NaN where unanswered ("does not apply")
    careless_left_out: int  # responses flagged careless that its releases left out


@dataclass(frozen=True)
class Sample:
    """The answers to one questionnaire version that a page reads, wave by wave."""

    questionnaire: Questionnaire
    role: str
    k: int  # the largest minimum group size of the assessments whose waves were read
    waves: tuple[WaveAnswers, ...]  # each with k answers or more
    too_few: tuple[str, ...]  # waves left out for holding fewer than their k
    erased: int  # waves left out for an answer erased since their final release
    assessments: int  # assessments with a wave in ``waves``

    @property
    def n(self) -> int:
        return sum(wave.answers.shape[0] for wave in self.waves)

    @cached_property
    def answers(self) -> np.ndarray:
        if not self.waves:
            return np.empty((0, len(self.questionnaire.items)))
        return np.vstack([wave.answers for wave in self.waves])

    @property
    def careless_left_out(self) -> int:
        return sum(wave.careless_left_out for wave in self.waves)


def pooled_releases(session: Session, questionnaire: Questionnaire) -> list[ReleaseInfo]:
    """The final release of every wave, of any assessment, that asked its audience this version:
    one query, cheap enough to name a cache entry on every request."""
    if questionnaire.audience == "manager":
        key = Assessment.manager_questionnaire_key
        version = func.coalesce(
            Wave.manager_questionnaire_version, Assessment.manager_questionnaire_version
        )
    else:
        key = Assessment.rep_questionnaire_key
        version = func.coalesce(
            Wave.rep_questionnaire_version, Assessment.rep_questionnaire_version
        )
    rows = session.execute(
        select(
            Release.id, Release.wave_id, Release.seq, Release.final, Release.created_at, Release.k
        )
        .join(Wave, Wave.id == Release.wave_id)
        .join(Assessment, Assessment.id == Wave.assessment_id)
        .where(
            Release.final.is_(True),
            and_(key == questionnaire.key, version == questionnaire.version),
        )
        .order_by(Release.id)
    ).all()
    return [ReleaseInfo(*row) for row in rows]


def with_waves(session: Session, releases: list[ReleaseInfo]) -> list[tuple[Wave, ReleaseInfo]]:
    """Each release with its wave (and the wave's assessment), loaded in one query."""
    if not releases:
        return []
    waves = session.scalars(
        select(Wave)
        .options(joinedload(Wave.assessment))
        .where(Wave.id.in_([info.wave_id for info in releases]))
    ).all()
    by_id = {wave.id: wave for wave in waves}
    return [(by_id[info.wave_id], info) for info in releases if info.wave_id in by_id]


def read_sample(
    session: Session,
    questionnaire: Questionnaire,
    role: str,
    waves: list[tuple[Wave, ReleaseInfo]],
    *,
    pooled: bool = False,
) -> Sample:
    """The exported answers of ``waves`` (finally released), each wave only with its k or more.

    A wave with an answer of ``role`` erased since its final release is left out when the
    readers cannot see its rows (``pooled``, other clients' waves; or a role no file exports):
    once the answer is gone, the same wave with and without it would tell that answer apart.
    """
    leave_out_erased = pooled or role not in EXPORTED_ROLES
    kept: list[WaveAnswers] = []
    too_few: list[str] = []
    erased = 0
    assessments: set[int] = set()
    largest_k = 0
    for wave, info in waves:
        assessment: Assessment = wave.assessment
        if leave_out_erased and _erased_since(session, role, info):
            erased += 1
            continue
        largest_k = max(largest_k, assessment.min_group_size)
        answers, careless = _wave_answers(session, questionnaire, role, wave, info)
        if answers.shape[0] < assessment.min_group_size:
            too_few.append(wave.name)
            continue
        kept.append(WaveAnswers(wave.name, answers, careless))
        assessments.add(assessment.id)
    return Sample(
        questionnaire, role, largest_k, tuple(kept), tuple(too_few), erased, len(assessments)
    )


def _erased_since(session: Session, role: str, info: ReleaseInfo) -> bool:
    """Whether an answer of ``role`` that the final release ``info`` took in has been erased."""
    found = session.scalar(
        select(func.count()).where(
            ReleasedErasure.wave_id == info.wave_id,
            ReleasedErasure.role == role,
            ReleasedErasure.last_release >= info.seq,
            ReleasedErasure.last_release != NEVER_ERASED,
        )
    )
    return bool(found)


def _wave_answers(
    session: Session, questionnaire: Questionnaire, role: str, wave: Wave, info: ReleaseInfo
) -> tuple[np.ndarray, int]:
    data = payload(session, info)
    left_out = data["team_link_left_out"]
    mine = (
        Response.wave_id == wave.id,
        Response.role == role,
        Response.questionnaire_key == questionnaire.key,
        Response.questionnaire_version == questionnaire.version,
    )
    rows = session.execute(
        select(Response.team_id, Response.released_in, func.count())
        .where(*mine, counted(left_out))
        .group_by(Response.team_id, Response.released_in)
    ).all()
    arrivals: dict[int, dict[int, int]] = {}
    for team, first, count in rows:
        arrivals.setdefault(team, {})[first] = count
    paths = export_team_paths(_shown(data, role), arrivals, wave.assessment.min_group_size)
    exported = [team for team, path in paths.items() if path is not None]
    packed = session.scalars(
        select(Response.values).where(*mine, counted(left_out), Response.team_id.in_(exported))
    ).all()
    careless = session.scalar(
        select(func.count()).where(
            *mine, Response.careless.is_(True), Response.released_in.is_(None)
        )
    )
    return decode_answers(list(packed), len(questionnaire.items)), int(careless or 0)


def _shown(data: dict, role: str) -> dict:
    """The release's tree with the cells shown for ``role``: the reps' cells, or the teams
    whose managers' cell the release published."""
    if role == "rep":
        return data
    shown = {str(team) for team in data.get("published", {}).get("manager", [])}
    return {
        "tree": data["tree"],
        "cells": {team: {"visible": team in shown} for team in data["tree"]},
    }


_POOLING = threading.Lock()  # one reading of the pooled answers at a time, not one per request


def erasure_stamp(session: Session) -> tuple[int, int]:
    """What changes whenever an answer of a wave released in full is erased: how many responses
    those waves hold, and how many released answers were erased (tombstones).

    Such a wave has closed: its responses can only be erased, never added or changed, and
    tombstones are only ever added, so the stamp never comes back to an earlier value. Keyed by
    it and by the final releases read, a cached figure is the same in every process.
    """
    finals = select(Release.wave_id).where(Release.final.is_(True))
    responses = select(func.count()).select_from(Response).where(Response.wave_id.in_(finals))
    erased = (
        select(func.count())
        .select_from(ReleasedErasure)
        .where(ReleasedErasure.last_release != NEVER_ERASED)
    )
    row = session.execute(select(responses.scalar_subquery(), erased.scalar_subquery())).one()
    return int(row[0]), int(row[1])


def on_pooled_sample(
    session: Session, questionnaire: Questionnaire, label: tuple, compute: Callable[[Sample], T]
) -> T:
    """``compute`` over the pooled quality page's sample of ``questionnaire`` (every client's
    waves released in full), cached under ``label`` until a wave asking it is next released in
    full or an answer of such a wave is erased (:func:`erasure_stamp`)."""
    releases = pooled_releases(session, questionnaire)
    key = (
        *label,
        questionnaire.key,
        questionnaire.version,
        tuple(i.id for i in releases),
        erasure_stamp(session),
    )
    cache = score_cache()
    found = cache.get(key)
    if found is not None:
        return found
    with _POOLING:
        found = cache.get(key)
        if found is None:
            waves = with_waves(session, releases)
            sample = read_sample(session, questionnaire, questionnaire.audience, waves, pooled=True)
            found = compute(sample)
            cache.put(key, found)
    return found
