"""A fit that fails is shown as not computed, never raised into the page; a computation that
fails altogether is logged and kept, so that it is not started again on every request."""

from __future__ import annotations

import time

from survey.quality.computing import FAILED, cached_or_started
from tests.factories import rep_questionnaire
from tests.quality.world import add_answers, quality_url, row_cells, simulated


def test_a_scale_whose_model_cannot_be_fitted_says_so(consultant_client, dbs, reference_org):
    org = reference_org
    questionnaire = rep_questionnaire()
    dimension = questionnaire.dimensions[0]
    constant = questionnaire.item_index[dimension.items[0].id]
    for w, wave in enumerate(org.waves):
        answers = simulated(questionnaire, 20, seed=w)
        answers[:, constant] = 4  # everyone alike on one statement: no one-factor model
        add_answers(dbs, wave, org.teams["France"], answers)
    response = consultant_client.get(quality_url(org.organisation.id, org.assessment.id))
    assert response.status_code == 200
    omega = row_cells(response.get_data(as_text=True), dimension.name)[3]
    assert omega.startswith("not shown: the model could not be fitted")


def failing(_inputs):
    raise RuntimeError("the optimiser gave up")


def test_a_failed_computation_is_kept_not_started_again(app, caplog):
    reads = []

    def read():
        reads.append(1)
        return "answers"

    with app.app_context():
        deadline = time.monotonic() + 10
        while (found := cached_or_started("failing", read, failing, lambda _: True)) is None:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert found is FAILED
        assert cached_or_started("failing", read, failing, lambda _: True) is FAILED
        assert cached_or_started("in request", read, failing, lambda _: False) is FAILED
        assert cached_or_started("in request", read, failing, lambda _: False) is FAILED
    assert len(reads) == 2  # once per key: never started again
    assert "the optimiser gave up" in caplog.text
