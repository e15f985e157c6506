"""Counting responses in their team and every team above it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.hierarchy import ancestor_chains, expand_to_ancestors


def test_chains_follow_parents_to_the_top():
    offsets, chains = ancestor_chains([-1, 0, 0, 1, -1])
    assert [chains[offsets[g] : offsets[g + 1]].tolist() for g in range(5)] == [
        [0],
        [1, 0],
        [2, 0],
        [3, 1, 0],
        [4],
    ]


def test_cycles_and_bad_codes_are_refused():
    with pytest.raises(ValueError, match="group 0 is part of a cycle"):
        ancestor_chains([1, 0])
    with pytest.raises(ValueError, match="outside -1"):
        ancestor_chains([-1, 5])
    with pytest.raises(ValueError, match="codes holds a group outside"):
        expand_to_ancestors([3], [-1, 0])


@st.composite
def trees_and_codes(draw):
    n_groups = draw(st.integers(1, 12))
    parents = [-1] + [draw(st.integers(-1, g - 1)) for g in range(1, n_groups)]
    codes = draw(st.lists(st.integers(0, n_groups - 1), max_size=40))
    return parents, codes


@given(trees_and_codes())
def test_each_group_counts_exactly_the_rows_of_its_subtree(tree):
    parents, codes = tree
    rows, groups = expand_to_ancestors(codes, parents)

    def inside(node, top):
        while node != -1:
            if node == top:
                return True
            node = parents[node]
        return False

    for group in range(len(parents)):
        expected = sorted(i for i, code in enumerate(codes) if inside(code, group))
        assert sorted(rows[groups == group].tolist()) == expected
    assert np.all(np.diff(rows) >= 0)
