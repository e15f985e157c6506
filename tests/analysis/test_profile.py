"""Tests for analysis.profile against scipy.stats.ttest_rel and statsmodels' Holm adjustment."""

import dataclasses
import itertools

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from analysis.profile import (
    NO_PAIR,
    NOBODY_DIFFERS,
    SAME_GAP,
    SAME_MEANS,
    ExtremeGap,
    extreme_gap,
    holm,
)

NAN = np.nan


def profile(n_people, seed, missing_share=0.0, spread=(0, 3, -4, 8, 1, -2)):
    """0-100 scores on six dimensions sharing a person effect, some missing at random."""
    rng = np.random.default_rng(seed)
    person = rng.normal(60, 12, size=(n_people, 1))
    scores = person + np.array(spread, dtype=float) + rng.normal(0, 6, size=(n_people, 6))
    scores[rng.random(scores.shape) < missing_share] = NAN
    return scores


def untested(gap: ExtremeGap) -> bool:
    numbers = (gap.statistic, gap.p_value, gap.p_adjusted, *gap.ci)
    return all(np.isnan(value) for value in numbers)


def test_worked_example():
    # scipy.stats.ttest_rel([60, 70, 65], [40, 45, 35]) -> statistic 8.660254037844386,
    # pvalue 0.01307245756034652, df 2, confidence_interval(0.95) (12.5793114412, 37.4206885588);
    # multipletests([p01, p02, p12], method="holm")[1][0] -> 0.03921737268103956
    gap = extreme_gap([[60.0, 40.0, 50.0], [70.0, 45.0, 55.0], [65.0, 35.0, 50.0]])
    assert (gap.highest, gap.lowest, gap.n, gap.df, gap.comparisons) == (0, 1, 3, 2, 3)
    assert gap.difference == 25.0
    assert gap.statistic == pytest.approx(8.660254037844386, abs=1e-12)
    assert gap.p_value == pytest.approx(0.01307245756034652, abs=1e-14)
    assert gap.p_adjusted == pytest.approx(0.03921737268103956, abs=1e-14)
    assert gap.ci == pytest.approx((12.579311441248, 37.420688558752), abs=1e-9)
    assert (gap.adjustment, gap.undefined_reason) == ("holm", None)


@pytest.mark.parametrize(("n_people", "missing_share", "seed"), [(12, 0.0, 1), (40, 0.1, 2)])
@pytest.mark.parametrize("confidence", [0.95, 0.9])
def test_matches_scipy_ttest_rel_and_statsmodels_holm(n_people, missing_share, seed, confidence):
    scores = profile(n_people, seed, missing_share)
    gap = extreme_gap(scores, confidence=confidence)
    means = np.nanmean(scores, axis=0)
    assert (gap.highest, gap.lowest) == (int(np.argmax(means)), int(np.argmin(means)))
    # scipy.stats.ttest_rel(high, low, nan_policy="omit"): the pairs with both scores
    both = ~np.isnan(scores[:, gap.highest]) & ~np.isnan(scores[:, gap.lowest])
    high, low = scores[both, gap.highest], scores[both, gap.lowest]
    reference = stats.ttest_rel(high, low)
    assert gap.n == both.sum() and gap.df == reference.df
    assert gap.difference == pytest.approx(np.mean(high - low), abs=1e-12)
    assert gap.statistic == pytest.approx(reference.statistic, abs=1e-10)
    assert gap.p_value == pytest.approx(reference.pvalue, rel=1e-9, abs=1e-300)
    assert gap.ci == pytest.approx(tuple(reference.confidence_interval(confidence)), abs=1e-10)
    # statsmodels.stats.multitest.multipletests(p, method="holm")[1] over the 15 pairs'
    # scipy.stats.ttest_rel(a, b, nan_policy="omit").pvalue
    pairs = list(itertools.combinations(range(6), 2))
    p = [stats.ttest_rel(scores[:, a], scores[:, b], nan_policy="omit").pvalue for a, b in pairs]
    adjusted = multipletests(p, method="holm")[1]
    position = pairs.index((min(gap.highest, gap.lowest), max(gap.highest, gap.lowest)))
    assert gap.comparisons == 15
    assert gap.p_adjusted == pytest.approx(adjusted[position], rel=1e-9, abs=1e-300)


def test_a_gap_whose_intervals_overlap_can_be_beyond_chance():
    # Schenker & Gentleman (2001): with the same people on both sides the paired test is the
    # one to read. Here each dimension's own 95% interval (scipy.stats.ttest_1samp's)
    # overlaps the other's, yet the within-person gap is well beyond chance.
    rng = np.random.default_rng(5)
    person = rng.normal(60, 12, size=(30, 1))
    # five identical dimensions, and one 4 points above them give or take 2
    scores = np.hstack([person] * 5 + [person + rng.normal(4, 2, size=(30, 1))])
    gap = extreme_gap(scores)
    top, bottom = (
        stats.ttest_1samp(scores[:, column], 0).confidence_interval()
        for column in (gap.highest, gap.lowest)
    )
    assert top.low <= bottom.high  # the intervals overlap
    assert gap.p_adjusted < 0.001
    assert gap.p_adjusted == pytest.approx(
        multipletests(
            [
                stats.ttest_rel(scores[:, a], scores[:, b]).pvalue if b == 5 else 1.0
                for a, b in itertools.combinations(range(6), 2)
            ],
            method="holm",
        )[1][4],  # pair (0, 5)
        rel=1e-9,
    )


def test_holm_matches_statsmodels():
    # statsmodels.stats.multitest.multipletests(p, method="holm")[1]
    rng = np.random.default_rng(3)
    for size in (1, 2, 15, 40):
        p = rng.random(size) ** 3
        np.testing.assert_allclose(holm(p), multipletests(p, method="holm")[1], rtol=1e-12)
    assert holm([]).size == 0


def test_holm_counts_a_test_not_made_as_p_one():
    # like multipletests([0.01, 1.0, 0.02], method="holm")[1] -> [0.03, nan (1.0), 0.04]
    np.testing.assert_allclose(holm([0.01, NAN, 0.02]), [0.03, NAN, 0.04])


@pytest.mark.parametrize(
    ("scores", "reason", "highest", "lowest"),
    [
        ([[50.0, NAN], [60.0, NAN]], NO_PAIR, None, None),
        (np.empty((0, 6)), NO_PAIR, None, None),
        ([[50.0, 50.0, 50.0], [60.0, 60.0, 60.0]], SAME_MEANS, 0, 0),
        (
            [[50.0, 40.0], [NAN, 30.0], [70.0, NAN]],
            "fewer than 2 people have both scores (1)",
            0,
            1,
        ),
        ([[50.0, 40.0], [60.0, 50.0], [70.0, 60.0]], SAME_GAP, 0, 1),
    ],
)
def test_undefined_gaps_say_why(scores, reason, highest, lowest):
    gap = extreme_gap(scores)
    assert untested(gap)
    assert (gap.undefined_reason, gap.highest, gap.lowest) == (reason, highest, lowest)


@pytest.mark.parametrize("offset", [0.0, 1e6])
def test_straight_liners_scored_inexactly_are_not_a_gap(offset):
    # Each person gives one answer to every statement; their dimension scores are equal up to
    # the last bits (100 * 4/6 twice, computed two ways), which a t-test would read as a gap.
    levels = np.resize(np.arange(1.0, 8.0), 40)[:, None]
    one_way = (levels - 1) / 6 * 100
    other_way = (levels - 1) * (100 / 6)
    scores = offset + np.hstack([one_way, other_way, one_way, other_way, one_way, other_way])
    assert not (one_way == other_way).all()
    gap = extreme_gap(scores)
    assert untested(gap)
    assert gap.undefined_reason in (NOBODY_DIFFERS, SAME_MEANS)


def test_a_constant_gap_far_from_zero_is_not_tested():
    levels = 1e6 + np.resize(np.arange(1.0, 8.0), 40)[:, None] / 3
    gap = extreme_gap(np.hstack([levels + 0.1, levels]))
    assert untested(gap)
    assert gap.undefined_reason == SAME_GAP
    assert gap.difference == pytest.approx(0.1, abs=1e-9)


def test_result_is_frozen():
    gap = extreme_gap(profile(10, seed=1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        gap.p_value = 0.5


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: extreme_gap([1.0, 2.0]), "scores must be two-dimensional"),
        (lambda: extreme_gap([[1.0, np.inf]]), "scores must be finite or NaN (unscored)"),
        (lambda: extreme_gap([[1.0, 2.0]], confidence=1.5), "confidence must be between 0 and 1"),
        (lambda: holm([0.5, 1.5]), "p_values must lie between 0 and 1"),
        (lambda: holm([[0.5]]), "p_values must be one-dimensional, got 2 dimensions"),
    ],
)
def test_bad_input_raises(call, message):
    with pytest.raises(ValueError) as raised:
        call()
    assert str(raised.value).startswith(message)
