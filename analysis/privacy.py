"""Which group aggregates may be shown: minimum group size and complementary suppression.

A *cell* is one group in one wave. Its aggregate covers the group's whole subtree: the people
attached to the group itself (its *own* respondents) plus everyone in the groups below it. A
country's figure therefore includes its territories, and ``country - sum(territories)`` is the
figure of the people attached to the country directly.

Rule (Hundepool et al. 2012, *Statistical Disclosure Control*, Wiley, chapter 4: a threshold
rule for primary suppression, then secondary cell suppression in hierarchical tables):

1. *Primary suppression*: a cell with fewer than ``k`` answers is hidden ("fewer than 5 answers";
   a cell without answers is hidden as "no answers").
2. *Complementary suppression*: for every visible cell ``v`` let its *residual* be
   ``b(v) = n(v) - sum(n(u))`` over the visible cells ``u`` nearest below ``v`` (visible
   descendants with no visible cell between them and ``v``). It counts the people whose figure
   is exposed by subtracting those cells from ``v``: ``v``'s own respondents plus the part of every
   hidden child that no visible cell below covers. While ``0 < b(v) < k``, hide the cell with the
   fewest answers among the visible cells nearest below ``v`` whose residual is positive (the
   smallest visible "sibling" of the hidden part; its residual then joins ``b(v)``). When all of
   them have a residual of 0, hide the smallest of them, which brings the cells below it up to
   ``v``. Such a cell always exists, since ``n(v) >= k > b(v)``. Hiding a cell changes no residual
   but ``v``'s, so cells are treated once each, deepest first, and the result is the fixed point.

Guarantee
---------
After :func:`suppress`, every visible cell has ``n >= k`` and every visible cell's residual is
``0`` or ``>= k`` (the *residual invariant*). Consequence: any linear combination of visible cell
aggregates (counts, sums, means, SDs, binned counts, differences between waves or between a
parent and its children) depends on respondents only through sums over blocks of ``k`` or more.
A change between two waves is shown only when both cells are
(:meth:`Suppression.change_reason`); it is then a function of visible cells and adds nothing.

Proof. The visible cells of all waves form a laminar family of respondent sets: two subtrees of
one wave are nested or disjoint, and different waves hold different responses. For a visible
``v`` let its block ``B(v)`` be ``v``'s respondents outside the visible cells nearest below it;
``|B(v)| = b(v)``. By induction on height, every visible cell is the disjoint union of the blocks
of itself and its visible descendants, and ``B(v) = v - sum(u)`` is a combination of visible
cells, so the visible cells and the blocks span the same space. Blocks are pairwise disjoint
(``B(w)`` of a visible descendant ``w`` lies inside some ``u`` nearest below ``v``, which ``B(v)``
excludes), so their indicators are linearly independent: every combination of visible cells is a
unique combination of blocks. It weighs all members of a block alike, and a non-zero one weighs at
least one whole non-empty block, which by the invariant has ``k`` or more members. So no
combination isolates fewer than ``k`` respondents. The same holds for sums of squares, hence
for SDs.

Not covered (the caller must not show these, or must decide them separately): figures on sets
that are not whole cells, such as pooled waves, subgroups filtered by role or tenure, or the
matched subset of people who answered two waves (a paired change; showing its per-wave means next
to the wave totals exposes the unmatched remainder); non-linear statistics such as medians or
extremes of a block; and a block whose members all gave the same answer (a block of ``k`` people
who all sit in one bin reveals each one's bin). Decide per measure, on the counts that measure's
aggregate covers (a dimension may have fewer scored answers than the index), and apply one
decision to every page, since managers of different scopes can pool what they see.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from numbers import Integral

DEFAULT_K = 5
"""Minimum number of answers behind any figure that is shown."""
MIN_K = 3
"""The smallest ``k`` accepted: with two people, each can work out the other's answer."""

NO_ANSWERS = "no answers"
COMPLEMENTARY = "hidden so that a smaller group cannot be worked out"


def too_few_answers(k: int) -> str:
    """Return the reason given for a cell under the minimum size ``k``."""
    return f"fewer than {k} answers"


@dataclass(frozen=True)
class CellDecision:
    """Whether one group's aggregate in one wave may be shown.

    Attributes
    ----------
    n : int
        Answers in the group's subtree in that wave.
    own : int
        Answers attached to the group itself.
    visible : bool
        True when the aggregate may be shown.
    reason : str or None
        Why it is hidden; None when visible.
    """

    n: int
    own: int
    visible: bool
    reason: str | None


@dataclass(frozen=True)
class Suppression:
    """The decision for every (group, wave) cell, with the ``k`` it was made for."""

    k: int
    cells: Mapping[tuple[Hashable, Hashable], CellDecision]

    def decision(self, group: Hashable, wave: Hashable) -> CellDecision:
        """Return the decision for one cell; ValueError for a cell that was not decided."""
        try:
            return self.cells[(group, wave)]
        except KeyError:
            raise ValueError(f"no privacy decision for group {group!r} in wave {wave!r}") from None

    def change_reason(self, group: Hashable, wave_from: Hashable, wave_to: Hashable) -> str | None:
        """Return why a change between two waves may not be shown, or None when it may.

        A change computed from the two cells' aggregates (difference, Welch test, effect size)
        adds nothing to what the two visible cells show, so it inherits the guarantee. A paired
        change over the people who answered both waves is not covered.
        """
        for wave in (wave_from, wave_to):
            reason = self.decision(group, wave).reason
            if reason is not None:
                return f"{reason} in wave {wave}"
        return None


def suppress(
    parents: Mapping[Hashable, Hashable | None],
    own_counts: Mapping[tuple[Hashable, Hashable], int],
    k: int = DEFAULT_K,
) -> Suppression:
    """Decide, for every group in every wave, whether its aggregate may be shown.

    Parameters
    ----------
    parents : mapping
        Parent of every group; None for a top-level group.
    own_counts : mapping
        Answers attached to each group itself, keyed by ``(group, wave)``; a missing key is 0.
        The waves decided are those that appear in these keys.
    k : int, default 5
        Minimum number of answers behind any shown figure; at least 3.

    Returns
    -------
    Suppression
        One :class:`CellDecision` per (group, wave); see the module docstring for the rule and
        what it guarantees.

    Examples
    --------
    >>> parents = {"EU": None, "FR": "EU", "DE": "EU", "IT": "EU"}
    >>> own = {("FR", "w1"): 3, ("DE", "w1"): 6, ("IT", "w1"): 8}
    >>> result = suppress(parents, own)
    >>> [result.decision(g, "w1").reason for g in ("EU", "FR", "DE", "IT")]
    [None, 'fewer than 5 answers', 'hidden so that a smaller group cannot be worked out', None]
    """
    check_k(k)
    k = int(k)
    order = _top_down_order(parents)
    for (group, wave), count in own_counts.items():
        if group not in parents:
            raise ValueError(f"count given for unknown group {group!r} in wave {wave!r}")
        if isinstance(count, bool) or not isinstance(count, Integral) or count < 0:
            raise ValueError(
                f"count for group {group!r} in wave {wave!r} must be a non-negative integer, "
                f"got {count!r}"
            )
    waves = list(dict.fromkeys(wave for _, wave in own_counts))
    cells: dict[tuple[Hashable, Hashable], CellDecision] = {}
    for wave in waves:
        own = {group: int(own_counts.get((group, wave), 0)) for group in order}
        reasons = _suppress_wave(parents, order, own, k)
        totals = _subtree_totals(parents, order, own)
        for group in order:
            reason = reasons.get(group)
            cells[(group, wave)] = CellDecision(totals[group], own[group], reason is None, reason)
    return Suppression(k, cells)


def coarse_count(n: int, k: int) -> int | None:
    """Return a live count as it may be shown: rounded down to a multiple of ``k``, or None.

    While a wave is open only counts are shown, and only in steps of ``k``: a team appears once
    ``k`` of its people have answered, and its count moves only when ``k`` more have, so no two
    looks at the same page ever differ by fewer than ``k`` answers (the differencing attack of
    Hundepool et al. 2012, *Statistical Disclosure Control*, section 4.2, applied over time).

    Examples
    --------
    >>> [coarse_count(n, 5) for n in (0, 4, 5, 9, 10, 12)]
    [None, None, 5, 5, 10, 10]
    """
    check_k(k)
    if isinstance(n, bool) or not isinstance(n, Integral) or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    return None if n < k else (int(n) // k) * k


def check_k(k: int) -> None:
    """Raise ValueError unless ``k`` is an integer of at least :data:`MIN_K`."""
    if isinstance(k, bool) or not isinstance(k, Integral):
        raise ValueError(f"k must be an integer, got {k!r}")
    if k < MIN_K:
        raise ValueError(f"k must be at least {MIN_K}, got {k}")


def _top_down_order(parents: Mapping[Hashable, Hashable | None]) -> list[Hashable]:
    """Return the groups ordered by depth, so that every parent comes before its children."""
    for group, parent in parents.items():
        if parent is not None and parent not in parents:
            raise ValueError(f"group {group!r} has unknown parent {parent!r}")
    depth: dict[Hashable, int] = {}
    for start in parents:
        path: list[Hashable] = []
        node: Hashable | None = start
        while node is not None and node not in depth:
            if node in path:
                raise ValueError(f"the hierarchy has a cycle through group {node!r}")
            path.append(node)
            node = parents[node]
        base = -1 if node is None else depth[node]
        for offset, member in enumerate(reversed(path), start=1):
            depth[member] = base + offset
    return sorted(parents, key=lambda g: depth[g])


def _subtree_totals(
    parents: Mapping[Hashable, Hashable | None],
    order: list[Hashable],
    own: Mapping[Hashable, int],
) -> dict[Hashable, int]:
    totals = dict(own)
    for group in reversed(order):
        parent = parents[group]
        if parent is not None:
            totals[parent] += totals[group]
    return totals


def _suppress_wave(
    parents: Mapping[Hashable, Hashable | None],
    order: list[Hashable],
    own: Mapping[Hashable, int],
    k: int,
) -> dict[Hashable, str]:
    """Return the reason for every hidden group of one wave (``order``: parents first)."""
    totals = _subtree_totals(parents, order, own)
    reasons: dict[Hashable, str] = {
        g: NO_ANSWERS if totals[g] == 0 else too_few_answers(k) for g in order if totals[g] < k
    }
    # For each visible cell: the visible cells nearest below it, and its residual
    # b(v) = n(v) - sum of their n.
    below: dict[Hashable, set[Hashable]] = {g: set() for g in order if g not in reasons}
    for group in order:
        if group in reasons:
            continue
        ancestor = parents[group]
        while ancestor is not None and ancestor in reasons:
            ancestor = parents[ancestor]
        if ancestor is not None:
            below[ancestor].add(group)
    residual = {g: totals[g] - sum(totals[u] for u in below[g]) for g in below}

    for cell in reversed(order):
        while cell not in reasons and 0 < residual[cell] < k:
            hidden = min(below[cell], key=lambda u: (residual[u] == 0, totals[u], str(u)))
            reasons[hidden] = COMPLEMENTARY
            residual[cell] += residual.pop(hidden)
            grandchildren = below.pop(hidden)
            below[cell].discard(hidden)
            below[cell] |= grandchildren
    return reasons
