"""With enough answers the page fits the factor models in the background: it says it is
computing and refreshes itself, then shows the fit of the analysis functions on the exported
answers, and invariance across the waves."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from analysis.factor_model import fit_cfa
from analysis.invariance import measurement_invariance
from survey.quality import words
from tests.factories import rep_questionnaire
from tests.quality.world import (
    add_answers,
    quality_url,
    row_cells,
    rows_of,
    simulated,
    text_of,
)
from tests.reports.helpers import download

PER_TEAM = 110  # two teams: 220 complete answers per wave, 440 in all


@pytest.mark.slow
def test_the_factor_models_are_fitted_in_the_background(consultant_client, dbs, reference_org):
    org = reference_org
    questionnaire = rep_questionnaire()
    for w, wave in enumerate(org.waves):
        for t, name in enumerate(("France", "Paris")):
            add_answers(dbs, wave, org.teams[name], simulated(questionnaire, PER_TEAM, 2 * w + t))
    url = quality_url(org.organisation.id, org.assessment.id)
    response = consultant_client.get(url)
    assert "Computing the figures" in response.get_data(as_text=True)
    assert response.headers["Refresh"] == "3"
    deadline = time.monotonic() + 120
    while "Computing the figures" in response.get_data(as_text=True):
        assert time.monotonic() < deadline, "the figures never came"
        time.sleep(0.2)
        response = consultant_client.get(url)
    page = response.get_data(as_text=True)
    text = text_of(page)

    rows = pd.DataFrame(download(consultant_client, org, "responses-wide"))
    ids = [item.id for item in questionnaire.items]
    raw = rows[ids].replace("", np.nan).astype(float).to_numpy()
    keyed = pd.DataFrame(np.where(questionnaire.reversed_mask(), 8 - raw, raw), columns=ids)
    factors = {d.name: [item.id for item in d.items] for d in questionnaire.dimensions}
    correlated = fit_cfa(keyed, factors)
    assert f"CFI {correlated.fit.cfi:.3f} TLI {correlated.fit.tli:.3f}" in text
    low, high = correlated.fit.rmsea_ci
    assert f"RMSEA {correlated.fit.rmsea:.3f} (90% interval {low:.3f} to {high:.3f})" in text
    second = fit_cfa(keyed, factors, structure="second_order", general="general mindset")
    assert f"Omega hierarchical {second.omega_hierarchical:.2f}" in text
    dimension = questionnaire.dimensions[0]
    item = dimension.items[0]
    loading = correlated.loadings[item.id][dimension.name]
    assert [item.id, dimension.name, f"{loading:.2f}"] in rows_of(page, item.id)

    invariance = measurement_invariance(keyed.assign(wave=rows["wave"].to_numpy()), factors, "wave")
    configural = row_cells(page, "configural")
    assert configural[1] == f"{invariance.steps[0].fit.cfi:.3f}"
    assert configural[3] == f"{invariance.steps[0].fit.srmr:.3f}"
    scalar = invariance.steps[-1]
    assert row_cells(page, "scalar")[4:] == [
        f"{scalar.delta_cfi:+.3f}",
        f"{scalar.delta_rmsea:+.3f}",
        f"{scalar.delta_srmr:+.3f}",
        "yes" if scalar.holds else "no",
    ]
    assert words.invariance_rule() in text and "(Chen 2007)" in text
    assert words.change_sentence(invariance) in text
    assert "the same people often answer several waves" in text
