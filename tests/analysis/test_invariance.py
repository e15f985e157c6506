"""Tests for analysis.invariance against lavaan's published multiple-group output.

References, for HolzingerSwineford1939 grouped by school (semopy.examples.holzinger39 ships the
same 301 children with their school):

- the lavaan tutorial, "Multiple groups" (lavaan.ugent.be/tutorial/groups.html; source
  yrosseel/lavaan.org.old, tutorial.src/groups.tex):
      fit1 <- cfa(HS.model, data = HolzingerSwineford1939, group = "school")
      fit2 <- cfa(HS.model, data = HolzingerSwineford1939, group = "school",
                  group.equal = "loadings")
      fit3 <- cfa(HS.model, data = HolzingerSwineford1939, group = "school",
                  group.equal = c("intercepts", "loadings"))
      lavTestLRT(fit1, fit2, fit3)
  Chisq 115.85 / 124.04 / 164.10 on 48 / 54 / 60 df (summary(fit1): 115.851, summary(fit2):
  124.044), Chisq diff 8.192 (6 df, p 0.2244) and 40.059 (6 df, p 4.435e-07);
- semTools::measurementInvariance(model = HS.model, data = HolzingerSwineford1939,
  group = "school") as printed in M. Clark's lavaan multiple-group post (GitHub
  m-clark/m-clark.github.io): cfi 0.923 / 0.921 / 0.882, rmsea 0.097 / 0.093 / 0.107,
  cfi.delta 0.002 / 0.038, rmsea.delta 0.004 / 0.015 (absolute changes).
"""

import numpy as np
import pandas as pd
import pytest
from semopy.examples import holzinger39

from analysis.invariance import measurement_invariance

HS_FACTORS = {
    "visual": ["x1", "x2", "x3"],
    "textual": ["x4", "x5", "x6"],
    "speed": ["x7", "x8", "x9"],
}


@pytest.fixture(scope="module")
def by_school():
    return measurement_invariance(holzinger39.get_data(), HS_FACTORS, "school")


def test_groups_are_in_order_of_first_appearance(by_school):
    assert by_school.groups == ("Pasteur", "Grant-White")
    assert by_school.n == (156, 145)  # lavaan: "Number of observations per group"
    assert [step.level for step in by_school.steps] == ["configural", "metric", "scalar"]
    assert all(step.converged for step in by_school.steps)


def test_chi_square_of_each_step_matches_lavaan(by_school):
    configural, metric, scalar = by_school.steps
    # lavaan: summary(fit1), summary(fit2) and lavTestLRT(fit1, fit2, fit3)
    assert (configural.fit.chi2, configural.fit.df) == (pytest.approx(115.851, abs=5e-4), 48)
    assert (metric.fit.chi2, metric.fit.df) == (pytest.approx(124.044, abs=5e-4), 54)
    assert (scalar.fit.chi2, scalar.fit.df) == (pytest.approx(164.10, abs=5e-3), 60)
    assert metric.delta_chi2 == pytest.approx(8.192, abs=5e-4)
    assert (metric.delta_df, metric.delta_p) == (6, pytest.approx(0.2244, abs=5e-5))
    assert scalar.delta_chi2 == pytest.approx(40.059, abs=5e-4)
    assert (scalar.delta_df, scalar.delta_p) == (6, pytest.approx(4.435e-07, rel=1e-3))


def test_cfi_and_rmsea_of_each_step_match_semtools(by_school):
    # semTools: measurementInvariance(model = HS.model, data = HolzingerSwineford1939,
    #   group = "school"), "Fit measures": cfi, rmsea, cfi.delta, rmsea.delta
    configural, metric, scalar = by_school.steps
    assert [step.fit.cfi for step in by_school.steps] == pytest.approx(
        [0.923, 0.921, 0.882], abs=5e-4
    )
    assert [step.fit.rmsea for step in by_school.steps] == pytest.approx(
        [0.097, 0.093, 0.107], abs=5e-4
    )
    assert (abs(metric.delta_cfi), abs(metric.delta_rmsea)) == pytest.approx(
        (0.002, 0.004), abs=5e-4
    )
    assert (abs(scalar.delta_cfi), abs(scalar.delta_rmsea)) == pytest.approx(
        (0.038, 0.015), abs=5e-4
    )
    assert np.isnan(configural.delta_cfi)


def test_verdicts_follow_chen(by_school):
    configural, metric, scalar = by_school.steps
    assert not configural.holds  # CFI 0.923, RMSEA 0.097: the three factors fit poorly
    assert "fits poorly" in configural.verdict
    assert metric.holds  # the lavaan tutorial: "weak invariance ... is supported"
    assert metric.verdict.startswith("Equal loadings cost little fit")
    # the lavaan tutorial: "strong invariance is not"; RMSEA rises by 0.0145 only, SRMR by 0.011
    assert scalar.delta_rmsea < 0.015
    assert scalar.delta_srmr >= 0.010
    assert not scalar.holds
    assert scalar.verdict.startswith("Equal intercepts worsen the fit")


def simulated_waves(n, shift, seed):
    """Two waves of 3 factors x 4 items, the same loadings and intercepts except that item
    f0i1's intercept is raised by ``shift`` (in item SD units) in the second wave, whose
    latent means are 0.3 higher."""
    rng = np.random.default_rng(seed)
    loadings = np.array([0.8, 0.7, 0.6, 0.7])
    phi = np.array([[1.0, 0.4, 0.3], [0.4, 1.0, 0.35], [0.3, 0.35, 1.0]])
    frames = []
    for wave, latent_mean in (("wave 1", 0.0), ("wave 2", 0.3)):
        eta = latent_mean + rng.multivariate_normal(np.zeros(3), phi, size=n)
        columns = {}
        for f in range(3):
            for i in range(4):
                noise = np.sqrt(1 - loadings[i] ** 2) * rng.normal(size=n)
                columns[f"f{f}i{i}"] = 4 + loadings[i] * eta[:, f] + noise
        if wave == "wave 2":
            columns["f0i1"] = columns["f0i1"] + shift
        frames.append(pd.DataFrame(columns).assign(wave=wave))
    spec = {f"F{f}": [f"f{f}i{i}" for i in range(4)] for f in range(3)}
    return pd.concat(frames, ignore_index=True), spec


@pytest.mark.parametrize("seed", [1, 2])
def test_scalar_step_flags_a_shifted_intercept_only_when_there_is_one(seed):
    same, spec = simulated_waves(500, 0.0, seed)
    shifted, _ = simulated_waves(500, 0.5, seed)
    without = measurement_invariance(same, spec, "wave")
    with_shift = measurement_invariance(shifted, spec, "wave")
    assert [step.holds for step in without.steps] == [True, True, True]
    assert [step.holds for step in with_shift.steps] == [True, True, False]
    assert with_shift.steps[2].delta_cfi <= -0.010


def test_incomplete_responses_are_left_out():
    data = holzinger39.get_data()
    padded = pd.concat(
        [data, pd.DataFrame({"school": ["Pasteur"], "x1": [np.nan], "x2": [99.0]})],
        ignore_index=True,
    )
    result = measurement_invariance(padded, HS_FACTORS, "school")
    assert result.n == (156, 145)
    assert result.steps[0].fit.chi2 == pytest.approx(115.851, abs=5e-4)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.drop(columns="school"), "group column 'school' is not a column"),
        (lambda d: d.assign(school=[None, *d["school"].iloc[1:]]), "has missing labels"),
        (lambda d: d.assign(school="one"), "at least 2 groups, got 1"),
        (lambda d: d.iloc[:160], "group 'Grant-White' has 4 complete responses, too few"),
    ],
)
def test_bad_groups_are_rejected(change, message):
    with pytest.raises(ValueError, match=message):
        measurement_invariance(change(holzinger39.get_data()), HS_FACTORS, "school")
