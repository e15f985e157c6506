"""Word groups: blocks of at least ``threshold`` writers, so no two views differ by fewer."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.hierarchy import ancestor_chains
from analysis.word_groups import word_groups


def test_small_teams_pool_into_their_parent():
    """Global(0) > North(1) > Oslo(2), Bergen(3); Global > South(4). Oslo's 2 and Bergen's 3
    writers stay below 4 and go up to North (0 + 2 + 3 = 5, a block); South's 5 are a block;
    Global's pool is empty. Views: Global 5 + 5 = 10, North 5, South 5."""
    writers = [2, 2, 3, 3, 3, 4, 4, 4, 4, 4]
    groups = word_groups([-1, 0, 1, 1, 0], writers, 4)
    assert groups.owner.tolist() == [1] * 5 + [4] * 5
    assert groups.block.tolist() == [0, 5, 0, 0, 5]
    assert groups.view.tolist() == [10, 5, 0, 0, 5]
    assert groups.not_pooled.tolist() == [0] * 5


def test_what_stays_below_the_threshold_at_the_top_is_not_pooled():
    """1 + 2 writers in the two children, 0 at the root: 3 < 4 all the way up."""
    groups = word_groups([-1, 0, 0], [1, 2, 2], 4)
    assert groups.owner.tolist() == [-1, -1, -1]
    assert groups.view.tolist() == [0, 0, 0]
    assert groups.not_pooled.tolist() == [3, 0, 0]


def test_a_chain_pools_where_it_first_reaches_the_threshold():
    """Chain 0 > 1 > 2 > 3 with 5, 1, 1, 2 own writers: 3 carries 2, 2 carries 1 + 2 = 3, 1
    pools 1 + 3 = 4 (a block), 0 pools its own 5 (a block). Views 0: 9, 1: 4."""
    writers = [0] * 5 + [1] + [2] + [3, 3]
    groups = word_groups([-1, 0, 1, 2], writers, 4)
    assert groups.block.tolist() == [5, 4, 0, 0]
    assert groups.view.tolist() == [9, 4, 0, 0]
    assert groups.owner.tolist() == [0] * 5 + [1, 1, 1, 1]


def test_every_top_team_pools_on_its_own():
    groups = word_groups([-1, -1], [0, 0, 0, 1], 3)
    assert groups.block.tolist() == [3, 0]
    assert groups.not_pooled.tolist() == [0, 1]


def test_no_writers_and_no_groups():
    assert word_groups([-1, 0], [], 2).view.tolist() == [0, 0]
    assert word_groups([], [], 2).owner.size == 0


def test_a_threshold_below_one_is_refused():
    with pytest.raises(ValueError, match="threshold"):
        word_groups([-1], [0], 0)


@st.composite
def forests(draw):
    """Parent codes (each parent earlier, or -1), writers by group, and a threshold."""
    size = draw(st.integers(1, 9))
    parents = [-1] + [draw(st.integers(-1, i - 1)) for i in range(1, size)]
    writers = draw(st.lists(st.integers(0, size - 1), max_size=40))
    return parents, writers, draw(st.integers(1, 6))


@settings(max_examples=300, deadline=None)
@given(forests())
def test_any_two_views_differ_by_whole_blocks_of_threshold_writers_or_more(forest):
    """Blocks partition the pooled writers; each has ``threshold`` or more; a writer's block is
    owned by its own group or one above; and for every pair of views, what one shows and the
    other does not is empty or ``threshold`` writers or more (one person's words never come
    out of a subtraction)."""
    parents, writers, threshold = forest
    groups = word_groups(parents, writers, threshold)
    offsets, chains = ancestor_chains(parents)
    chain = [set(chains[offsets[g] : offsets[g + 1]].tolist()) for g in range(len(parents))]
    owners = groups.owner
    for writer, owner in enumerate(owners.tolist()):
        assert owner == -1 or owner in chain[writers[writer]]
    sizes = np.bincount(owners[owners >= 0], minlength=len(parents))
    assert sizes.tolist() == groups.block.tolist()
    assert all(size == 0 or size >= threshold for size in sizes.tolist())
    assert groups.block.sum() + groups.not_pooled.sum() == len(writers)
    assert (groups.not_pooled < threshold).all()
    views = [
        {w for w, owner in enumerate(owners.tolist()) if owner >= 0 and g in chain[owner]}
        for g in range(len(parents))
    ]
    assert [len(view) for view in views] == groups.view.tolist()
    for a, b in itertools.permutations(range(len(parents)), 2):
        left = views[a] - views[b]
        assert not left or len(left) >= threshold, (a, b)
