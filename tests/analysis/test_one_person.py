"""One person scored in plain Python gives the numpy scoring's numbers, to the last bit."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.one_person import one_person_scores
from analysis.scoring import dimension_scores, mindset_index, position_on_continuum


@st.composite
def people(draw):
    """A questionnaire's keying (every dimension has an item) and one person's answers."""
    n_dimensions = draw(st.integers(1, 7))
    extra = draw(st.lists(st.integers(0, n_dimensions - 1), max_size=40))
    item_dimension = [*range(n_dimensions), *extra]
    item_dimension = draw(st.permutations(item_dimension))
    n_items = len(item_dimension)
    low = draw(st.integers(0, 2))
    high = draw(st.integers(low + 1, low + 10))
    reversed_items = draw(st.lists(st.booleans(), min_size=n_items, max_size=n_items))
    answers = draw(st.lists(st.none() | st.integers(low, high), min_size=n_items, max_size=n_items))
    share = draw(st.sampled_from([0.1, 0.5, 0.6, 0.7, 2 / 3, 0.75, 1.0]))
    return answers, item_dimension, n_dimensions, reversed_items, low, high, share


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


@settings(max_examples=500, deadline=None)
@given(people())
def test_one_person_is_the_numpy_scoring_of_a_one_row_matrix(person):
    answers, item_dimension, n_dimensions, reversed_items, low, high, share = person
    row = np.array([[np.nan if value is None else value for value in answers]], dtype=np.float64)
    scores = dimension_scores(
        row, np.array(item_dimension), n_dimensions, np.array(reversed_items), low, high, share
    )
    index, positions = one_person_scores(
        answers, item_dimension, n_dimensions, reversed_items, low, high, share
    )
    assert _same(index, float(mindset_index(scores, low, high)[0]))
    expected = position_on_continuum(scores[0], low, high)
    assert len(positions) == n_dimensions
    assert all(_same(got, float(want)) for got, want in zip(positions, expected, strict=True))


@pytest.mark.parametrize("answer", [8, 0, True, 2.5])
def test_an_answer_off_the_scale_is_refused(answer):
    with pytest.raises(ValueError, match="item 1"):
        one_person_scores([4, answer], [0, 1], 2, [False, False], 1, 7, 0.5)
