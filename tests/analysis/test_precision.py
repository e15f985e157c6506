"""Tests for analysis.precision: the SEM, the score band and stratified alpha."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.precision import score_band, standard_error_of_measurement, stratified_alpha
from analysis.reliability import scale_reliability

DATA = Path(__file__).parent / "data"


def test_sem_matches_a_published_example():
    # statisticalpoint.com/standard-error-of-measurement: s = 3.17, R = .88 -> SEm = 1.098
    assert standard_error_of_measurement(3.17, 0.88) == pytest.approx(1.098, abs=5e-4)


def test_sem_is_sd_times_root_of_unreliability():
    assert standard_error_of_measurement(10.0, 0.75) == pytest.approx(5.0, rel=1e-12)
    assert standard_error_of_measurement(10.0, 1.0) == 0.0
    assert standard_error_of_measurement(10.0, 0.0) == 10.0


@pytest.mark.parametrize(("sd", "reliability"), [(math.nan, 0.8), (10.0, math.nan), (10.0, -0.2)])
def test_sem_is_nan_when_precision_cannot_be_claimed(sd, reliability):
    assert math.isnan(standard_error_of_measurement(sd, reliability))


@pytest.mark.parametrize(
    ("sd", "reliability", "message"),
    [
        (-1.0, 0.8, "sd must be a finite number of at least 0, got -1.0"),
        (math.inf, 0.8, "sd must be a finite number of at least 0, got inf"),
        (10.0, 1.2, "reliability must be at most 1, got 1.2"),
        ("10", 0.8, "sd must be a number, got '10'"),
        (10.0, True, "reliability must be a number, got True"),
    ],
)
def test_sem_rejects_impossible_inputs(sd, reliability, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        standard_error_of_measurement(sd, reliability)


@pytest.mark.parametrize("level", [0.68, 0.90, 0.95])
def test_score_band_is_the_normal_interval_of_the_sem(level):
    # scipy: stats.norm.interval(level, loc=50, scale=4)
    expected = stats.norm.interval(level, loc=50.0, scale=4.0)
    assert score_band(50.0, 4.0, level=level) == pytest.approx(expected, rel=1e-12)


def test_score_band_at_90_percent_is_1_645_sem_wide_each_side():
    low, high = score_band(60.0, 5.0)
    assert (low, high) == pytest.approx((60 - 1.6449 * 5, 60 + 1.6449 * 5), abs=1e-3)


def test_score_band_is_clipped_to_the_range():
    assert score_band(97.0, 5.0) == pytest.approx((97 - 1.6448536 * 5, 100.0))
    assert score_band(2.0, 5.0, low=1.0, high=7.0) == (1.0, 7.0)
    assert score_band(0.0, 0.0) == (0.0, 0.0)


def test_score_band_is_nan_for_a_nan_score_or_sem():
    assert all(math.isnan(bound) for bound in score_band(math.nan, 3.0))
    assert all(math.isnan(bound) for bound in score_band(40.0, math.nan))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((120.0, 3.0), "score 120.0 is outside the range 0.0 to 100.0"),
        ((50.0, -1.0), "sem must be a finite number of at least 0, got -1.0"),
        ((50.0, 3.0, 1.0), "level must be between 0 and 1, got 1.0"),
        ((50.0, 3.0, 0.9, 7.0, 1.0), "low must be below high, both finite, got 7.0 and 1.0"),
    ],
)
def test_score_band_rejects_impossible_inputs(arguments, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        score_band(*arguments)


@pytest.fixture(scope="module")
def reading_testlets():
    """sirt's data.read (328 students x 12 reading items in testlets A, B, C of 4 items each;
    Robitzsch, sirt package, data/data.read.rda, converted to CSV)."""
    answers = pd.read_csv(DATA / "sirt_data_read.csv").to_numpy(dtype=float)
    codes = np.repeat([0, 1, 2], 4)
    return answers, codes


def test_stratified_alpha_matches_sirt(reading_testlets):
    answers, codes = reading_testlets
    alphas = [scale.alpha for scale in scale_reliability(answers, codes, 3)]
    sums = np.column_stack([answers[:, codes == d].sum(axis=1) for d in range(3)])
    # sirt: stratified.cronbach.alpha(data.read, itemstrata=cbind(colnames(dat),
    #   substring(colnames(dat), 1, 1))) prints alpha 0.545 0.381 0.640 for A B C, var.tot
    #   1.381 1.059 1.107 and alpha.stratified 0.703 (man/stratified.cronbach.alpha.Rd).
    assert alphas == pytest.approx([0.545, 0.381, 0.640], abs=5e-4)
    assert sums.var(axis=0, ddof=1) == pytest.approx([1.381, 1.059, 1.107], abs=5e-4)
    assert stratified_alpha(sums, alphas) == pytest.approx(0.703, abs=5e-4)
    # the mean of the dimension scores (the index) has the same reliability as their sum
    assert stratified_alpha(sums / 4, alphas) == pytest.approx(stratified_alpha(sums, alphas))


def test_stratified_alpha_uses_complete_rows_only(reading_testlets):
    answers, codes = reading_testlets
    sums = np.column_stack([answers[:, codes == d].sum(axis=1) for d in range(3)])
    padded = np.vstack([sums, [[np.nan, 40.0, -30.0], [50.0, np.nan, 9.0]]])
    assert stratified_alpha(padded, [0.5, 0.4, 0.6]) == stratified_alpha(sums, [0.5, 0.4, 0.6])


def test_stratified_alpha_is_nan_when_undefined():
    assert math.isnan(stratified_alpha([[1.0, 2.0], [2.0, 3.0]], [0.8, math.nan]))
    assert math.isnan(stratified_alpha([[1.0, 2.0], [2.0, np.nan]], [0.8, 0.7]))
    assert math.isnan(stratified_alpha([[1.0, 5.0], [2.0, 4.0], [3.0, 3.0]], [0.8, 0.7]))


@pytest.mark.parametrize(
    ("scores", "reliabilities", "message"),
    [
        ([[1.0, 2.0]], [0.8], r"dimension_reliabilities must hold one number per dimension \(2\)"),
        ([[1.0, 2.0]], [0.8, 1.5], "reliability 1.5 of dimension 1 is above 1"),
        ([1.0, 2.0], [0.8, 0.7], "dimension_scores must be two-dimensional"),
        ([[1.0, np.inf]], [0.8, 0.7], "dimension_scores and dimension_reliabilities must be"),
    ],
)
def test_stratified_alpha_rejects_bad_inputs(scores, reliabilities, message):
    with pytest.raises(ValueError, match=f"^{message}"):
        stratified_alpha(scores, reliabilities)
