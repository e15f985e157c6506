"""The assessment's quality page shows the analysis functions' figures of exactly the answers a
consultant's export holds (waves released in full), and "too few answers to tell" below the
documented minimums and below k; a response that comes in after the final release changes
nothing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import delete, select

from analysis.factor_model import fit_cfa
from analysis.omega import omega_coefficients
from analysis.precision import stratified_alpha
from analysis.reliability import scale_reliability
from questionnaires import load_directory
from survey.i18n import when
from survey.models import Response
from survey.releases.build import make_release
from survey.releases.store import remember_erased
from survey.scoring import score_matrix
from tests.auth.helpers import login
from tests.factories import (
    gen_assessment,
    gen_wave,
    new_response,
    rep_questionnaire,
)
from tests.quality.world import (
    add_answers,
    ask_managers,
    quality_url,
    row_cells,
    simulated,
    text_of,
)
from tests.reports.helpers import download

# Reps per team and wave: every team's cell is shown, except Product's with 3 (< k = 5), a tree
# of its own whose answers no release shows and no export holds.
PER_TEAM = {"France": 22, "Paris": 22, "Spain": 6, "Product": 3}


@pytest.fixture
def answered(dbs, reference_org):
    questionnaire = rep_questionnaire()
    for w, wave in enumerate(reference_org.waves):
        for t, (name, n) in enumerate(PER_TEAM.items()):
            answers = simulated(questionnaire, n, seed=10 * w + t)
            add_answers(dbs, wave, reference_org.teams[name], answers, questionnaire)
    return reference_org


def _url(org) -> str:
    return quality_url(org.organisation.id, org.assessment.id)


def exported_answers(client, org, questionnaire) -> np.ndarray:
    rows = download(client, org, "responses-wide")
    frame = pd.DataFrame(rows)[[item.id for item in questionnaire.items]]
    return frame.replace("", np.nan).astype(float).to_numpy()


def test_the_page_shows_the_figures_of_exactly_the_exported_answers(consultant_client, answered):
    org = answered
    questionnaire = rep_questionnaire()
    page = consultant_client.get(_url(org)).get_data(as_text=True)
    answers = exported_answers(consultant_client, org, questionnaire)
    shown = sum(n for name, n in PER_TEAM.items() if name != "Product")
    assert answers.shape[0] == 2 * shown  # Product's hidden answers are in neither
    assert f"{2 * shown} responses: Spring {shown}, Autumn {shown}." in text_of(page)

    results = scale_reliability(
        answers,
        questionnaire.item_dimension_index(),
        len(questionnaire.dimensions),
        reversed_items=questionnaire.reversed_mask(),
    )
    for dimension, result in zip(questionnaire.dimensions, results, strict=True):
        name, n, alpha, omega = row_cells(page, dimension.name)
        assert n == str(result.n_used)
        assert alpha.startswith(f"{result.alpha:.2f} ({result.ci[0]:.2f} to {result.ci[1]:.2f})")
        ids = [item.id for item in dimension.items]
        keyed = pd.DataFrame(
            np.where(questionnaire.reversed_mask(), 8 - answers, answers),
            columns=[item.id for item in questionnaire.items],
        )[ids]
        assert omega == f"{fit_cfa(keyed, {name: ids}).omega[name]:.2f}"
    first = questionnaire.items[0]
    statistics = results[0].items[0]
    cells = row_cells(page, first.id)
    assert cells[2:] == [
        f"{statistics.corrected_item_total:.2f}",
        f"{statistics.alpha_if_dropped:.2f}",
        "not offered",
    ]

    _, positions = score_matrix(answers, questionnaire)
    reliability = stratified_alpha(positions, [result.alpha for result in results])
    assert f"Stratified alpha {reliability:.2f}" in text_of(page)
    keyed_all = np.where(questionnaire.reversed_mask(), 8 - answers, answers)
    general = omega_coefficients(keyed_all, len(questionnaire.dimensions))
    assert (
        f"Omega hierarchical {general.omega_hierarchical:.2f} Omega total {general.omega_total:.2f}"
    ) in text_of(page)


def test_the_share_of_does_not_apply_and_the_climate_scale(app, dbs, reference_org):
    org = reference_org
    v2 = load_directory()[("rep-mindset", 2)]
    org.assessment.rep_questionnaire_version = 2
    org.assessment.rep_questionnaire_sha256 = v2.sha256
    dbs.commit()
    answers = simulated(v2, 40, seed=3)
    add_answers(dbs, org.waves[1], org.teams["France"], answers, v2)
    client = app.test_client()
    login(client, org.users["admin"].email)
    page = client.get(_url(org)).get_data(as_text=True)
    item = next(item for item in v2.items if item.not_applicable)
    share = np.isnan(answers[:, v2.item_index[item.id]]).mean()
    assert row_cells(page, item.id)[-1] == f"{100 * share:.0f}%"
    climate = [i for i, item in enumerate(v2.items) if item.perspective == "climate"]
    [result] = scale_reliability(
        answers[:, climate],
        np.zeros(len(climate), dtype=int),
        1,
        reversed_items=np.asarray(v2.reversed_mask())[climate],
    )
    assert row_cells(page, "Management climate")[2].startswith(f"{result.alpha:.2f} (")


def test_too_few_answers_below_the_minimums(consultant_client, dbs, reference_org):
    org = reference_org
    questionnaire = rep_questionnaire()
    for w, wave in enumerate(org.waves):
        for t, name in enumerate(("France", "Paris")):
            add_answers(dbs, wave, org.teams[name], simulated(questionnaire, 6, 2 * w + t))
    text = text_of(consultant_client.get(_url(org)).get_data(as_text=True))
    assert "24 responses: Spring 12, Autumn 12." in text
    assert (
        "too few answers to tell how consistent the scales are, whether the dimensions hold or "
        "how precise the index is: 24 answers, where alpha and omega need 30, the factor models "
        "200 complete ones and the index's precision 100."
    ) in text
    assert "Stratified alpha" not in text


def test_a_wave_under_k_is_left_out_and_a_version_under_k_shows_nothing(
    consultant_client, dbs, reference_org
):
    org = reference_org
    org.assessment.min_group_size = 8
    dbs.commit()
    questionnaire = rep_questionnaire()
    add_answers(dbs, org.waves[0], org.teams["France"], simulated(questionnaire, 7, 1))
    text = text_of(consultant_client.get(_url(org)).get_data(as_text=True))
    assert "too few answers to tell: no wave released in full holds 8 or more answers" in text
    assert "7 responses" not in text and "Sample" not in text


def test_a_response_after_the_final_release_changes_nothing(app, consultant_client, dbs, answered):
    org = answered
    before = consultant_client.get(_url(org)).get_data(as_text=True)
    dbs.add(new_response(org.waves[1], org.teams["France"], keyed_value=7))
    dbs.commit()
    app.extensions["score_cache"].entries.clear()  # computed again, from the database
    after = consultant_client.get(_url(org)).get_data(as_text=True)
    assert text_of(after) == text_of(before)


def test_an_interim_release_adds_nothing(app, consultant_client, dbs, answered):
    org = answered
    org.assessment.mode = "confidential"
    dbs.commit()
    before = text_of(consultant_client.get(_url(org)).get_data(as_text=True))
    winter = gen_wave(dbs, org.assessment, name="Winter")
    add_answers(dbs, winter, org.teams["France"], simulated(rep_questionnaire(), 20, 99))
    with app.app_context():
        make_release(dbs, org.assessment, winter, final=False)
        dbs.commit()
    app.extensions["score_cache"].entries.clear()
    after = text_of(consultant_client.get(_url(org)).get_data(as_text=True))
    part = "Reps: How you work in sales, version 1"
    waiting = " Not yet in these figures: Winter, until released in full."
    assert waiting in after
    assert after[after.index(part) :].replace(waiting, "") == before[before.index(part) :]


def test_without_a_final_release_the_page_says_when_figures_appear(
    consultant_client, dbs, reference_org, app
):
    org = reference_org
    assessment = gen_assessment(dbs, org.organisation, name="Later")
    wave = gen_wave(dbs, assessment, name="Winter")
    dbs.add(new_response(wave, org.teams["France"]))
    dbs.commit()
    url = quality_url(org.organisation.id, assessment.id)
    text = text_of(consultant_client.get(url).get_data(as_text=True))
    assert "No wave asking this version has been released in full yet." in text
    with app.test_request_context():
        closes = " ".join(when(wave.closes_at, "UTC").split())  # text_of collapses spaces
    assert f"Figures appear when Winter closes ({closes})" in text


def test_managers_count_only_under_a_team_whose_managers_cell_is_shown(
    consultant_client, dbs, reference_org
):
    org = reference_org
    managers = ask_managers(dbs, org)
    for w, wave in enumerate(org.waves):
        for t, (name, n) in enumerate({"France": 12, "Product": 6}.items()):
            add_answers(dbs, wave, org.teams[name], simulated(rep_questionnaire(), n, 2 * w + t))
        for t, (name, n) in enumerate({"France": 12, "Product": 3}.items()):
            answers = simulated(managers, n, 20 + 2 * w + t)
            add_answers(dbs, wave, org.teams[name], answers, managers, role="manager")
    text = text_of(consultant_client.get(_url(org)).get_data(as_text=True))
    assert f"Managers: {managers.title}, version 1" in text
    assert "24 responses: Spring 12, Autumn 12." in text  # Product's 3 managers are hidden


def test_a_managers_answer_erased_since_the_release_takes_its_wave_out(
    app, consultant_client, dbs, reference_org
):
    """No file exports managers' answers, so the page is the only place they show: erasing one
    must not change the managers' figures by that one person."""
    org = reference_org
    managers = ask_managers(dbs, org)
    for w, wave in enumerate(org.waves):
        add_answers(dbs, wave, org.teams["France"], simulated(rep_questionnaire(), 12, w))
        answers = simulated(managers, 12, 20 + w)
        add_answers(dbs, wave, org.teams["France"], answers, managers, role="manager")
    title = f"Managers: {managers.title}, version 1"
    before = text_of(consultant_client.get(_url(org)).get_data(as_text=True))
    assert "24 responses: Spring 12, Autumn 12." in before[before.index(title) :]
    one = (
        select(Response.id)
        .where(Response.wave_id == org.waves[0].id, Response.role == "manager")
        .limit(1)
    )
    which = Response.id.in_(one.scalar_subquery())
    remember_erased(dbs, which)
    dbs.execute(delete(Response).where(which))
    dbs.commit()
    app.extensions["score_cache"].entries.clear()  # as after a restart
    after = text_of(consultant_client.get(_url(org)).get_data(as_text=True))
    reps, managers_part = after[: after.index(title)], after[after.index(title) :]
    assert "12 responses: Autumn 12." in managers_part
    assert "1 wave with an answer erased since its release was left out" in managers_part
    assert "24 responses: Spring 12, Autumn 12." in reps  # reps' rows are exported anyway
    assert "erased" not in reps
