"""Tests for analysis.factor_model against lavaan's published Holzinger-Swineford output.

The reference numbers are lavaan 0.6's, as printed in the lavaan tutorial ("A CFA example",
lavaan.ugent.be/tutorial/cfa.html; source yrosseel/lavaan.org.old, tutorial.src/cfa.md) for

    HS.model <- ' visual =~ x1 + x2 + x3
                  textual =~ x4 + x5 + x6
                  speed =~ x7 + x8 + x9 '
    fit <- cfa(HS.model, data = HolzingerSwineford1939)
    summary(fit, fit.measures = TRUE, standardized = TRUE)

semopy ships the same data (semopy.examples.holzinger39, 301 children).
"""

import math

import numpy as np
import pandas as pd
import pytest
from semopy.examples import holzinger39

from analysis.factor_model import fit_cfa, fit_indices, rmsea_interval

HS_FACTORS = {
    "visual": ["x1", "x2", "x3"],
    "textual": ["x4", "x5", "x6"],
    "speed": ["x7", "x8", "x9"],
}


@pytest.fixture(scope="module")
def hs():
    return holzinger39.get_data()


@pytest.fixture(scope="module")
def hs_fit(hs):
    return fit_cfa(hs, HS_FACTORS)


def test_holzinger_swineford_fit_matches_lavaan(hs_fit):
    # lavaan: summary(cfa(HS.model, data=HolzingerSwineford1939), fit.measures=TRUE):
    #   Test statistic 85.306, Degrees of freedom 24, P-value 0.000, CFI 0.931, TLI 0.896,
    #   RMSEA 0.092, 90 Percent confidence interval 0.071 - 0.114, SRMR 0.065
    fit = hs_fit.fit
    assert hs_fit.n == 301
    assert hs_fit.estimator == "ML"
    assert hs_fit.converged
    assert hs_fit.boundary_variances == ()
    assert fit.chi2 == pytest.approx(85.306, abs=5e-4)
    assert fit.df == 24
    assert fit.p_value < 5e-4
    assert fit.cfi == pytest.approx(0.931, abs=5e-4)
    assert fit.tli == pytest.approx(0.896, abs=5e-4)
    assert fit.rmsea == pytest.approx(0.092, abs=5e-4)
    assert fit.rmsea_ci == pytest.approx((0.071, 0.114), abs=5e-4)
    assert fit.srmr == pytest.approx(0.065, abs=5e-4)


def test_holzinger_swineford_standardized_loadings_match_lavaan(hs_fit):
    # lavaan: the Std.all column of summary(fit, standardized=TRUE) (lavaan tutorial)
    expected = {
        "x1": 0.772, "x2": 0.424, "x3": 0.581,
        "x4": 0.852, "x5": 0.855, "x6": 0.838,
        "x7": 0.570, "x8": 0.723, "x9": 0.665,
    }  # fmt: skip
    factor_of = {item: name for name, items in HS_FACTORS.items() for item in items}
    for item, value in expected.items():
        assert hs_fit.loadings[item] == {factor_of[item]: pytest.approx(value, abs=5e-4)}


def test_omega_per_factor_from_lavaans_standardized_solution(hs_fit):
    # McDonald's omega from lavaan's published Std.all loadings and residual variances
    # (lavaan tutorial, summary(fit, standardized=TRUE)): (sum l)^2 / ((sum l)^2 + sum theta)
    published = {
        "visual": ([0.772, 0.424, 0.581], [0.404, 0.821, 0.662]),
        "textual": ([0.852, 0.855, 0.838], [0.275, 0.269, 0.298]),
        "speed": ([0.570, 0.723, 0.665], [0.676, 0.477, 0.558]),
    }
    for factor, (loadings, residuals) in published.items():
        common = sum(loadings) ** 2
        assert hs_fit.omega[factor] == pytest.approx(common / (common + sum(residuals)), abs=2e-3)
    assert math.isnan(hs_fit.omega_hierarchical)


def test_second_order_model_with_three_factors_fits_like_the_correlated_one(hs, hs_fit):
    # three factor correlations and three second-order loadings: the same covariance structure
    # (just identified at the factor level), so lavaan reports the same chi-square
    second = fit_cfa(hs, HS_FACTORS, structure="second_order", general="g_ability")
    assert second.fit.chi2 == pytest.approx(hs_fit.fit.chi2, abs=1e-4)
    assert second.fit.df == hs_fit.fit.df
    assert set(second.general_loadings) == set(HS_FACTORS)
    # the second-order loadings reproduce the factor correlations: r(visual, textual) is
    # 0.459 in lavaan's standardized solution (Std.all of visual ~~ textual)
    g = second.general_loadings
    assert g["visual"] * g["textual"] == pytest.approx(0.459, abs=1e-3)
    assert g["visual"] * g["speed"] == pytest.approx(0.471, abs=1e-3)
    assert g["textual"] * g["speed"] == pytest.approx(0.283, abs=1e-3)
    assert 0 < second.omega_hierarchical < second.omega_total < 1


def test_rmsea_interval_matches_lavaan():
    # lavaan: fitMeasures(fit, c("rmsea.ci.lower", "rmsea.ci.upper")) = 0.071, 0.114 for the
    # HS model (chi2 85.306 on 24 df, N = 301)
    assert rmsea_interval(85.306, 24, 301) == pytest.approx((0.071, 0.114), abs=5e-4)


def test_rmsea_interval_bounds_are_where_the_noncentral_distribution_puts_chi2():
    from scipy import stats

    chi2, df, n = 60.0, 30, 500
    lower, upper = rmsea_interval(chi2, df, n)
    # scipy: stats.ncx2.cdf(chi2, df, nc) at nc = rmsea^2 * n * df
    assert stats.ncx2.cdf(chi2, df, lower**2 * n * df) == pytest.approx(0.95, abs=1e-6)
    assert stats.ncx2.cdf(chi2, df, upper**2 * n * df) == pytest.approx(0.05, abs=1e-6)


def test_rmsea_interval_starts_at_zero_for_a_close_fit():
    lower, upper = rmsea_interval(20.0, 30, 500)  # chi2 below the central 95% quantile
    assert lower == 0.0
    assert 0 < upper < 0.05
    assert rmsea_interval(3.0, 30, 500) == (0.0, 0.0)


def test_a_saturated_model_fits_perfectly():
    rng = np.random.default_rng(3)
    sample = np.cov(rng.normal(size=(200, 4)), rowvar=False, bias=True)
    fit = fit_indices(sample, sample, 200, 0)
    assert fit.chi2 == pytest.approx(0.0, abs=1e-9)
    assert (fit.cfi, fit.tli, fit.rmsea, fit.rmsea_ci) == (1.0, 1.0, 0.0, (0.0, 0.0))
    assert fit.srmr == pytest.approx(0.0, abs=1e-12)


def test_incomplete_responses_are_left_out(hs, hs_fit):
    padded = pd.concat(
        [hs, pd.DataFrame({"x1": [np.nan, 9.0], "x5": [1.0, np.nan], "x9": [50.0, -40.0]})],
        ignore_index=True,
    )
    again = fit_cfa(padded, HS_FACTORS)
    assert again.n == 301
    assert again.fit.chi2 == pytest.approx(hs_fit.fit.chi2, abs=1e-6)


def simulated_higher_order(n, seed):
    """Continuous items from a known second-order model: 4 factors x 3 items."""
    rng = np.random.default_rng(seed)
    gamma = np.array([0.8, 0.7, 0.6, 0.75])
    lam = np.array([0.7, 0.6, 0.5])
    g = rng.normal(size=n)
    factors = gamma * g[:, None] + np.sqrt(1 - gamma**2) * rng.normal(size=(n, 4))
    columns = {}
    for f in range(4):
        for i in range(3):
            columns[f"f{f}_{i}"] = lam[i] * factors[:, f] + np.sqrt(1 - lam[i] ** 2) * rng.normal(
                size=n
            )
    spec = {f"F{f}": [f"f{f}_{i}" for i in range(3)] for f in range(4)}
    # population omega hierarchical of the sum of the 12 standardised items (Zinbarg et al.
    # 2005): (sum of general loadings)^2 / variance of the sum
    general = np.outer(gamma, lam).ravel()
    group = np.outer(np.sqrt(1 - gamma**2), lam)
    variance = general.sum() ** 2 + (group.sum(axis=1) ** 2).sum() + (1 - lam**2).sum() * 4
    return pd.DataFrame(columns), spec, general.sum() ** 2 / variance


@pytest.mark.parametrize("structure", ["second_order", "bifactor"])
def test_general_factor_saturation_is_recovered(structure):
    data, spec, omega_h = simulated_higher_order(4000, seed=11)
    result = fit_cfa(data, spec, structure=structure)
    assert result.converged
    assert result.fit.rmsea < 0.03
    assert result.omega_hierarchical == pytest.approx(omega_h, abs=0.03)


def test_a_wrong_model_fits_worse():
    data, spec, _ = simulated_higher_order(2000, seed=5)
    right = fit_cfa(data, spec)
    items = [item for items in spec.values() for item in items]
    wrong = fit_cfa(data, {"A": items[0::2], "B": items[1::2]})
    assert right.fit.cfi > 0.99 > 0.95 > wrong.fit.cfi
    assert wrong.fit.rmsea > 0.05 > right.fit.rmsea


@pytest.mark.parametrize(
    ("factors", "options", "message"),
    [
        ({"a": ["x1", "x2"]}, {"structure": "oblique"}, "structure must be one of"),
        ({"a": ["x1"]}, {}, "factor 'a' needs at least 2 items"),
        ({"a": ["x1", "x2"], "b": ["x2", "x3"]}, {}, "item 'x2' is in more than one factor"),
        ({"a": ["x1", "nope"]}, {}, "item 'nope' of factor 'a' is not a column"),
        ({"a": ["x1", "school"]}, {}, "item 'school' must hold numbers"),
        ({"a": ["x1", "x2"], "b": ["x3", "x4"]}, {"structure": "second_order"}, "at least 3"),
        ({"general": ["x1", "x2"]}, {}, "the general factor's name 'general' is also"),
        ({}, {}, "factors must name at least one factor"),
    ],
)
def test_bad_specifications_are_rejected(hs, factors, options, message):
    with pytest.raises(ValueError, match=message):
        fit_cfa(hs, factors, **options)


def test_too_few_complete_responses_are_rejected(hs):
    with pytest.raises(ValueError, match=r"^3 responses answered every item, too few for 9"):
        fit_cfa(hs.head(3), HS_FACTORS)
