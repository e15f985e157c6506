"""Tests for analysis.omega against R psych's published omega() output.

- Thurstone's 9 ability tests (psych's ``Thurstone`` correlation matrix, n = 213; stored from
  psych 2.5.3 data/Thurstone.rda as tests/analysis/data/psych_thurstone.csv): the output of
  ``om <- omega(Thurstone); om`` printed in W. Revelle, "Using R and the psych package to find
  omega" (psychTools 2.5.3 vignette omega.pdf, section 1.1.1).
- The Jensen & Weng (1994) hierarchical structure of psych's ``sim.hierarchical()``: psych's
  own test (tests/testthat/test_omega.r) checks ``omega(sim.hierarchical())$schmid$sl``
  against Jensen & Weng's loadings.
- sirt's ``data.read`` (tests/analysis/data/sirt_data_read.csv): the psych output quoted in
  sirt's man/stratified.cronbach.alpha.Rd for ``psych::omega(dat, nfactors=1)`` and
  ``nfactors=2``.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.omega import omega_coefficients

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def thurstone():
    return pd.read_csv(DATA / "psych_thurstone.csv", index_col=0)


@pytest.fixture(scope="module")
def thurstone_omega(thurstone):
    return omega_coefficients(thurstone.to_numpy(), 3, is_correlation=True)


def test_thurstone_omegas_match_psych(thurstone_omega):
    # psych: omega(Thurstone) prints Alpha 0.89, G.6 0.91, Omega Hierarchical 0.74,
    #   Omega H asymptotic 0.79, Omega Total 0.93
    result = thurstone_omega
    assert result.alpha == pytest.approx(0.89, abs=0.005)
    assert result.g6 == pytest.approx(0.91, abs=0.005)
    assert result.omega_hierarchical == pytest.approx(0.74, abs=0.005)
    assert result.omega_limit == pytest.approx(0.79, abs=0.005)
    assert result.omega_total == pytest.approx(0.93, abs=0.005)
    assert result.keys == (1,) * 9


def test_thurstone_schmid_leiman_loadings_match_psych(thurstone_omega):
    # psych: omega(Thurstone), "Schmid Leiman Factor loadings greater than 0.2", column g and
    #   the group factor each test loads on most (F1*, F2*, F3*)
    general = [0.71, 0.73, 0.68, 0.65, 0.62, 0.56, 0.59, 0.58, 0.54]
    assert thurstone_omega.general_loadings == pytest.approx(general, abs=0.005)
    group = np.array(thurstone_omega.group_loadings)
    own = [0.56, 0.55, 0.52, 0.56, 0.49, 0.41, 0.62, 0.34, 0.46]
    assert np.abs(group).max(axis=1) == pytest.approx(own, abs=0.005)
    assert group[7].tolist() == pytest.approx([0.24, -0.03, 0.34], abs=0.03)  # Pedigrees
    assert thurstone_omega.group_items == ((0, 1, 2), (3, 4, 5), (6, 7, 8))


def test_thurstone_subscale_omegas_match_psych(thurstone_omega):
    # psych: omega(Thurstone), "Total, General and Subset omega for each subset", F1* F2* F3*
    result = thurstone_omega
    assert result.group_omega_total == pytest.approx((0.92, 0.83, 0.79), abs=0.005)
    assert result.group_omega_general == pytest.approx((0.58, 0.50, 0.47), abs=0.005)
    assert result.group_omega_group == pytest.approx((0.34, 0.32, 0.32), abs=0.005)


def test_jensen_weng_structure_is_recovered_exactly():
    # psych: sim.hierarchical() (gload = .9 .8 .7; fload = .8 .7 .6 .7 .6 .5 .6 .5 .4);
    #   tests/testthat/test_omega.r expects omega(sim.jen)$schmid$sl to equal Jensen & Weng's
    #   g = .72 .63 .54 .56 .48 .40 .42 .35 .28 and group loadings .3487 .3051 .2615,
    #   .42 .36 .30, .428 .3570 .2856, with a summed absolute difference within .001
    gload = np.array([0.9, 0.8, 0.7])
    fload = np.array([0.8, 0.7, 0.6, 0.7, 0.6, 0.5, 0.6, 0.5, 0.4])
    factor = np.repeat([0, 1, 2], 3)
    pattern = np.zeros((9, 3))
    pattern[np.arange(9), factor] = fload
    phi = np.outer(gload, gload)
    np.fill_diagonal(phi, 1.0)
    correlation = pattern @ phi @ pattern.T
    np.fill_diagonal(correlation, 1.0)
    result = omega_coefficients(correlation, 3, is_correlation=True)
    jensen_g = [0.72, 0.63, 0.54, 0.56, 0.48, 0.40, 0.42, 0.35, 0.28]
    jensen_group = [0.3487, 0.3051, 0.2615, 0.42, 0.36, 0.30, 0.428, 0.3570, 0.2856]
    group = np.abs(np.array(result.group_loadings)).max(axis=1)
    difference = np.abs(np.subtract(result.general_loadings, jensen_g)).sum()
    difference += np.abs(group - jensen_group).sum()
    assert difference < 0.001
    # and omega_h is (sum g)^2 / sum R of the population structure
    expected = sum(jensen_g) ** 2 / correlation.sum()
    assert result.omega_hierarchical == pytest.approx(expected, abs=1e-4)  # GPA tolerance 1e-5


@pytest.mark.parametrize(("n_factors", "omega_total"), [(1, 0.69), (2, 0.72)])
def test_reading_testlets_match_psych_as_quoted_by_sirt(n_factors, omega_total):
    # psych: omega(dat, nfactors=1) prints Alpha 0.69, Omega Total 0.69; nfactors=2 prints
    #   Omega Total 0.72 (sirt man/stratified.cronbach.alpha.Rd, dat <- data.read)
    answers = pd.read_csv(DATA / "sirt_data_read.csv").to_numpy(dtype=float)
    result = omega_coefficients(answers, n_factors)
    assert result.alpha == pytest.approx(0.69, abs=0.005)
    assert result.omega_total == pytest.approx(omega_total, abs=0.005)


def test_raw_answers_give_the_omega_of_their_correlations():
    rng = np.random.default_rng(4)
    trait = rng.normal(size=(400, 1))
    answers = np.rint(4 + trait * [0.9, 0.8, 0.7, 0.9, 0.6, 0.8] + rng.normal(size=(400, 6)))
    from_answers = omega_coefficients(answers, 2)
    from_matrix = omega_coefficients(np.corrcoef(answers.T), 2, is_correlation=True)
    assert from_answers.omega_total == pytest.approx(from_matrix.omega_total, abs=1e-9)
    assert from_answers.omega_hierarchical == pytest.approx(
        from_matrix.omega_hierarchical, abs=1e-9
    )


def test_a_reverse_keyed_item_is_flipped(thurstone, thurstone_omega):
    keys = np.ones(9)
    keys[4] = -1.0
    reversed_r = thurstone.to_numpy() * np.outer(keys, keys)
    result = omega_coefficients(reversed_r, 3, is_correlation=True)
    assert result.keys == (1, 1, 1, 1, -1, 1, 1, 1, 1)
    assert result.omega_hierarchical == pytest.approx(thurstone_omega.omega_hierarchical)
    assert result.omega_total == pytest.approx(thurstone_omega.omega_total)


def test_missing_answers_are_correlated_pairwise():
    rng = np.random.default_rng(8)
    trait = rng.normal(size=(300, 1))
    answers = 4 + trait + rng.normal(size=(300, 5))
    holes = answers.copy()
    holes[rng.random(holes.shape) < 0.1] = np.nan
    expected = omega_coefficients(pd.DataFrame(holes).corr().to_numpy(), 1, is_correlation=True)
    assert omega_coefficients(holes, 1).omega_total == pytest.approx(expected.omega_total)


@pytest.mark.parametrize(
    ("matrix", "options", "message"),
    [
        (np.eye(3), {"n_factors": 3, "is_correlation": True}, "n_factors must be from 1 to 2"),
        (np.eye(3), {"n_factors": 0, "is_correlation": True}, "n_factors must be from 1 to 2"),
        (np.eye(3), {"n_factors": 1.0, "is_correlation": True}, "n_factors must be a whole"),
        (np.ones((2, 3)), {"n_factors": 1, "is_correlation": True}, "must be square"),
        ([[1, 0.5], [0.4, 1]], {"n_factors": 1, "is_correlation": True}, "symmetric"),
        ([[2, 0.5], [0.5, 1]], {"n_factors": 1, "is_correlation": True}, "ones on its diagonal"),
        ([[1, 2, 3], [1, 3, 2], [1, 1, 1]], {"n_factors": 1}, "item 0 has no variance"),
    ],
)
def test_bad_inputs_are_rejected(matrix, options, message):
    with pytest.raises(ValueError, match=message):
        omega_coefficients(matrix, **options)
