"""Word groups: pooling people's own words over a team tree so no view isolates anyone's.

Free text cannot be coarsened like a count: a step of words is either shown or not, and a
reader who sees two lists of words can subtract them. Statistical disclosure control protects
linked and hierarchical tables by publishing only unions of whole groups large enough on their
own, so that no difference of two published cells is a small group (Hundepool et al. 2012,
*Statistical Disclosure Control*, Wiley, the chapters on tabular data and linked tables). Here
the groups are a **tree partition**, so that every published union differs from every other by
whole blocks.

Bottom-up over the tree, each group pools the writers (people with at least one step of words)
of its own plus the leftovers of its children whose pools stayed below ``threshold``; a pool of
``threshold`` writers or more becomes a **block** owned by that group, and a smaller pool is
carried up to the parent. What is left at a top group is never shown. A group's **view** is the
union of the blocks owned in its subtree. Two subtrees are either nested or disjoint, so the
difference of any two views is a union of whole blocks, each of ``threshold`` writers or more.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from analysis.hierarchy import ancestor_chains, expand_to_ancestors


@dataclass(frozen=True)
class WordGroups:
    """Blocks of writers over groups ``0 .. G-1`` (numpy arrays).

    ``owner``: per writer, the group owning its block, -1 when left over at the top (never
    shown); ``block``: per group, the writers of the block it owns (0: none); ``view``: per
    group, the writers of its view (the blocks owned in its subtree); ``not_pooled``: per top
    group, the writers left over there (0 for the others).
    """

    owner: np.ndarray
    block: np.ndarray
    view: np.ndarray
    not_pooled: np.ndarray


def word_groups(parent_index: ArrayLike, writer_groups: ArrayLike, threshold: int) -> WordGroups:
    """Pool each writer (given by its own group) into the block of its nearest pooling group.

    >>> groups = word_groups([-1, 0, 0], [1, 1, 2, 2, 2, 0], 3)
    >>> groups.owner.tolist(), groups.block.tolist(), groups.view.tolist()
    ([0, 0, 2, 2, 2, 0], [3, 0, 3], [6, 0, 3])
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    parents = np.asarray(parent_index, dtype=np.int64)
    writers = np.asarray(writer_groups, dtype=np.int64)
    offsets, _ = ancestor_chains(parents)
    depth = offsets[1:] - offsets[:-1] - 1  # 0 for a top group
    n_groups = parents.size
    own = np.bincount(writers, minlength=n_groups)
    carried = np.zeros(n_groups, dtype=np.int64)
    pool = np.zeros(n_groups, dtype=np.int64)
    for level in range(int(depth.max(initial=-1)), -1, -1):  # children before parents
        at = np.flatnonzero(depth == level)
        pool[at] = own[at] + carried[at]
        up = at[(pool[at] < threshold) & (parents[at] >= 0)]
        np.add.at(carried, parents[up], pool[up])
    owns = pool >= threshold
    nearest = np.full(n_groups, -1, dtype=np.int64)  # nearest pooling group, itself or above
    for level in range(int(depth.max(initial=-1)) + 1):  # parents before children
        at = np.flatnonzero(depth == level)
        above = np.where(parents[at] >= 0, nearest[np.maximum(parents[at], 0)], -1)
        nearest[at] = np.where(owns[at], at, above)
    block = np.where(owns, pool, 0)
    rows, groups = expand_to_ancestors(np.arange(n_groups), parents)
    view = np.bincount(groups, weights=block[rows], minlength=n_groups).astype(np.int64)
    not_pooled = np.where((parents < 0) & ~owns, pool, 0)
    return WordGroups(nearest[writers], block, view, not_pooled)
