"""Responses flagged as careless count, or are left out, as the consultant chose.

A straight-liner (the same answer to every statement, though they are keyed both ways) is
flagged when a release first considers it. With the assessment's ``careless_left_out`` on, no
release ever takes it in: no figure counts it and no tombstone or atom of the auditor knows it.
The choice is fixed for a wave at its first release, so that turning it on later never makes
one release differ from the one before by a single person.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import select

from survey.models import Release, Response
from survey.releases.build import next_interim_problem
from survey.releases.store import release_wave
from tests.factories import (
    gen_assessment,
    gen_organisation,
    gen_team,
    gen_wave,
    new_response,
    rep_questionnaire,
)

TEAM_SIZE = 6


@pytest.fixture
def context(app):
    with app.app_context():
        yield


def _thoughtful(rng, n: int) -> list[list[int]]:
    questionnaire = rep_questionnaire()
    keyed = np.clip(np.rint(rng.normal(4.5, 0.4, (n, 1)) + rng.normal(0, 0.6, (n, 36))), 1, 7)
    flip = np.asarray(questionnaire.reversed_mask())
    return np.where(flip, 8 - keyed, keyed).astype(int).tolist()


def _world(dbs, mode: str, left_out: bool, opens_in: timedelta):
    organisation = gen_organisation(dbs, "Acme")
    team = gen_team(dbs, organisation, "Sales")
    assessment = gen_assessment(dbs, organisation, mode, min_group_size=3)
    assessment.careless_left_out = left_out
    wave = gen_wave(dbs, assessment, opens_in, timedelta(days=30))
    for values in _thoughtful(np.random.default_rng(5), TEAM_SIZE):
        dbs.add(new_response(wave, team, values=values))
    dbs.add(new_response(wave, team, values=[4] * 36))  # straight-lining
    dbs.commit()
    return assessment, wave, team


def _cell(dbs, wave, team) -> dict:
    release = dbs.scalars(
        select(Release).where(Release.wave_id == wave.id).order_by(Release.seq.desc())
    ).first()
    return release.payload["cells"][str(team.id)]


@pytest.mark.parametrize("left_out", [False, True])
def test_the_choice_decides_whether_a_straight_liner_counts(dbs, context, left_out):
    assessment, wave, team = _world(dbs, "anonymous", left_out, -timedelta(days=40))
    assert release_wave(dbs, assessment, wave, final=True)
    assert _cell(dbs, wave, team)["n"] == TEAM_SIZE + (0 if left_out else 1)
    flagged = dbs.scalars(select(Response).where(Response.careless.is_(True))).all()
    assert len(flagged) == 1 and list(flagged[0].values) == [4] * 36
    assert (flagged[0].released_in is None) == left_out
    assert dbs.scalar(select(Response.careless).where(Response.careless.is_(None))) is None


def test_the_choice_is_fixed_for_a_wave_at_its_first_release(dbs, context):
    assessment, wave, team = _world(dbs, "confidential", False, -timedelta(days=1))
    assert release_wave(dbs, assessment, wave, final=False)
    assessment.careless_left_out = True  # too late for this wave
    for values in [*_thoughtful(np.random.default_rng(6), 3), [1] * 36]:
        dbs.add(new_response(wave, team, values=values))
    dbs.commit()
    assert next_interim_problem(dbs, wave) is None
    assert release_wave(dbs, assessment, wave, final=False)
    assert _cell(dbs, wave, team)["n"] == TEAM_SIZE + 1 + 4


def test_a_left_out_response_is_not_waiting_for_a_release(dbs, context):
    assessment, wave, team = _world(dbs, "confidential", True, -timedelta(days=1))
    assert release_wave(dbs, assessment, wave, final=False)
    assert _cell(dbs, wave, team)["n"] == TEAM_SIZE
    dbs.add(new_response(wave, team, values=[7] * 36))
    dbs.commit()
    assert next_interim_problem(dbs, wave) is None  # not judged yet: it may count
    assert release_wave(dbs, assessment, wave, final=False)
    assert _cell(dbs, wave, team)["n"] == TEAM_SIZE
    assert next_interim_problem(dbs, wave) == "No answers have come in since the last release."
