"""Tests for analysis.scoring: keyed recoding, dimension scores, the index and the continuum."""

import numpy as np
import pytest

from analysis._validation import BLOCK_ROWS
from analysis.scoring import dimension_scores, mindset_index, position_on_continuum

NAN = np.nan

# Two dimensions on a 1..7 scale: items 0-2 form dimension 0, items 3-4 dimension 1; items 1
# and 4 are keyed towards the contractual pole.
ITEM_DIMENSION = np.array([0, 0, 0, 1, 1])
REVERSED = np.array([False, True, False, False, True])


def reference_scores(answers, item_dimension, n_dimensions, reversed_items, low, high, share):
    """Slow, obvious scoring: recode, then per dimension the mean of answered items or NaN."""
    keyed = np.where(reversed_items, low + high - answers, answers)
    scores = np.full((answers.shape[0], n_dimensions), np.nan)
    for dimension in range(n_dimensions):
        items = keyed[:, item_dimension == dimension]
        needed = np.ceil(share * items.shape[1] - 1e-9)
        for row, values in enumerate(items):
            answered = values[~np.isnan(values)]
            if answered.size >= needed:
                scores[row, dimension] = answered.mean()
    return scores


def random_answers(n_rows, n_items, missing_share, seed, dtype=np.float64):
    rng = np.random.default_rng(seed)
    answers = rng.integers(1, 8, size=(n_rows, n_items)).astype(dtype)
    answers[rng.random((n_rows, n_items)) < missing_share] = np.nan
    return answers


def test_dimension_scores_by_hand():
    answers = np.array(
        [
            [7.0, 1.0, 7.0, 7.0, 1.0],  # fully purpose-driven after keying
            [1.0, 7.0, 1.0, 1.0, 7.0],  # fully contractual after keying
            [2.0, 6.0, NAN, 5.0, NAN],  # dim 0: (2 + (8 - 6)) / 2; dim 1: 5 / 1
            [4.0, NAN, NAN, NAN, NAN],  # dim 0: 1 of 3 answered, needs 2; dim 1: none
        ]
    )
    scores = dimension_scores(answers, ITEM_DIMENSION, 2, REVERSED, 1, 7, 0.5)
    # share 0.5 asks for ceil(0.5 * 3) = 2 items of dimension 0, ceil(0.5 * 2) = 1 of dimension 1
    expected = np.array([[7.0, 7.0], [1.0, 1.0], [2.0, 5.0], [NAN, NAN]])
    np.testing.assert_array_equal(scores, expected)
    assert scores.dtype == np.float64


def test_a_higher_answer_on_a_reversed_item_lowers_the_score():
    agree = dimension_scores([[4.0, 7.0, 4.0, 4.0, 4.0]], ITEM_DIMENSION, 2, REVERSED, 1, 7, 1.0)
    disagree = dimension_scores([[4.0, 1.0, 4.0, 4.0, 4.0]], ITEM_DIMENSION, 2, REVERSED, 1, 7, 1.0)
    assert agree[0, 0] < disagree[0, 0]
    assert agree[0, 0] == 3.0  # (4 + (8 - 7) + 4) / 3
    assert disagree[0, 0] == 5.0  # (4 + (8 - 1) + 4) / 3


@pytest.mark.parametrize(("answered", "scored"), [(6, False), (7, True)])
def test_least_answered_share_counts_items_without_float_surprises(answered, scored):
    # 0.7 * 10 is 7.000000000000001 in floating point; the rule must still ask for 7 items.
    answers = np.full((1, 10), NAN)
    answers[0, :answered] = 5.0
    scores = dimension_scores(answers, np.zeros(10, dtype=int), 1, np.zeros(10, bool), 1, 7, 0.7)
    assert np.isnan(scores[0, 0]) != scored


def test_dimension_scores_match_the_obvious_computation_across_blocks():
    n_items = 30
    item_dimension = np.repeat(np.arange(6), 5)
    reversed_items = np.arange(n_items) % 2 == 1
    answers = random_answers(2 * BLOCK_ROWS + 123, n_items, 0.3, seed=7)
    scores = dimension_scores(answers, item_dimension, 6, reversed_items, 1, 7, 0.6)
    expected = reference_scores(answers, item_dimension, 6, reversed_items, 1, 7, 0.6)
    np.testing.assert_allclose(scores, expected, rtol=0, atol=1e-12)
    assert np.isnan(expected).any() and not np.isnan(expected).all()


def test_dimensions_need_not_be_contiguous_and_float32_scores_like_float64():
    item_dimension = np.array([2, 0, 1, 0, 2, 1, 1])
    reversed_items = np.array([True, False, False, True, False, True, False])
    answers = random_answers(500, 7, 0.2, seed=3)
    scores64 = dimension_scores(answers, item_dimension, 3, reversed_items, 1, 7, 0.5)
    scores32 = dimension_scores(
        answers.astype(np.float32), item_dimension, 3, reversed_items, 1, 7, 0.5
    )
    expected = reference_scores(answers, item_dimension, 3, reversed_items, 1, 7, 0.5)
    np.testing.assert_allclose(scores64, expected, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(scores32, scores64)


def test_other_scales_work_the_same_way():
    # A 0..4 scale: the reversed answer 1 counts as 4 - 1 = 3, so dimension 0 is (0 + 3 + 4) / 3.
    answers = [[0.0, 1.0, 4.0, 2.0, 2.0]]
    scores = dimension_scores(answers, ITEM_DIMENSION, 2, REVERSED, 0, 4, 1.0)
    np.testing.assert_allclose(scores, [[7 / 3, 2.0]])


def test_no_responses_give_no_scores_and_one_response_scores():
    empty = dimension_scores(np.empty((0, 5)), ITEM_DIMENSION, 2, REVERSED, 1, 7, 0.5)
    assert empty.shape == (0, 2)
    assert mindset_index(empty, 1, 7).shape == (0,)
    single = dimension_scores([[7.0, 1.0, 7.0, 7.0, 1.0]], ITEM_DIMENSION, 2, REVERSED, 1, 7, 0.5)
    assert single.tolist() == [[7.0, 7.0]]


def test_an_item_nobody_answered_only_narrows_its_dimension():
    answers = np.array([[5.0, 3.0, NAN, 6.0, 2.0], [1.0, 7.0, NAN, NAN, NAN]])
    scores = dimension_scores(answers, ITEM_DIMENSION, 2, REVERSED, 1, 7, 0.5)
    # row 0: (5 + (8 - 3)) / 2 and (6 + (8 - 2)) / 2; row 1: (1 + (8 - 7)) / 2, dimension 1 unmet
    np.testing.assert_array_equal(scores, [[5.0, 6.0], [1.0, NAN]])


@pytest.mark.parametrize(
    ("value", "shown"),
    [(8.0, "8.0"), (0.0, "0.0"), (2.5, "2.5"), (np.inf, "inf"), (-np.inf, "-inf")],
)
def test_answers_off_the_scale_are_named_with_their_row_and_column(value, shown):
    answers = random_answers(BLOCK_ROWS + 10, 5, 0.1, seed=5)
    answers[BLOCK_ROWS + 3, 4] = value  # in the second block of rows
    message = (
        f"value {shown} at row {BLOCK_ROWS + 3}, column 4 is off the scale: answers must be "
        "whole numbers from 1 to 7, or NaN when missing"
    )
    with pytest.raises(ValueError, match=f"^{message}$".replace(".", r"\.")):
        dimension_scores(answers, ITEM_DIMENSION, 2, REVERSED, 1, 7, 0.5)


def test_the_first_bad_value_is_reported():
    answers = np.array([[1.0, 2.0, 3.0, 4.0, 5.0], [9.0, 1.0, 1.0, 1.0, 0.5]])
    with pytest.raises(ValueError, match=r"^value 9\.0 at row 1, column 0 is off the scale"):
        dimension_scores(answers, ITEM_DIMENSION, 2, REVERSED, 1, 7, 0.5)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"matrix": [1.0, 2.0]},
            "matrix must be two-dimensional (responses x columns), got 1-dimensional",
        ),
        ({"matrix": np.empty((3, 0))}, "matrix has no columns"),
        (
            {"matrix": np.array([[1, None, 3, 4, 5]], dtype=object)},
            "matrix must hold numbers (NaN for missing), got dtype object",
        ),
        ({"scale_min": 7, "scale_max": 1}, "scale_min must be below scale_max, got 7 and 1"),
        ({"scale_min": 1.5}, "scale_min must be a whole number, got 1.5"),
        (
            {"reversed_items": np.array([0, 1, 0, 0, 1])},
            "reversed_items must be a boolean mask with one entry per item (5), "
            "got a int64 array of shape (5,)",
        ),
        (
            {"reversed_items": np.array([True, False])},
            "reversed_items must be a boolean mask with one entry per item (5), "
            "got a bool array of shape (2,)",
        ),
        (
            {"item_dimension": np.array([0, 0, 0, 1, 2])},
            "item 4 has dimension code 2, expected 0 to 1",
        ),
        (
            {"item_dimension": np.array([0.0, 0, 0, 1, 1])},
            "item_dimension must hold one integer dimension code per item (5), "
            "got a float64 array of shape (5,)",
        ),
        ({"item_dimension": np.array([0, 0, 0, 0, 0])}, "dimension 1 has no items"),
        ({"n_dimensions": 0}, "n_dimensions must be a positive whole number, got 0"),
        ({"min_answered_share": 0}, "min_answered_share must be above 0 and at most 1, got 0"),
        ({"min_answered_share": 1.5}, "min_answered_share must be above 0 and at most 1, got 1.5"),
        (
            {"min_answered_share": True},
            "min_answered_share must be above 0 and at most 1, got True",
        ),
    ],
)
def test_bad_arguments_raise_exact_messages(arguments, message):
    call = {
        "matrix": [[1.0, 2.0, 3.0, 4.0, 5.0]],
        "item_dimension": ITEM_DIMENSION,
        "n_dimensions": 2,
        "reversed_items": REVERSED,
        "scale_min": 1,
        "scale_max": 7,
        "min_answered_share": 0.5,
    } | arguments
    with pytest.raises(ValueError) as raised:
        dimension_scores(**call)
    assert str(raised.value) == message


def test_mindset_index_runs_from_contractual_to_purpose_driven():
    scores = np.array([[1.0, 1.0, 1.0], [7.0, 7.0, 7.0], [4.0, 4.0, 4.0], [1.0, 4.0, 7.0]])
    # 100 * (mean - 1) / 6: means 1, 7, 4, 4
    np.testing.assert_array_equal(mindset_index(scores, 1, 7), [0.0, 100.0, 50.0, 50.0])


def test_mindset_index_is_missing_unless_every_dimension_is_scored():
    scores = np.array([[7.0, NAN, 7.0], [NAN, NAN, NAN], [2.5, 5.5, 4.0]])
    index = mindset_index(scores, 1, 7)
    assert np.isnan(index[0]) and np.isnan(index[1])
    assert index[2] == pytest.approx(50.0)  # 100 * (4 - 1) / 6


def test_mindset_index_is_the_mean_position_of_the_dimensions():
    answers = random_answers(300, 5, 0.0, seed=11)
    scores = dimension_scores(answers, ITEM_DIMENSION, 2, REVERSED, 1, 7, 1.0)
    positions = position_on_continuum(scores, 1, 7)
    np.testing.assert_allclose(mindset_index(scores, 1, 7), positions.mean(axis=1), atol=1e-12)


def test_mindset_index_rejects_scores_off_the_scale():
    with pytest.raises(ValueError) as raised:
        mindset_index([[4.0, 4.0], [7.5, 4.0]], 1, 7)
    assert str(raised.value) == "score 7.5 at index (1, 0) is outside the scale 1 to 7"


def test_position_on_continuum_maps_the_scale_onto_0_to_100():
    assert position_on_continuum(1, 1, 7) == 0.0
    assert position_on_continuum(7, 1, 7) == 100.0
    assert position_on_continuum(5.5, 1, 7) == 75.0  # 100 * 4.5 / 6
    assert isinstance(position_on_continuum(4.0, 1, 7), float)
    positions = position_on_continuum(np.array([[1.0, 2.5], [NAN, 4.0]]), 1, 7)
    np.testing.assert_array_equal(positions, [[0.0, 25.0], [NAN, 50.0]])


@pytest.mark.parametrize(
    ("score", "message"),
    [
        (0.5, "score 0.5 is outside the scale 1 to 7"),
        ([4.0, 7.25], "score 7.25 at index 1 is outside the scale 1 to 7"),
        ([np.inf], "score inf at index 0 is outside the scale 1 to 7"),
    ],
)
def test_position_on_continuum_rejects_scores_off_the_scale(score, message):
    with pytest.raises(ValueError) as raised:
        position_on_continuum(score, 1, 7)
    assert str(raised.value) == message
