"""Group trees: counting every response in its own group and in each group above it."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def ancestor_chains(parent_index: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Each group's chain of itself and its ancestors, in compressed (CSR) form.

    Parameters
    ----------
    parent_index : array_like of int
        The parent code of each group ``0 .. G-1``; -1 for a top-level group.

    Returns
    -------
    offsets, chains : numpy.ndarray
        ``chains[offsets[g]:offsets[g + 1]]`` lists ``g``, its parent, its grandparent ... up to
        the top.

    Examples
    --------
    >>> offsets, chains = ancestor_chains([-1, 0, 1])
    >>> chains[offsets[2]:offsets[3]].tolist()
    [2, 1, 0]
    """
    parents = np.asarray(parent_index, dtype=np.int64)
    if parents.ndim != 1:
        raise ValueError("parent_index must be one-dimensional")
    n_groups = parents.size
    if np.any((parents < -1) | (parents >= n_groups)):
        raise ValueError("parent_index holds a code outside -1 .. number of groups - 1")
    chains: list[list[int]] = []
    for group in range(n_groups):
        chain: list[int] = []
        node = group
        while node != -1:
            if len(chain) > n_groups:
                raise ValueError(f"group {group} is part of a cycle")
            chain.append(node)
            node = int(parents[node])
        chains.append(chain)
    lengths = np.array([len(chain) for chain in chains], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    flat = np.array([node for chain in chains for node in chain], dtype=np.int64)
    return offsets, flat


def expand_to_ancestors(codes: ArrayLike, parent_index: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Repeat each row once for its group and once for every group above it.

    With the result, per-group statistics (e.g. ``analysis.groups.group_summaries`` on
    ``values[rows]`` grouped by ``groups``) cover each group's whole subtree.

    Returns
    -------
    rows, groups : numpy.ndarray
        ``rows`` indexes the input rows; ``groups`` is the group each repeated row counts for.

    Examples
    --------
    >>> rows, groups = expand_to_ancestors([2, 0], [-1, 0, 1])
    >>> rows.tolist(), groups.tolist()
    ([0, 0, 0, 1], [2, 1, 0, 0])
    """
    codes = np.asarray(codes, dtype=np.int64)
    offsets, chains = ancestor_chains(parent_index)
    if codes.size and (codes.min() < 0 or codes.max() >= offsets.size - 1):
        raise ValueError("codes holds a group outside 0 .. number of groups - 1")
    lengths = (offsets[1:] - offsets[:-1])[codes]
    rows = np.repeat(np.arange(codes.size), lengths)
    firsts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    within = np.arange(rows.size) - firsts
    groups = chains[np.repeat(offsets[:-1][codes], lengths) + within]
    return rows, groups
