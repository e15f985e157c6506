"""Tests for analysis.reliability against pingouin 0.7 and R psych's published output.

Every statistic comes from ``scale_reliability``; ``one_scale`` takes all columns as one scale.
"""

import dataclasses

import numpy as np
import pandas as pd
import pingouin
import pytest
from scipy import stats

from analysis._validation import BLOCK_ROWS
from analysis.reliability import AlphaResult, scale_reliability

NAN = np.nan


def one_scale(matrix, **options) -> AlphaResult:
    """The alpha of one scale made of every column: ``scale_reliability`` with one dimension."""
    n_items = np.shape(matrix)[1]
    [result] = scale_reliability(matrix, np.zeros(n_items, dtype=int), 1, **options)
    return result


def alpha_if_dropped(matrix, **options) -> np.ndarray:
    return np.array([item.alpha_if_dropped for item in one_scale(matrix, **options).items])


def item_rest_r(matrix, **options) -> np.ndarray:
    return np.array([item.corrected_item_total for item in one_scale(matrix, **options).items])


# psych::bfi rows 1-50, columns A1 A2 A3 A4 A5 age, as printed in the README of
# statisticsforsocialscience/hcictools (readme.md, "auto-code scale"), which then runs
# psych::alpha(x = intermediate, check.keys = TRUE, warnings = FALSE) on them, where
# intermediate <- psych::bfi %>% head(50) %>% dplyr::select(dplyr::starts_with("A")).
# check.keys reversed A1 (printed "A1-").
BFI_50 = np.array(
    [
        [2, 4, 3, 4, 4, 16], [2, 4, 5, 2, 5, 18], [5, 4, 5, 4, 4, 17], [4, 4, 6, 5, 5, 17],
        [2, 3, 3, 4, 5, 17], [6, 6, 5, 6, 5, 21], [2, 5, 5, 3, 5, 18], [4, 3, 1, 5, 1, 19],
        [4, 3, 6, 3, 3, 19], [2, 5, 6, 6, 5, 17], [4, 4, 5, 6, 5, 21], [2, 5, 5, 5, 5, 16],
        [5, 5, 5, 6, 4, 16], [5, 5, 5, 6, 6, 16], [4, 5, 2, 2, 1, 17], [4, 3, 6, 6, 3, 17],
        [4, 6, 6, 2, 5, 17], [5, 5, 5, 4, 5, 17], [4, 4, 5, 4, 3, 16], [4, 4, 6, 5, 5, 17],
        [5, 4, 2, 1, 2, 17], [1, 6, 6, 1, 5, 17], [1, 5, 6, 5, 6, 68], [2, 6, 5, 6, 5, 27],
        [4, 5, 5, 6, 5, 18], [1, 6, 6, 1, 6, 20], [2, 4, 4, 4, 3, 51], [2, 5, 6, 6, 6, 14],
        [2, 5, 1, 3, 5, 33], [4, 5, 6, 5, 5, 18], [1, 6, 5, 6, 3, 17], [2, 5, 6, 6, 6, 41],
        [1, 5, 6, 5, 4, 23], [2, 4, 5, 6, 5, 17], [4, 4, 4, 4, 4, 20], [5, 3, 5, 4, 2, 23],
        [1, 6, 4, 6, 4, 20], [1, 4, 4, 2, 3, 21], [1, 6, 6, 6, 6, 30], [1, 5, 4, 3, 5, 48],
        [1, 5, 5, 6, 5, 40], [5, 4, 3, 6, 4, 27], [1, 5, 4, 4, 5, 18], [5, 6, 4, 3, 5, 20],
        [2, 6, 6, 6, 6, 24], [1, 6, 6, 6, 6, 25], [5, 5, 3, 4, 3, 22], [2, 6, 4, 5, 5, 18],
        [1, 5, 3, 2, 3, 43], [1, 6, 6, 6, 6, 20],
    ],
    dtype=float,
)  # fmt: skip
BFI_KEYS = np.array([True, False, False, False, False, False])


@pytest.fixture(scope="module")
def likert_wide():
    """pingouin's cronbach_alpha dataset (15 subjects x 10 items) in wide form."""
    data = pingouin.read_dataset("cronbach_alpha")
    return data.pivot(index="Subj", columns="Items", values="Scores").to_numpy(dtype=float)


@pytest.fixture(scope="module")
def binary_missing():
    """pingouin's cronbach_wide_missing dataset (12 subjects x 11 binary items, some NaN)."""
    return pingouin.read_dataset("cronbach_wide_missing").to_numpy(dtype=float)


def survey(n_rows, n_items, missing_share, seed):
    """Likert answers driven by one latent trait, with answers missing at random."""
    rng = np.random.default_rng(seed)
    trait = rng.normal(size=(n_rows, 1))
    answers = np.clip(np.rint(4 + trait + rng.normal(size=(n_rows, n_items))), 1, 7)
    answers[rng.random((n_rows, n_items)) < missing_share] = NAN
    return answers


def test_pingouin_likert_dataset(likert_wide):
    # pingouin 0.7 docstring: pg.cronbach_alpha(data=data, items="Items", scores="Scores",
    # subject="Subj") -> (0.5917188485995826, array([0.195, 0.84 ]))
    result = one_scale(likert_wide)
    assert result.alpha == pytest.approx(0.5917188485995826, abs=1e-12)
    assert np.round(result.ci, 3).tolist() == [0.195, 0.840]
    assert (result.n_used, result.n_items, result.missing) == (15, 10, "pairwise")
    assert result.undefined_reason is None


def test_pingouin_missing_dataset_pairwise(binary_missing):
    # pingouin 0.7 docstring, "In R: psych:alpha(data, use="pairwise")":
    # pg.cronbach_alpha(data=data) -> (0.732660835214447, array([0.435, 0.909]))
    result = one_scale(binary_missing, missing="pairwise")
    assert result.alpha == pytest.approx(0.732660835214447, abs=1e-12)
    assert np.round(result.ci, 3).tolist() == [0.435, 0.909]
    assert result.n_used == 12


def test_pingouin_missing_dataset_listwise(binary_missing):
    # pingouin 0.7 docstring, "In R: psych:alpha(data, use="complete.obs")":
    # pg.cronbach_alpha(data=data, nan_policy="listwise") -> 0.8016949152542373
    result = one_scale(binary_missing, missing="listwise")
    assert result.alpha == pytest.approx(0.8016949152542373, abs=1e-12)
    # Only 9 subjects answered every item. pingouin's own interval ([0.581, 0.933]) keeps
    # n = 12; ours uses the 9 behind the estimate, as pingouin does when handed those 9 rows:
    # pg.cronbach_alpha(data=data.dropna()) -> (0.8016949152542373, array([0.533, 0.947]))
    assert result.n_used == 9
    assert np.round(result.ci, 3).tolist() == [0.533, 0.947]
    complete = pd.DataFrame(binary_missing).dropna()
    reference_alpha, reference_ci = pingouin.cronbach_alpha(complete)
    assert result.alpha == pytest.approx(reference_alpha, abs=1e-12)
    assert np.round(result.ci, 3).tolist() == reference_ci.tolist()


def test_feldt_interval_follows_its_formula(likert_wide):
    # Feldt, Woodruff & Salih (1987): 1 - (1 - alpha) F quantiles, df n - 1 and (n - 1)(k - 1)
    result = one_scale(likert_wide, ci=0.90)
    n, k = likert_wide.shape
    upper_quantile = stats.f.ppf(0.95, n - 1, (n - 1) * (k - 1))
    lower_quantile = stats.f.ppf(0.05, n - 1, (n - 1) * (k - 1))
    assert result.ci[0] == pytest.approx(1 - (1 - result.alpha) * upper_quantile, abs=1e-12)
    assert result.ci[1] == pytest.approx(1 - (1 - result.alpha) * lower_quantile, abs=1e-12)


def test_r_psych_alpha_on_bfi():
    # psych::alpha(x = intermediate, check.keys = TRUE, warnings = FALSE), hcictools README:
    # $total raw_alpha 0.22, std.alpha 0.64 (printed to 2 decimals)
    result = one_scale(BFI_50, reversed_items=BFI_KEYS)
    assert result.alpha == pytest.approx(0.22, abs=0.005)
    assert result.standardized_alpha == pytest.approx(0.64, abs=0.005)
    assert result.n_used == 50


def test_r_psych_alpha_drop_on_bfi():
    # same call, "Possible drops?" table, alpha.drop raw_alpha and std.alpha (7 digits) for
    # A1- A2 A3 A4 A5 age
    raw_drop = [0.1088703, 0.1909211, 0.2014994, 0.2039064, 0.1579202, 0.6401512]
    standardized_drop = [0.5979811, 0.5791379, 0.5838783, 0.6541140, 0.4883062, 0.6735669]
    np.testing.assert_allclose(
        alpha_if_dropped(BFI_50, reversed_items=BFI_KEYS), raw_drop, rtol=0, atol=5e-8
    )
    for item, expected in enumerate(standardized_drop):
        others = np.delete(np.arange(6), item)
        result = one_scale(BFI_50[:, others], reversed_items=BFI_KEYS[others])
        assert result.standardized_alpha == pytest.approx(expected, abs=5e-8)


def test_r_psych_r_drop_on_bfi():
    # same call, "Item statistics" r.drop for A1- A2 A3 A4 A5 age (2 decimals)
    r_drop = [0.42, 0.22, 0.11, 0.09, 0.31, 0.18]
    np.testing.assert_allclose(
        item_rest_r(BFI_50, reversed_items=BFI_KEYS), r_drop, rtol=0, atol=0.005
    )


def test_reversing_through_keys_equals_recoding_first():
    recoded = BFI_50.copy()
    recoded[:, 0] = 7 - recoded[:, 0]  # bfi items run 1..6: x' = (1 + 6) - x
    keyed = one_scale(BFI_50, reversed_items=BFI_KEYS)
    result = one_scale(recoded)
    assert (result.alpha, result.standardized_alpha, *result.ci) == pytest.approx(
        (keyed.alpha, keyed.standardized_alpha, *keyed.ci)
    )
    assert (result.n_used, result.n_items) == (keyed.n_used, keyed.n_items)
    np.testing.assert_allclose(
        alpha_if_dropped(recoded), alpha_if_dropped(BFI_50, reversed_items=BFI_KEYS)
    )
    np.testing.assert_allclose(item_rest_r(recoded), item_rest_r(BFI_50, reversed_items=BFI_KEYS))


@pytest.mark.parametrize("missing", ["pairwise", "listwise"])
def test_matches_pingouin_on_survey_data_across_blocks(missing):
    answers = survey(3 * BLOCK_ROWS + 17, 12, 0.05, seed=4)
    expected, _ = pingouin.cronbach_alpha(pd.DataFrame(answers), nan_policy=missing)
    assert one_scale(answers, missing=missing).alpha == pytest.approx(expected, abs=1e-12)


def test_pairwise_covariances_match_pandas():
    # standardized alpha from R = cov2cor(C) with C = pandas' pairwise covariance (as psych)
    answers = survey(2000, 6, 0.2, seed=8)
    cov = pd.DataFrame(answers).cov().to_numpy()
    scale = np.sqrt(np.diag(cov))
    correlation_sum = (cov / np.outer(scale, scale)).sum()
    result = one_scale(answers)
    assert result.standardized_alpha == pytest.approx(1.2 * (1 - 6 / correlation_sum), abs=1e-12)
    assert result.alpha == pytest.approx(1.2 * (1 - np.trace(cov) / cov.sum()), abs=1e-12)


def test_float32_answers_give_float64_results():
    answers = survey(BLOCK_ROWS + 500, 8, 0.1, seed=9)
    for missing in ("pairwise", "listwise"):
        single = one_scale(answers.astype(np.float32), missing=missing)
        double = one_scale(answers, missing=missing)
        assert single.alpha == pytest.approx(double.alpha, abs=1e-13)
        assert single.standardized_alpha == pytest.approx(double.standardized_alpha, abs=1e-13)


def test_large_offsets_do_not_cost_precision():
    answers = survey(5000, 5, 0.1, seed=12)
    shifted = one_scale(answers + 1e8)
    assert shifted.alpha == pytest.approx(one_scale(answers).alpha, abs=1e-9)


def test_n_used_under_each_rule():
    answers = np.array(
        [
            [1.0, 2.0, 3.0],
            [2.0, NAN, 3.0],
            [NAN, NAN, NAN],  # answered nothing: used by neither rule
            [3.0, 3.0, 5.0],
            [4.0, 5.0, NAN],
        ]
    )
    assert one_scale(answers, missing="pairwise").n_used == 4
    assert one_scale(answers, missing="listwise").n_used == 2


@pytest.mark.parametrize("missing", ["pairwise", "listwise"])
def test_alpha_if_item_dropped_is_alpha_without_that_column(missing):
    answers = survey(800, 5, 0.0, seed=5)
    expected = [one_scale(np.delete(answers, item, axis=1)).alpha for item in range(5)]
    np.testing.assert_allclose(
        alpha_if_dropped(answers, missing=missing), expected, rtol=0, atol=1e-12
    )


def test_corrected_item_total_is_the_item_rest_correlation():
    answers = survey(800, 5, 0.0, seed=6)
    expected = [
        np.corrcoef(answers[:, item], np.delete(answers, item, axis=1).sum(axis=1))[0, 1]
        for item in range(5)
    ]
    np.testing.assert_allclose(item_rest_r(answers), expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("missing", ["pairwise", "listwise"])
def test_scale_reliability_equals_alpha_per_dimension(missing):
    answers = survey(BLOCK_ROWS + 999, 9, 0.08, seed=10)
    item_dimension = np.array([1, 0, 2, 0, 1, 0, 2, 2, 1])
    reversed_items = np.array([False, True, False, False, True, False, False, True, False])
    results = scale_reliability(
        answers, item_dimension, 3, missing=missing, ci=0.9, reversed_items=reversed_items
    )
    assert len(results) == 3
    for dimension, result in enumerate(results):
        items = item_dimension == dimension
        expected = one_scale(
            answers[:, items], missing=missing, ci=0.9, reversed_items=reversed_items[items]
        )
        assert result.n_used == expected.n_used
        assert result.alpha == pytest.approx(expected.alpha, abs=1e-12)
        assert result.standardized_alpha == pytest.approx(expected.standardized_alpha, abs=1e-12)
        np.testing.assert_allclose(result.ci, expected.ci, atol=1e-12)
        np.testing.assert_allclose(
            [dataclasses.astuple(item)[:2] for item in result.items],
            [dataclasses.astuple(item)[:2] for item in expected.items],
            rtol=0,
            atol=1e-12,
        )


def test_alpha_result_is_frozen(likert_wide):
    result = one_scale(likert_wide)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.alpha = 1.0


def undefined(result: AlphaResult) -> bool:
    return (
        np.isnan(result.alpha) and np.isnan(result.standardized_alpha) and np.isnan(result.ci).all()
    )


@pytest.mark.parametrize(
    ("answers", "missing", "reason", "n_used"),
    [
        (np.empty((0, 3)), "pairwise", "fewer than 2 respondents answered any item (n = 0)", 0),
        ([[1.0, 2.0, 3.0]], "pairwise", "fewer than 2 respondents answered any item (n = 1)", 1),
        (
            [[1.0, 2.0, 3.0], [2.0, NAN, 4.0], [3.0, 5.0, NAN]],
            "listwise",
            "fewer than 2 respondents answered every item (n = 1)",
            1,
        ),
        ([[1.0], [2.0], [3.0]], "pairwise", "alpha needs at least 2 items, got 1", 3),
        (
            [[1.0, NAN, 2.0], [2.0, NAN, 2.0], [3.0, NAN, 5.0]],
            "pairwise",
            "item 1 has fewer than 2 answers",
            3,
        ),
        (
            [[1.0, NAN, 2.0], [2.0, NAN, 2.0], [NAN, 3.0, 5.0], [NAN, 4.0, 1.0]],
            "pairwise",
            "items 0 and 1 were answered together by fewer than 2 respondents",
            4,
        ),
        (
            [[3.0, 3.0, 3.0], [3.0, 3.0, 3.0], [3.0, 3.0, 3.0]],
            "pairwise",
            "the total score has no variance",
            3,
        ),
    ],
)
def test_undefined_alpha_says_why(answers, missing, reason, n_used):
    result = one_scale(answers, missing=missing)
    assert undefined(result)
    assert result.undefined_reason == reason
    assert result.n_used == n_used


def test_a_constant_item_leaves_raw_alpha_but_not_standardized_alpha():
    answers = [[1.0, 4.0, 2.0], [2.0, 4.0, 3.0], [3.0, 4.0, 3.0], [4.0, 4.0, 5.0]]
    result = one_scale(answers)
    assert np.isfinite(result.alpha) and np.isfinite(result.ci).all()
    assert np.isnan(result.standardized_alpha)
    assert result.undefined_reason == "standardized alpha is undefined: item 1 has no variance"


def test_opposed_items_leave_standardized_alpha_undefined():
    # y = -2x: correlations sum to zero, so k / sum(R) has no value
    answers = [[1.0, -2.0], [2.0, -4.0], [3.0, -6.0]]
    result = one_scale(answers)
    assert result.alpha == pytest.approx(-8.0)  # 2 * (1 - (1 + 4) / (1 + 4 - 2 - 2))
    assert np.isnan(result.standardized_alpha)
    assert result.undefined_reason == (
        "standardized alpha is undefined: the standardized total score has no variance"
    )


@pytest.mark.parametrize(
    ("answers", "missing", "expected"),
    [
        (  # two items: without one, alpha would rest on the other alone; r is theirs,
            # np.corrcoef([1, 2, 3], [2, 3, 5])[0, 1] = 0.9819805060619656
            [[1.0, 2.0], [2.0, 3.0], [3.0, 5.0]],
            "pairwise",
            [(NAN, 0.9819805060619656, "alpha without it would rest on 1 item")] * 2,
        ),
        (  # the scale's own reason, for every item
            [[1.0, 2.0, 3.0]],
            "pairwise",
            [(NAN, NAN, "fewer than 2 respondents answered any item (n = 1)")] * 3,
        ),
        (  # items 1 and 2 are constant: item 0's rest score is constant, and without item 1
            # (or 2) alpha is 2 * (1 - var(x0) / var(x0)) = 0
            [[1.0, 5.0, 5.0], [2.0, 5.0, 5.0], [3.0, 5.0, 5.0]],
            "pairwise",
            [
                (NAN, NAN, "the other items' total score has no variance"),
                (0.0, NAN, "the item has no variance"),
                (0.0, NAN, "the item has no variance"),
            ],
        ),
        (  # a constant item (1): its r has no value, its removal does. Without item 0 or 2
            # alpha is 0 (the constant item adds no variance); their r is
            # np.corrcoef([1, 2, 3, 4], [2, 3, 3, 5])[0, 1] = 0.9233805168766388; without item 1
            # alpha is 2 * (1 - trace(c) / c.sum()) with c = np.cov([1, 2, 3, 4], [2, 3, 3, 5])
            [[1.0, 4.0, 2.0], [2.0, 4.0, 3.0], [3.0, 4.0, 3.0], [4.0, 4.0, 5.0]],
            "pairwise",
            [
                (0.0, 0.9233805168766388, None),
                (0.9599999999999997, NAN, "the item has no variance"),
                (0.0, 0.9233805168766388, None),
            ],
        ),
        (
            [[1.0, NAN], [2.0, NAN], [3.0, 1.0]],
            "listwise",
            [(NAN, NAN, "fewer than 2 respondents answered every item (n = 1)")] * 2,
        ),
    ],
)
def test_undefined_item_statistics_say_why(answers, missing, expected):
    items = one_scale(answers, missing=missing).items
    assert [item.undefined_reason for item in items] == [why for _, _, why in expected]
    np.testing.assert_allclose(
        [[item.alpha_if_dropped, item.corrected_item_total] for item in items],
        [[dropped, r] for dropped, r, _ in expected],
        rtol=0,
        atol=1e-12,
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: one_scale([[1.0, 2.0], [np.inf, 3.0]]),
            "value inf at row 1, column 0 is infinite; use NaN for a missing answer",
        ),
        (
            lambda: one_scale(np.r_[np.ones((BLOCK_ROWS, 2)), [[1.0, -np.inf]]]),
            f"value -inf at row {BLOCK_ROWS}, column 1 is infinite; use NaN for a missing answer",
        ),
        (
            lambda: one_scale([[1.0, 2.0], [2.0, 3.0]], missing="mean"),
            "missing must be 'pairwise' or 'listwise', got 'mean'",
        ),
        (
            lambda: one_scale([[1.0, 2.0], [2.0, 3.0]], ci=95),
            "ci must be between 0 and 1, got 95",
        ),
        (
            lambda: scale_reliability([1.0, 2.0], np.zeros(2, dtype=int), 1),
            "matrix must be two-dimensional (responses x columns), got 1-dimensional",
        ),
        (
            lambda: one_scale([[1.0, 2.0]], reversed_items=[True]),
            "reversed_items must be a boolean mask with one entry per item (2), "
            "got a bool array of shape (1,)",
        ),
        (
            lambda: scale_reliability([[1.0, 2.0]], np.array([0, 2]), 2),
            "item 1 has dimension code 2, expected 0 to 1",
        ),
    ],
)
def test_bad_input_raises_exact_messages(call, message):
    with pytest.raises(ValueError) as raised:
        call()
    assert str(raised.value) == message


@pytest.mark.parametrize("missing", ["pairwise", "listwise"])
@pytest.mark.parametrize(
    "answers",
    [
        [[1e308, 1.0], [1e308, 2.0], [-1e308, 3.0]],  # the column sums overflow
        [[1e200, 1.0], [-1e200, 2.0], [3.0, 3.0]],  # the sums of squares overflow
    ],
)
def test_answers_too_large_for_float64_raise(answers, missing):
    with pytest.raises(ValueError) as raised:
        one_scale(answers, missing=missing)
    assert str(raised.value) == "the answers are too large: their sums of squares overflow float64"


def test_scale_reliability_reports_a_one_item_dimension_as_undefined():
    answers = survey(100, 4, 0.0, seed=2)
    results = scale_reliability(answers, np.array([0, 0, 0, 1]), 2)
    assert results[0].undefined_reason is None
    assert results[1].undefined_reason == "alpha needs at least 2 items, got 1"
    assert undefined(results[1])


# Straight-liners: rounding must never pass for a variance. Layout of the rep questionnaire:
# 36 items, item i on dimension i % 6, three of each dimension's six reverse-keyed.
LAYOUT = np.tile(np.arange(6), 6)
LAYOUT_KEYS = np.tile(np.array([0, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0], dtype=bool), 3)
# 30 people's levels: each gives one answer to all 36 items. Before the relative tolerance,
# alpha of dimensions 2 to 5 came out as -1.2361604494437638e+16 on these.
LEVELS_30 = [6, 3, 4, 6, 1, 3, 1, 4, 7, 1, 3, 3, 7, 2, 4, 2, 1, 6, 1, 2, 4, 4, 1, 7, 6, 7, 1]
LEVELS_30 += [6, 3, 4]
OFFSETS_AND_STEPS = [(0.0, 1.0), (1e6, 1.0), (0.0, 0.1), (1e6, 0.1), (-7.3, 1 / 3)]


def no_huge_number(result: AlphaResult) -> bool:
    numbers = [result.alpha, result.standardized_alpha, *result.ci]
    numbers += [value for item in result.items for value in dataclasses.astuple(item)[:2]]
    return all(np.isnan(value) or abs(value) < 100 for value in numbers)


@pytest.mark.parametrize(("offset", "step"), OFFSETS_AND_STEPS)
@pytest.mark.parametrize("missing", ["pairwise", "listwise"])
def test_straight_liners_whose_keyed_items_cancel_have_no_alpha(offset, step, missing):
    # Each person's 36 answers are equal; with half of each dimension's items reverse-keyed,
    # every dimension's keyed total is the same for everyone.
    answers = np.repeat(offset + step * np.array(LEVELS_30, dtype=float)[:, None], 36, axis=1)
    results = scale_reliability(answers, LAYOUT, 6, missing=missing, reversed_items=LAYOUT_KEYS)
    for result in results:
        assert undefined(result)
        assert result.undefined_reason == "the total score has no variance"
        assert no_huge_number(result)
        # Without one item, the rest is that item's mirror: alpha -5 (6 items: 5/4 (1 - 5))
        # and item-rest r -1, both defined.
        for item in result.items:
            assert item.alpha_if_dropped == pytest.approx(-5.0)
            assert item.corrected_item_total == pytest.approx(-1.0)


@pytest.mark.parametrize(("offset", "step"), OFFSETS_AND_STEPS)
@pytest.mark.parametrize("n_people", [3, 31, 50, BLOCK_ROWS + 3])
def test_everyone_giving_the_same_answers_has_no_alpha(offset, step, n_people):
    answers = np.tile(offset + step * np.array([3.0, 3.0, 5.0, 1.0]), (n_people, 1))
    result = one_scale(answers)
    assert undefined(result)
    assert result.undefined_reason == "the total score has no variance"
    assert [item.undefined_reason for item in result.items] == [
        "the other items' total score has no variance"
    ] * 4
    assert no_huge_number(result)


@pytest.mark.parametrize(("offset", "step"), OFFSETS_AND_STEPS)
@pytest.mark.parametrize("n_people", [31, 50, 1000])
def test_recoded_straight_liners_have_no_alpha(offset, step, n_people):
    # Keyed already (a reversed item recoded to 8 - x): x, 8 - x, x, 8 - x sums to 16.
    levels = offset + step * np.resize(np.arange(1.0, 8.0), n_people)[:, None]
    answers = np.hstack([levels, 8 * step + 2 * offset - levels] * 2)
    result = one_scale(answers)
    assert undefined(result)
    assert result.undefined_reason == "the total score has no variance"
    assert no_huge_number(result)


@pytest.mark.parametrize(("offset", "step"), OFFSETS_AND_STEPS)
@pytest.mark.parametrize("n_people", [31, 50, 1000])
def test_straight_liners_leave_alpha_if_dropped_undefined_where_the_rest_cancels(
    offset, step, n_people
):
    # Five items, items 1 and 3 reverse-keyed: the total is x + constant, so alpha is defined
    # (5/4 (1 - 5) = -5); without item 0, 2 or 4 the rest is constant. Before the tolerance,
    # alpha without one of them came out near -1.6e16 (31 people, step 0.1).
    levels = offset + step * np.resize(np.arange(1.0, 8.0), n_people)[:, None]
    result = one_scale(
        np.repeat(levels, 5, axis=1), reversed_items=np.array([0, 1, 0, 1, 0], dtype=bool)
    )
    assert result.alpha == pytest.approx(-5.0)
    assert no_huge_number(result)
    for position, item in enumerate(result.items):
        if position % 2 == 0:
            assert np.isnan(item.alpha_if_dropped) and np.isnan(item.corrected_item_total)
            assert item.undefined_reason == "the other items' total score has no variance"
        else:
            assert item.alpha_if_dropped == pytest.approx(0.0, abs=1e-9)
            assert item.corrected_item_total == pytest.approx(-1.0)
            assert item.undefined_reason is None


@pytest.mark.parametrize(("offset", "step"), OFFSETS_AND_STEPS)
def test_opposed_items_far_from_zero_leave_standardized_alpha_undefined(offset, step):
    # y = -2x shifted: the correlations sum to zero, which rounding made about 1e-16 and
    # standardized alpha about -1.8e16 (offset 1e3 or -7.3, step 1).
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 3.0, 2.0, 5.0, 1.0])
    result = one_scale(np.column_stack([offset + step * x, offset - 2 * step * x]))
    assert result.alpha == pytest.approx(-8.0)
    assert np.isnan(result.standardized_alpha)
    assert result.undefined_reason == (
        "standardized alpha is undefined: the standardized total score has no variance"
    )
