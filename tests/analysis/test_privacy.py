"""Minimum group size and complementary suppression (analysis/privacy.py)."""

import random

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.privacy import (
    COMPLEMENTARY,
    NO_ANSWERS,
    filter_aggregates,
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


# filter_aggregates -----------------------------------------------------------------------------


def test_filter_aggregates_blanks_hidden_rows_and_says_why():
    result = suppress(EUROPE, {("FR", "w1"): 3, ("DE", "w1"): 6, ("IT", "w1"): 8})
    table = pd.DataFrame(
        {
            "group": ["EU", "FR", "DE", "IT"],
            "wave": ["w1"] * 4,
            "n": [17, 3, 6, 8],
            "mean": [61.0, 40.0, 55.5, 70.25],
        }
    )
    shown = filter_aggregates(table, result)
    assert shown["group"].tolist() == ["EU", "FR", "DE", "IT"]
    assert shown["n"].tolist() == [17, None, None, 8]
    assert shown["mean"].tolist() == [61.0, None, None, 70.25]
    assert shown["hidden_reason"].tolist() == [None, "fewer than 5 answers", COMPLEMENTARY, None]
    assert table["mean"].tolist() == [61.0, 40.0, 55.5, 70.25]
    kept_n = filter_aggregates(table, result, keep=("group", "wave", "n"))
    assert kept_n["n"].tolist() == [17, 3, 6, 8]


def test_filter_aggregates_refuses_counts_that_differ_from_the_decision():
    result = suppress(EUROPE, {("FR", "w1"): 3, ("DE", "w1"): 6, ("IT", "w1"): 8})
    table = pd.DataFrame({"group": ["DE"], "wave": ["w1"], "n": [5], "mean": [50.0]})
    with pytest.raises(ValueError) as error:
        filter_aggregates(table, result)
    assert str(error.value) == (
        "n for group 'DE' in wave 'w1' is 5, but the privacy decision was made on 6 answers"
    )
    with pytest.raises(ValueError, match=r"^table is missing columns: wave$"):
        filter_aggregates(table.drop(columns="wave"), result)
    with pytest.raises(ValueError, match=r"^no privacy decision for group 'DE' in wave 'w9'$"):
        filter_aggregates(table.assign(wave="w9"), result)


# Properties over random hierarchies ------------------------------------------------------------


@st.composite
def organisations(draw, max_groups=9):
    size = draw(st.integers(1, max_groups))
    parents = {}
    for i in range(size):
        parent = draw(st.integers(-1, i - 1))
        parents[f"g{i}"] = None if parent < 0 else f"g{parent}"
    waves = draw(st.sampled_from([["w1"], ["w1", "w2"]]))
    counts = st.one_of(st.integers(0, 4), st.integers(0, 15))
    own = {(group, wave): draw(counts) for group in parents for wave in waves}
    k = draw(st.integers(3, 7))
    return parents, own, k


def visible_combinations(parents, own, result):
    """Return the atoms (group, wave) with people in them and the projector onto the span of
    the visible cells, written as indicator rows over those atoms (a cell is the sum of the own
    answers of its subtree in its wave)."""
    atoms = [cell for cell, count in own.items() if count > 0]
    rows = []
    for (group, wave), decision in result.cells.items():
        if not decision.visible:
            continue
        row = []
        for member, member_wave in atoms:
            node = member
            while node is not None and node != group:
                node = parents[node]
            row.append(float(node == group and member_wave == wave))
        rows.append(row)
    if not rows or not atoms:
        return atoms, np.zeros((len(atoms), len(atoms)))
    u, singular, _ = np.linalg.svd(np.array(rows).T, full_matrices=False)
    basis = u[:, singular > 1e-9]
    return atoms, basis @ basis.T


@settings(max_examples=300, deadline=None)
@given(organisations())
def test_every_linear_combination_of_visible_cells_involves_k_or_more_people(organisation):
    # Checked with linear algebra, independently of how suppress() works: every vector r in the
    # span of the visible cells' indicator rows gives atoms a and b the same weight exactly when
    # the projector P has P(e_a - e_b) = 0. Atoms tied that way form classes; every class that the
    # span reaches (P e_a != 0) must hold k or more people.
    parents, own, k = organisation
    result = suppress(parents, own, k=k)
    atoms, projector = visible_combinations(parents, own, result)
    for a in range(len(atoms)):
        if np.abs(projector[:, a]).max() < 1e-9:
            continue
        tied = [
            b for b in range(len(atoms)) if np.abs(projector[:, a] - projector[:, b]).max() < 1e-9
        ]
        assert sum(own[atoms[b]] for b in tied) >= k


def sets_under(k, counts, start=0, chosen=(), total=0):
    """Yield every non-empty set of indices whose counts sum to less than k."""
    for i in range(start, len(counts)):
        if total + counts[i] < k:
            yield (*chosen, i)
            yield from sets_under(k, counts, i + 1, (*chosen, i), total + counts[i])


@settings(max_examples=300, deadline=None)
@given(organisations())
def test_no_group_under_k_can_be_worked_out_by_subtraction(organisation):
    # Brute force over every set of atoms with 1 .. k-1 people: its indicator must not lie in
    # the span of the visible cells (P 1_S != 1_S).
    parents, own, k = organisation
    result = suppress(parents, own, k=k)
    atoms, projector = visible_combinations(parents, own, result)
    for subset in sets_under(k, [own[atom] for atom in atoms]):
        indicator = np.zeros(len(atoms))
        indicator[list(subset)] = 1.0
        assert np.abs(projector @ indicator - indicator).max() > 1e-9


@settings(max_examples=200, deadline=None)
@given(organisations())
def test_reasons_follow_the_rule(organisation):
    parents, own, k = organisation
    result = suppress(parents, own, k=k)
    for decision in result.cells.values():
        if decision.visible:
            assert decision.n >= k and decision.reason is None
        elif decision.n == 0:
            assert decision.reason == NO_ANSWERS
        elif decision.n < k:
            assert decision.reason == too_few_answers(k)
        else:
            assert decision.reason == COMPLEMENTARY


@settings(max_examples=200, deadline=None)
@given(organisations(), st.randoms(use_true_random=False))
def test_the_decision_does_not_depend_on_the_order_groups_are_listed_in(organisation, rng):
    parents, own, k = organisation
    shuffled = list(parents.items())
    rng.shuffle(shuffled)
    assert suppress(dict(shuffled), own, k=k) == suppress(parents, own, k=k)


@settings(max_examples=200, deadline=None)
@given(organisations(), st.integers(3, 7))
def test_nothing_is_hidden_when_every_own_count_is_zero_or_at_least_k(organisation, k):
    parents, own, _ = organisation
    rounded = {cell: 0 if count < k else count for cell, count in own.items()}
    result = suppress(parents, rounded, k=k)
    assert all(d.visible or d.reason == NO_ANSWERS for d in result.cells.values())


def test_a_large_organisation_is_decided():
    rng = random.Random(7)
    parents = {"g0": None} | {f"g{i}": f"g{rng.randrange(i)}" for i in range(1, 2000)}
    own = {(f"g{i}", wave): rng.randrange(12) for i in range(2000) for wave in ("w1", "w2")}
    result = suppress(parents, own)
    assert len(result.cells) == 4000
    assert result.decision("g0", "w1").n == sum(c for (_, w), c in own.items() if w == "w1")
