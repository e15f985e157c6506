"""Minimum group size and complementary suppression (analysis/privacy.py)."""

import numpy as np
import pytest

from analysis.privacy import (
    COMPLEMENTARY,
    NO_ANSWERS,
    suppress,
    too_few_answers,
)

EUROPE = {"EU": None, "FR": "EU", "DE": "EU", "IT": "EU"}


def reasons(result, wave="w1"):
    return {group: cell.reason for (group, w), cell in result.cells.items() if w == wave}


# Worked examples -------------------------------------------------------------------------------


def test_small_child_hides_smallest_visible_sibling():
    result = suppress(EUROPE, {("FR", "w1"): 3, ("DE", "w1"): 6, ("IT", "w1"): 8})
    assert reasons(result) == {
        "EU": None,
        "FR": "fewer than 5 answers",
        "DE": COMPLEMENTARY,
        "IT": None,
    }
    assert result.decision("EU", "w1").n == 17


def test_parents_own_remainder_counts_as_a_hidden_part():
    own = {("EU", "w1"): 2, ("FR", "w1"): 7, ("DE", "w1"): 6, ("IT", "w1"): 9}
    result = suppress(EUROPE, own)
    assert reasons(result) == {"EU": None, "FR": None, "DE": COMPLEMENTARY, "IT": None}
    assert result.decision("EU", "w1") == result.cells[("EU", "w1")]
    assert (result.decision("EU", "w1").n, result.decision("EU", "w1").own) == (24, 2)


def test_two_hidden_parts_that_sum_under_k_are_not_enough():
    parents = {"EU": None, "FR": "EU", "DE": "EU", "IT": "EU", "ES": "EU"}
    own = {("FR", "w1"): 1, ("DE", "w1"): 1, ("IT", "w1"): 10, ("ES", "w1"): 12}
    assert reasons(suppress(parents, own)) == {
        "EU": None,
        "FR": "fewer than 5 answers",
        "DE": "fewer than 5 answers",
        "IT": COMPLEMENTARY,
        "ES": None,
    }


def test_visible_grandchild_under_a_hidden_child_is_subtracted_too():
    # EU = FR + DE; FR (own 3) is hidden, but FR's child PAR (own 6) is visible, so
    # EU - DE - PAR would reveal FR's own 3 people: DE or PAR must go.
    parents = {"EU": None, "FR": "EU", "PAR": "FR", "DE": "EU"}
    own = {("FR", "w1"): 3, ("PAR", "w1"): 1, ("DE", "w1"): 7}
    result = suppress(parents, own, k=5)
    assert reasons(result)["FR"] == too_few_answers(5)
    assert reasons(result)["PAR"] == too_few_answers(5)
    assert reasons(result)["DE"] == COMPLEMENTARY
    parents = {"EU": None, "FR": "EU", "PAR": "FR", "LYO": "FR", "DE": "EU"}
    own = {("FR", "w1"): 0, ("PAR", "w1"): 6, ("LYO", "w1"): 2, ("DE", "w1"): 9}
    assert reasons(suppress(parents, own)) == {
        "EU": None,
        "FR": None,
        "PAR": COMPLEMENTARY,
        "LYO": too_few_answers(5),
        "DE": None,
    }


def test_cell_whose_children_cover_it_is_passed_through():
    # V's own 2 people are exposed by V - C; C's residual is 0 (C = C1 + C2), so hiding C alone
    # does not help: C and then its smaller child go, and V stays visible.
    parents = {"V": None, "C": "V", "C1": "C", "C2": "C"}
    own = {("V", "w1"): 2, ("C1", "w1"): 5, ("C2", "w1"): 6}
    assert reasons(suppress(parents, own)) == {
        "V": None,
        "C": COMPLEMENTARY,
        "C1": COMPLEMENTARY,
        "C2": None,
    }


def test_no_answers_and_waves_are_decided_separately():
    own = {("FR", "w1"): 3, ("DE", "w1"): 6, ("IT", "w1"): 8, ("FR", "w2"): 5, ("DE", "w2"): 5}
    result = suppress(EUROPE, own)
    assert reasons(result, "w2") == {"EU": None, "FR": None, "DE": None, "IT": NO_ANSWERS}
    assert result.change_reason("IT", "w1", "w2") == "no answers in wave w2"
    assert result.change_reason("FR", "w1", "w2") == "fewer than 5 answers in wave w1"
    assert result.change_reason("EU", "w1", "w2") is None


def test_numpy_integers_are_counts_too():
    own = {("FR", "w1"): np.int64(3), ("DE", "w1"): np.int64(6), ("IT", "w1"): np.int32(8)}
    result = suppress(EUROPE, own, k=np.int64(5))
    assert reasons(result)["DE"] == COMPLEMENTARY
    assert type(result.decision("EU", "w1").n) is int


def test_k_is_configurable_but_never_below_three():
    result = suppress(EUROPE, {("FR", "w1"): 3, ("DE", "w1"): 3, ("IT", "w1"): 4}, k=3)
    assert all(reason is None for reason in reasons(result).values())
    with pytest.raises(ValueError, match=r"^k must be at least 3, got 2$"):
        suppress(EUROPE, {}, k=2)
    with pytest.raises(ValueError, match=r"^k must be an integer, got 5\.0$"):
        suppress(EUROPE, {}, k=5.0)


@pytest.mark.parametrize(
    ("parents", "own", "message"),
    [
        ({"A": "B"}, {}, "group 'A' has unknown parent 'B'"),
        ({"A": "B", "B": "A"}, {}, "the hierarchy has a cycle through group 'A'"),
        ({"A": None}, {("Z", "w1"): 5}, "count given for unknown group 'Z' in wave 'w1'"),
        (
            {"A": None},
            {("A", "w1"): -1},
            "count for group 'A' in wave 'w1' must be a non-negative integer, got -1",
        ),
        (
            {"A": None},
            {("A", "w1"): 2.5},
            "count for group 'A' in wave 'w1' must be a non-negative integer, got 2.5",
        ),
    ],
)
def test_bad_input_is_refused_with_an_exact_message(parents, own, message):
    with pytest.raises(ValueError) as error:
        suppress(parents, own)
    assert str(error.value) == message


def test_empty_input_gives_an_empty_decision():
    result = suppress({}, {})
    assert result.cells == {}
    with pytest.raises(ValueError, match=r"^no privacy decision for group 'EU' in wave 'w1'$"):
        result.decision("EU", "w1")
