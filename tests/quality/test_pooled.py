"""The pooled page: every assessment's waves released in full that asked the version, each
wave only with at least its own assessment's k answers; no client or assessment named."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from sqlalchemy import delete, select

from analysis.reliability import scale_reliability
from survey.models import Response
from survey.releases.store import release_closed_waves, remember_erased
from tests.factories import (
    gen_assessment,
    gen_organisation,
    gen_team,
    gen_wave,
    rep_questionnaire,
)
from tests.quality.world import add_answers, ask_managers, row_cells, simulated, text_of
from tests.survey.journey import ask_v2

POOLED = "/instruments/rep-mindset/1/quality"


def test_a_wave_under_its_assessments_k_is_left_out(app, consultant_client, dbs, reference_org):
    org = reference_org
    acme = []
    for w, wave in enumerate(org.waves):
        for t, name in enumerate(("France", "Paris")):
            answers = simulated(rep_questionnaire(), 20, seed=2 * w + t)
            add_answers(dbs, wave, org.teams[name], answers)
            acme.append(answers)
    boreal = gen_organisation(dbs, "Boreal Wind")
    assessment = gen_assessment(dbs, boreal, name="Boreal mindset", min_group_size=10)
    wave = gen_wave(dbs, assessment, -timedelta(days=40), timedelta(days=20), "Boreal 1")
    add_answers(dbs, wave, gen_team(dbs, boreal, "North"), simulated(rep_questionnaire(), 8, 9))
    with app.app_context():
        for released in (org.assessment, assessment):
            release_closed_waves(dbs, released)

    page = consultant_client.get(POOLED).get_data(as_text=True)
    text = text_of(page)
    assert "80 responses from 1 assessment (2 waves)" in text
    assert "1 wave with fewer answers was left out" in text
    assert "Boreal" not in text and "Acme" not in text
    answers = np.vstack(acme)
    questionnaire = rep_questionnaire()
    first = scale_reliability(
        answers,
        questionnaire.item_dimension_index(),
        len(questionnaire.dimensions),
        reversed_items=questionnaire.reversed_mask(),
    )[0]
    cells = row_cells(page, questionnaire.dimensions[0].name)
    assert cells[2].startswith(f"{first.alpha:.2f} ({first.ci[0]:.2f} to {first.ci[1]:.2f})")


def test_before_any_release_the_pooled_page_says_so(consultant_client, reference_org):
    text = text_of(consultant_client.get("/instruments/rep-mindset/2/quality").get_data(True))
    assert "No wave asking this version has been released in full yet" in text


def test_a_wave_with_an_answer_erased_since_its_release_is_left_out(
    app, consultant_client, dbs, reference_org
):
    org = reference_org
    for w, wave in enumerate(org.waves):
        add_answers(dbs, wave, org.teams["France"], simulated(rep_questionnaire(), 20, w))
    with app.app_context():
        release_closed_waves(dbs, org.assessment)
    assert "40 responses from 1 assessment (2 waves)" in text_of(
        consultant_client.get(POOLED).get_data(as_text=True)
    )
    erased = select(Response.id).where(Response.wave_id == org.waves[0].id).limit(1)
    which = Response.id.in_(erased.scalar_subquery())
    remember_erased(dbs, which)
    dbs.execute(delete(Response).where(which))
    dbs.commit()
    app.extensions["score_cache"].entries.clear()  # as after a restart
    text = text_of(consultant_client.get(POOLED).get_data(as_text=True))
    assert "20 responses from 1 assessment (1 wave)" in text
    assert "1 wave with an answer erased since its release was left out" in text


def test_each_version_pools_the_waves_that_asked_it(app, consultant_client, dbs, reference_org):
    org = reference_org
    v2 = ask_v2(dbs, org.waves[1])  # the wave's own version, not the assessment's
    add_answers(dbs, org.waves[0], org.teams["France"], simulated(rep_questionnaire(), 20, 1))
    add_answers(dbs, org.waves[1], org.teams["France"], simulated(v2, 30, 2), v2)
    with app.app_context():
        release_closed_waves(dbs, org.assessment)
    first = text_of(consultant_client.get(POOLED).get_data(as_text=True))
    second = text_of(consultant_client.get("/instruments/rep-mindset/2/quality").get_data(True))
    assert "20 responses from 1 assessment (1 wave)" in first
    assert "30 responses from 1 assessment (1 wave)" in second


def test_the_managers_version_pools_managers_answers(app, consultant_client, dbs, reference_org):
    org = reference_org
    managers = ask_managers(dbs, org)
    for w, wave in enumerate(org.waves):
        add_answers(dbs, wave, org.teams["France"], simulated(rep_questionnaire(), 12, w))
        answers = simulated(managers, 12, 20 + w)
        add_answers(dbs, wave, org.teams["France"], answers, managers, role="manager")
    with app.app_context():
        release_closed_waves(dbs, org.assessment)
    url = f"/instruments/{managers.key}/{managers.version}/quality"
    text = text_of(consultant_client.get(url).get_data(as_text=True))
    assert "24 responses from 1 assessment (2 waves)" in text
    assert "Managers' view of their team" in text
