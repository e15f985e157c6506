"""How precise is the index? The result page gives the pooled instrument quality page's figure:
the standard error of measurement over the answers of waves released in full, as exported, of
every organisation that used the questionnaire version, and says plainly that it is not known
yet while fewer than ``MIN_PRECISION`` such answers exist."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import numpy as np
from sqlalchemy import update

from questionnaires import Questionnaire
from survey.db import db
from survey.final_answers import Sample, WaveAnswers
from survey.index_precision import MIN_PRECISION, IndexPrecision, precision_of
from survey.models import Response
from survey.releases.store import release_closed_waves
from survey.rep.precision import index_precision
from survey.rep.result import personal_result
from tests.factories import (
    gen_assessment,
    gen_invitation,
    gen_organisation,
    gen_response,
    gen_scaled_responses,
    gen_team,
    gen_wave,
    new_response,
    rep_questionnaire,
)
from tests.quality.world import text_of
from tests.survey.journey import answer_all, ask_v2, rep_questionnaire_v2

BAND = re.compile(
    r"Your index is (\d+)\. Questionnaires are never exact: for people answering this "
    r"questionnaire, an observed index lies within about ±(\d+) points of their true index 9 "
    r"times out of 10, so yours could well be anywhere from (\d+) to (\d+)\."
)
NOT_KNOWN = "Not known yet."
POOLED = "/instruments/rep-mindset/1/quality"


def words(page: str) -> str:
    return " ".join(html.unescape(page).split())


def released_acme_answers(app, dbs, reference, per_wave: int) -> dict[int, np.ndarray]:
    """``per_wave`` scaled answers in each of Acme Solar's two waves, both released in full."""
    keyed = gen_scaled_responses(dbs, reference.waves, reference.teams["France"], n=per_wave)
    with app.app_context():
        release_closed_waves(dbs, reference.assessment)
    return keyed


def boreal_wave(dbs, questionnaire: Questionnaire | None = None):
    """A closed wave of another client's assessment, asking ``questionnaire`` (v1 by default)."""
    boreal = gen_organisation(dbs, "Boreal Wind")
    assessment = gen_assessment(dbs, boreal, name="Boreal mindset")
    if questionnaire is not None:
        assessment.rep_questionnaire_version = questionnaire.version
        assessment.rep_questionnaire_sha256 = questionnaire.sha256
    wave = gen_wave(dbs, assessment, -timedelta(days=40), timedelta(days=20), "Boreal 1")
    return assessment, wave, gen_team(dbs, boreal, "North")


def v2_answers(n: int, seed: int = 11) -> np.ndarray:
    """``n`` raw answers to version 2 from one trait; every fifth "does not apply" is taken."""
    questionnaire = rep_questionnaire_v2()
    rng = np.random.default_rng(seed)
    shape = (n, len(questionnaire.items))
    keyed = np.clip(np.rint(4 + 1.2 * rng.normal(size=(n, 1)) + rng.normal(size=shape)), 1, 7)
    raw = np.where(questionnaire.reversed_mask(), 8 - keyed, keyed)
    may_skip = np.array([item.not_applicable for item in questionnaire.items])
    raw[(np.arange(n) % 5 == 0)[:, None] & may_skip] = np.nan
    return raw


def rival_result(app, dbs, reference, questionnaire: Questionnaire | None = None) -> str:
    """A rep of Zenith Wind (another organisation) answers; the words of their result page."""
    token = gen_invitation(dbs, reference.rival_wave, reference.rival_team)
    client = app.test_client()
    answer_all(client, token, questionnaire or rep_questionnaire())
    return words(client.get("/thanks").get_data(as_text=True))


def expected_sem(keyed: np.ndarray) -> float:
    """The SEM of the index, worked out here by hand: Cronbach's alpha per dimension, stratified
    alpha (Cronbach, Schonemann & McKie 1965), SD of the index x sqrt(1 - reliability)."""
    questionnaire = rep_questionnaire()
    dimension_of = np.asarray(questionnaire.item_dimension_index())
    positions = np.column_stack(
        [100 * (keyed[:, dimension_of == d].mean(axis=1) - 1) / 6 for d in range(6)]
    )
    error_variance = 0.0
    for d in range(6):
        items = keyed[:, dimension_of == d]
        k = items.shape[1]
        alpha = k / (k - 1) * (1 - items.var(axis=0, ddof=1).sum() / items.sum(axis=1).var(ddof=1))
        error_variance += positions[:, d].var(ddof=1) * (1 - alpha)
    reliability = 1 - error_variance / positions.sum(axis=1).var(ddof=1)
    return positions.mean(axis=1).std(ddof=1) * np.sqrt(1 - reliability)


def test_the_band_comes_from_released_answers_of_other_organisations(app, dbs, reference_org):
    keyed = released_acme_answers(app, dbs, reference_org, per_wave=60)
    page = rival_result(app, dbs, reference_org)
    assert "How precise is this?" in page
    index, plus_minus, low, high = (int(number) for number in BAND.search(page).groups())
    half_width = 1.6448536 * expected_sem(np.vstack(list(keyed.values())))
    assert plus_minus == round(half_width)
    assert (low, high) == (round(index - half_width), round(index + half_width))
    assert low < index < high
    assert NOT_KNOWN not in page


def test_the_band_is_the_pooled_quality_pages_figure(app, dbs, reference_org, consultant_client):
    released_acme_answers(app, dbs, reference_org, per_wave=60)
    band = BAND.search(rival_result(app, dbs, reference_org))
    quality = text_of(consultant_client.get(POOLED).get_data(as_text=True))
    shown = re.search(r"within about ±(\d+\.\d) points of the person's true index", quality)
    assert round(float(shown.group(1))) == int(band.group(2))
    assert "A rep's result page gives this figure" in quality


def test_too_few_released_answers_and_the_precision_is_not_known_yet(app, dbs, reference_org):
    released_acme_answers(app, dbs, reference_org, per_wave=(MIN_PRECISION - 1) // 2)
    for team in ("Paris", "Spain"):  # many more answers, none of them released
        gen_scaled_responses(dbs, reference_org.waves, reference_org.teams[team], n=60)
    page = rival_result(app, dbs, reference_org)
    assert NOT_KNOWN in page
    assert f"once the answers of at least {MIN_PRECISION} people have been released in" in page
    assert not BAND.search(page)


def test_only_waves_released_in_full_count(app, dbs, reference_org):
    gen_scaled_responses(dbs, reference_org.waves, reference_org.teams["France"], n=60)
    dbs.execute(update(Response).values(released_in=1))  # taken in, but by no final release
    dbs.commit()
    page = rival_result(app, dbs, reference_org)
    assert NOT_KNOWN in page and not BAND.search(page)


def test_the_figure_changes_with_a_final_release_never_with_one_more_answer(
    app, dbs, reference_org
):
    released_acme_answers(app, dbs, reference_org, per_wave=60)
    questionnaire = rep_questionnaire()
    assessment, wave, team = boreal_wave(dbs)
    gen_scaled_responses(dbs, [wave], team, n=30, seed=3)
    with app.app_context():
        before = index_precision(db.session, questionnaire)
        gen_response(dbs, reference_org.rival_wave, reference_org.rival_team, 2)
        assert index_precision(db.session, questionnaire) is before  # the cached figure
        release_closed_waves(dbs, assessment)
        after = index_precision(db.session, questionnaire)
    assert before.n == 120 and after.n == 150
    assert after.sem != before.sem


def test_two_reps_of_one_wave_are_given_the_same_band(app, dbs, reference_org):
    released_acme_answers(app, dbs, reference_org, per_wave=60)
    first = BAND.search(rival_result(app, dbs, reference_org)).groups()
    second = BAND.search(rival_result(app, dbs, reference_org)).groups()
    assert first == second  # the first rep's answer, not yet released, changed nothing


def test_climate_answers_leave_the_precision_alone():
    questionnaire = rep_questionnaire_v2()
    answers = v2_answers(150)
    climate = [questionnaire.item_index[item.id] for item in questionnaire.items_of("climate")]
    shuffled = answers.copy()
    shuffled[:, climate] = np.random.default_rng(5).integers(1, 8, (150, len(climate)))

    def precision(matrix):
        wave = WaveAnswers("Spring", matrix, 0)
        return precision_of(Sample(questionnaire, "rep", 5, (wave,), (), 0, 1), "self")

    assert precision(answers) == precision(shuffled)
    assert precision(answers).n == 150  # "does not apply" leaves them scored


def test_version_2_has_its_own_band(app, dbs, reference_org):
    released_acme_answers(app, dbs, reference_org, per_wave=60)
    questionnaire = ask_v2(dbs, reference_org.rival_wave)
    page = rival_result(app, dbs, reference_org, questionnaire)
    assert NOT_KNOWN in page  # version 1's released answers do not count for version 2
    assessment, wave, team = boreal_wave(dbs, questionnaire)
    for row in v2_answers(MIN_PRECISION):
        values = [None if np.isnan(value) else int(value) for value in row]
        dbs.add(new_response(wave, team, values=values, questionnaire=questionnaire))
    dbs.commit()
    with app.app_context():
        release_closed_waves(dbs, assessment)
    assert BAND.search(rival_result(app, dbs, reference_org, questionnaire))


def test_answers_that_show_no_precision_say_so(app, dbs, reference_org):
    for _ in range(MIN_PRECISION // 2):  # everyone alike: no spread, no reliability to speak of
        for wave in reference_org.waves:
            dbs.add(new_response(wave, reference_org.teams["France"], 5))
    dbs.commit()
    with app.app_context():
        release_closed_waves(dbs, reference_org.assessment)
    page = rival_result(app, dbs, reference_org)
    assert (
        "Not known. Questionnaires are never exact, and the answers released so far do not "
        "show how exact this one is." in page
    )
    assert not BAND.search(page) and NOT_KNOWN not in page


def test_a_band_wider_than_the_scale_is_not_given_as_a_band():
    questionnaire = rep_questionnaire()
    scores = {"index": 50.0, "positions": [50.0] * len(questionnaire.dimensions)}
    wide = personal_result(questionnaire, scores, IndexPrecision(200, 100, 0.1, 31.0))
    assert wide["band"] is None and wide["too_imprecise"] and not wide["too_few_released"]
    narrow = personal_result(questionnaire, scores, IndexPrecision(200, 100, 0.9, 5.0))
    assert narrow["band"] == (42, 58) and narrow["half_width"] == 8
