"""Disclosure audit: can published group figures be combined to single out fewer than k people?

The survey publishes aggregates (counts, sums, means, SDs, binned counts) of *groups* of
responses: a team's subtree in one wave, the same subtree in an interim and in a final release,
perception groups of managers. Someone who keeps every published figure can add and subtract
them. Every such figure is a sum over the group's responses of some per-response value, so any
linear combination of published figures is ``sum_i w_i * value_i`` with ``w`` a linear
combination of the groups' indicator vectors. That combination *discloses* the responses in its
support ``{i : w_i != 0}``; the audit asks whether some non-zero combination has a support of
fewer than ``k`` responses (Hundepool et al. 2012, *Statistical Disclosure Control*, Wiley,
chapter 4: linked tables and disclosure by differencing, the problem secondary cell suppression
solves). A support of exactly ``k`` responses is fine. The combination need not be a set
difference: ``w = (2, -1)`` on two people counts as disclosing both.

Atoms
-----
Responses that belong to exactly the same published groups form an *atom*. Every combination of
group indicators gives all members of an atom the same weight, so the question lives in atom
space: an incidence matrix ``M`` (groups x atoms, 0/1) and the atoms' sizes ``s``. A disclosure
is a non-zero ``w`` in the row space of ``M`` with ``sum(s[a] for a in supp(w)) < k``.

Method
------
Supports of row-space vectors are the unions of the *cocircuits* of the column matroid of ``M``
(the minimal sets of columns whose removal lowers the rank), so the audit looks for a cocircuit
of weight below ``k`` (Oxley 2011, *Matroid Theory*, 2nd ed., Oxford University Press, section
2.1). It works per connected component of the group-atom graph (waves never share responses,
so each wave is searched on its own):

1. Identical columns are one atom (their sizes add up). An atom of ``k`` or more responses lies
   in no small support, so the search keeps to the space ``W`` of combinations that vanish on
   all such atoms: the cocircuits of the contraction ``M / big`` are the cocircuits of ``M``
   that avoid ``big`` (Oxley section 3.1). ``W`` is given by an orthonormal basis ``B``
   (``r`` rows) over the small atoms. Zero columns of ``B`` (atoms no combination in ``W``
   reaches) are dropped, parallel columns (atoms every combination weighs alike) merged, and
   merged atoms of ``k`` or more responses contracted in turn, until nothing changes.
2. A set ``S`` of atoms supports a non-zero vector of ``W`` exactly when the columns outside
   ``S`` have rank below ``r``; as the rows of ``B`` are orthonormal, when the largest
   eigenvalue of ``B[:, S]' B[:, S]`` is 1. Every disclosure reported passes this test.
3. The search keeps ``B`` in standard form ``[I | A]`` for a basis taken heaviest atoms first
   (Oxley sections 1.8 and 2.2). It grows a set ``S`` of atoms inside a wanted cocircuit ``C``
   and contracts the atoms ruled out: those of earlier branches and those heavier than the
   budget left, ``k - 1 - s(S)``. A cocircuit meets every basis and meets no circuit in exactly
   one element (Oxley section 2.1), so the first step branches on the basis atoms ``t_1 ..
   t_r`` (branch ``j`` puts ``t_j`` in ``C`` and rules out ``t_1 .. t_j-1``), and every later
   step on the fundamental circuit of an atom ``e`` of ``S``: ``C`` holds one of its other
   atoms. An atom joins ``S`` by leaving the basis; when its row has no other atom outside
   ``S``, that row's cocircuit lies in ``S``: a disclosure. A branch ends when an atom of ``S``
   is spanned by ruled-out atoms (no circuit through it is left to meet), or when circuits
   through ``e`` that avoid one another (found by moving each one's atoms out of the basis)
   need more weight than the budget left. Any fundamental cocircuit lighter than ``k`` is
   reported at once.

Every cocircuit of weight below ``k`` lies in some branch, so the search is exact: it returns
None only when no disclosure exists. Ranks and zero entries are decided in floating point with
a relative tolerance of 1e-9 (:data:`TOLERANCE`), far below the non-zero values that 0/1
matrices of this kind produce. The disclosure is then recomputed from the groups: one
combination ``y`` of groups and its weights ``w = y M``, reported on its support. That support
is minimal (a cocircuit), not necessarily the smallest one. :func:`protect` picks groups to
withhold until nothing under ``k`` is derivable.

Cost: the search is exponential in ``k`` at worst (finding a lightest cocircuit is NP-hard in
general), but releases of a tree leave little to search. 200 teams (depth up to 5) over 10
waves, each with an interim and a final release of the cells :func:`analysis.privacy.suppress`
shows, 100,000 responses and ``k = 5`` (3,250 atoms, 3,244 groups) are audited in about 0.1 s
once the atoms are built (about 0.6 s), and protected in a few seconds. Contrived structures
are slower: 200 groups forming a random 5-regular bipartite graph of single-response atoms,
with no disclosure under ``k = 5``, take several seconds.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from numbers import Integral
from typing import Generic, TypeVar

import numpy as np
from numpy.typing import ArrayLike
from scipy import linalg, sparse
from scipy.sparse import csgraph

from analysis._validation import one_blas_thread

TOLERANCE = 1e-9
"""Relative size under which a singular value, residual or coefficient counts as zero."""

PARALLEL = 1e-12
"""Columns whose unit vectors have a cosine within this of +-1 are merged as parallel. Strict
on purpose: leaving parallel columns apart only slows the search, merging others would not be
sound."""

PUBLISHED_DISCLOSE = "groups already published disclose fewer than k responses"


GroupT = TypeVar("GroupT", bound=Hashable)
"""What names a group in a :class:`Disclosure`: a row index, or a label."""


@dataclass(frozen=True)
class Disclosure(Generic[GroupT]):
    """A combination of published groups that singles out fewer than ``k`` responses.

    Attributes
    ----------
    atoms : tuple of int
        Atoms (columns of the incidence matrix) in the support of the combination, ascending.
    weights : tuple of float
        The combination's weight on each of those atoms, scaled so that the weight of smallest
        magnitude is +1.
    responses : int
        Responses in those atoms (below ``k``).
    groups : tuple
        Groups (row indices, or labels) with a non-zero coefficient in one
        combination that gives these weights.
    coefficients : tuple of float
        The coefficient of each of those groups.
    """

    atoms: tuple[int, ...]
    weights: tuple[float, ...]
    responses: int
    groups: tuple[GroupT, ...]
    coefficients: tuple[float, ...]


def find_disclosure(incidence: ArrayLike, sizes: ArrayLike, k: int) -> Disclosure[int] | None:
    """Find a combination of groups whose support holds fewer than ``k`` responses.

    Parameters
    ----------
    incidence : array_like
        Groups x atoms, bool or 0/1: which atoms each published group contains.
    sizes : array_like of int
        Responses in each atom, at least 1.
    k : int
        Minimum number of responses behind any derivable figure, at least 1.

    Returns
    -------
    Disclosure or None
        One disclosure (a minimal support, not necessarily the smallest), or None when no
        non-zero combination of the groups is supported on fewer than ``k`` responses. See the
        module docstring for the method.

    Examples
    --------
    A team of 5 in an interim release and of 6 in the final one: the difference is the sixth
    person.

    >>> found = find_disclosure([[1, 1], [1, 0]], [5, 1], k=5)
    >>> found.atoms, found.weights, found.responses, found.groups, found.coefficients
    ((1,), (1.0,), 1, (0, 1), (1.0, -1.0))
    >>> find_disclosure([[1, 1], [1, 0]], [5, 5], k=5) is None
    True
    """
    matrix, counts, k = _validated(incidence, sizes, k)
    with one_blas_thread():
        for rows, columns in _components(matrix):
            found = _component_disclosure(matrix[np.ix_(rows, columns)], counts[columns], k, None)
            if found is not None:
                return _global(found, rows, columns)
    return None


def protect(
    incidence: ArrayLike,
    sizes: ArrayLike,
    k: int,
    published: ArrayLike,
    order: ArrayLike | None = None,
) -> np.ndarray:
    """Choose groups to withhold so that nothing under ``k`` responses can be derived.

    Parameters
    ----------
    incidence, sizes, k
        As in :func:`find_disclosure`.
    published : array_like of bool
        One entry per group, True for groups already published: they are never withheld.
    order : array_like of int, optional
        Every group index once, in the order groups are preferred for withholding. Default:
        smallest total size first, then lowest index.

    Returns
    -------
    numpy.ndarray
        Bool mask of the groups to withhold. The groups kept pass :func:`find_disclosure`.

    Raises
    ------
    ValueError
        When the published groups alone disclose fewer than ``k`` responses, or on bad input.

    Notes
    -----
    Greedy, per connected component: find a disclosure among the groups kept so far; express
    it through independent kept groups taken in priority order (published groups first, then
    candidates in ``order``) until they give it; withhold the candidate that comes first in
    ``order`` among those with a non-zero coefficient. Such a candidate exists, since the
    published groups alone pass. Each step withholds one group, so the loop ends, and it ends
    only when :func:`find_disclosure` finds nothing. This is greedy secondary cell suppression
    (Hundepool et al. 2012, chapter 4): safe, but not promised to withhold the fewest groups.

    Examples
    --------
    The interim figure of a team of 5 is out; its final figure, 6, would expose the sixth.

    >>> protect([[1, 1], [1, 0]], [5, 1], k=5, published=[False, True]).tolist()
    [True, False]
    """
    matrix, counts, k = _validated(incidence, sizes, k)
    n_groups = matrix.shape[0]
    published = _group_mask(published, n_groups)
    position = _order_positions(order, matrix, counts)
    if find_disclosure(matrix[published], counts, k) is not None:
        raise ValueError(PUBLISHED_DISCLOSE)
    withheld = np.zeros(n_groups, dtype=bool)
    # Published groups first, then candidates in the order they are withheld.
    priority = np.where(published, -n_groups + np.arange(n_groups), position)
    work = list(_components(matrix))
    with one_blas_thread():
        _withhold(matrix, counts, k, published, position, priority, work, withheld)
    return withheld


def _withhold(
    matrix: np.ndarray,
    counts: np.ndarray,
    k: int,
    published: np.ndarray,
    position: np.ndarray,
    priority: np.ndarray,
    work: list[tuple[np.ndarray, np.ndarray]],
    withheld: np.ndarray,
) -> None:
    """The loop of :func:`protect`: mark groups in ``withheld`` until every component passes."""
    while work:
        rows, columns = work.pop()
        found = _component_disclosure(
            matrix[np.ix_(rows, columns)], counts[columns], k, priority[rows]
        )
        if found is None:
            continue
        used = rows[list(found.groups)]
        candidates = used[~published[used]]
        if not candidates.size:  # only through rounding: fall back on any candidate here
            candidates = rows[~published[rows]]
        if not candidates.size:
            raise ValueError(PUBLISHED_DISCLOSE)
        victim = candidates[np.argmin(position[candidates])]
        withheld[victim] = True
        rest = rows[rows != victim]
        work.extend(
            (rest[sub_rows], columns[sub_columns])
            for sub_rows, sub_columns in _components(matrix[np.ix_(rest, columns)])
        )


# Input checks ----------------------------------------------------------------------------------


def _validated(
    incidence: ArrayLike, sizes: ArrayLike, k: int
) -> tuple[np.ndarray, np.ndarray, int]:
    if isinstance(k, bool) or not isinstance(k, Integral):
        raise ValueError(f"k must be an integer, got {k!r}")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    matrix = np.asarray(incidence)
    if matrix.ndim != 2:
        raise ValueError(
            f"incidence must be two-dimensional (groups x atoms), got {matrix.ndim}-dimensional"
        )
    if matrix.dtype != bool and (
        matrix.dtype.kind not in "iuf" or not ((matrix == 0) | (matrix == 1)).all()
    ):
        raise ValueError("incidence must hold only 0 and 1 (or False and True)")
    counts = np.asarray(sizes)
    if counts.ndim != 1:
        raise ValueError(f"sizes must be one-dimensional, got {counts.ndim}-dimensional")
    if counts.size and (counts.dtype.kind not in "iu" or (counts < 1).any()):
        raise ValueError("sizes must hold positive integers")
    if counts.size != matrix.shape[1]:
        raise ValueError(
            f"sizes has {counts.size} entries, but incidence has {matrix.shape[1]} atoms (columns)"
        )
    return matrix.astype(bool), counts.astype(np.int64), int(k)


def _group_mask(published: ArrayLike, n_groups: int) -> np.ndarray:
    mask = np.asarray(published)
    if mask.dtype != bool or mask.shape != (n_groups,):
        raise ValueError(
            f"published must be a boolean mask with one entry per group ({n_groups}), "
            f"got a {mask.dtype} array of shape {mask.shape}"
        )
    return mask


def _order_positions(order: ArrayLike | None, matrix: np.ndarray, counts: np.ndarray) -> np.ndarray:
    n_groups = matrix.shape[0]
    if order is None:
        rows, columns = np.nonzero(matrix)
        totals = np.bincount(rows, weights=counts[columns], minlength=n_groups)
        order = np.lexsort((np.arange(n_groups), totals))
    ranked = np.asarray(order)
    if (
        ranked.shape != (n_groups,)
        or (ranked.size and ranked.dtype.kind not in "iu")
        or not np.array_equal(np.sort(ranked), np.arange(n_groups))
    ):
        raise ValueError(f"order must hold every group index from 0 to {n_groups - 1} once")
    position = np.empty(n_groups, dtype=np.int64)
    position[ranked.astype(np.int64)] = np.arange(n_groups)
    return position


# The search ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    """A disclosure inside one component: local atom and group indices."""

    atoms: np.ndarray
    weights: np.ndarray
    responses: int
    groups: np.ndarray
    coefficients: np.ndarray


def _global(found: _Found, rows: np.ndarray, columns: np.ndarray) -> Disclosure[int]:
    atoms = columns[found.atoms]
    by_atom = np.argsort(atoms)
    return Disclosure(
        atoms=tuple(int(a) for a in atoms[by_atom]),
        weights=tuple(float(w) for w in found.weights[by_atom]),
        responses=found.responses,
        groups=tuple(int(g) for g in rows[found.groups]),
        coefficients=tuple(float(c) for c in found.coefficients),
    )


def _components(matrix: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield (rows, columns) of each connected component of the group-atom graph with both."""
    n_rows, n_columns = matrix.shape
    if not matrix.any():
        return
    row_index, column_index = np.nonzero(matrix)
    graph = sparse.coo_matrix(
        (np.ones(row_index.size, dtype=np.int8), (row_index, n_rows + column_index)),
        shape=(n_rows + n_columns, n_rows + n_columns),
    )
    _, labels = csgraph.connected_components(graph, directed=False)
    row_labels, column_labels = labels[:n_rows], labels[n_rows:]
    for label in np.unique(labels[n_rows + column_index]):
        yield np.flatnonzero(row_labels == label), np.flatnonzero(column_labels == label)


def _component_disclosure(
    matrix: np.ndarray, counts: np.ndarray, k: int, priority: np.ndarray | None
) -> _Found | None:
    """Search one connected component (groups x atoms) for a disclosure."""
    if k <= 1:
        return None
    unique, inverse = _unique_columns(matrix)
    unique_counts = np.bincount(inverse, weights=counts, minlength=unique.shape[1])
    unique_counts = unique_counts.astype(np.int64)
    small = np.flatnonzero(unique_counts < k)
    if not small.size:
        return None
    big = np.flatnonzero(unique_counts >= k)
    dense = unique.astype(float)
    scale = np.sqrt(unique.sum())  # Frobenius norm, at least the largest singular value
    # W restricted to the small atoms: {y' M_small : y' M_big = 0}, the rows of M_small with
    # their part in the span of the big columns projected out.
    spanned = _column_basis(dense[:, big], scale)
    free = dense[:, small] - spanned @ (spanned.T @ dense[:, small])
    basis = _row_basis(free, scale)
    reduced = _reduce(basis, unique_counts[small], k)
    if reduced is None:
        return None
    contracted, simple, classes, weights = reduced
    support = _search(simple, weights, k - 1)
    if support is None:
        return None
    # The vector of W supported on the support's classes, over the small unique columns.
    members = np.concatenate([classes[e] for e in support])
    block = contracted[:, members]
    _, vectors = np.linalg.eigh(block.T @ block)
    values = np.zeros(unique.shape[1])
    values[small] = contracted.T @ (block @ vectors[:, -1])
    return _combination(matrix, counts, values[inverse], priority)


def _combination(
    matrix: np.ndarray, counts: np.ndarray, values: np.ndarray, priority: np.ndarray | None
) -> _Found:
    """Express ``values`` (a vector of the row space) through rows taken in priority order."""
    rows = matrix.astype(float)
    ranked = np.arange(rows.shape[0]) if priority is None else np.argsort(priority, kind="stable")
    chosen, solution = _spanning_rows(rows, ranked, values)
    weights = solution @ rows[chosen]
    support = np.flatnonzero(np.abs(weights) > TOLERANCE * np.abs(weights).max())
    pivot = support[np.argmin(np.abs(weights[support]))]
    scale = weights[pivot]
    weights, solution = weights / scale, solution / scale
    used = np.abs(solution) > TOLERANCE * np.abs(solution).max()
    order = np.argsort(chosen[used])
    return _Found(
        atoms=support,
        weights=_clean(weights[support]),
        responses=int(counts[support].sum()),
        groups=chosen[used][order],
        coefficients=_clean(solution[used][order]),
    )


def _clean(values: np.ndarray) -> np.ndarray:
    """Round away floating-point noise (and negative zeros) for reporting."""
    return np.round(values, 10) + 0.0


def _spanning_rows(
    rows: np.ndarray, ranked: np.ndarray, target: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Independent rows, taken in ``ranked`` order, until their span holds ``target``; and the
    coefficients that give ``target`` from them.

    Left-looking Cholesky of the rows' Gram matrix (whole numbers for 0/1 rows), carrying
    ``target`` along: a row is taken when its squared distance to the rows taken so far
    exceeds ``TOLERANCE`` times its squared norm, and the loop stops once the coefficients
    solved from the rows taken reproduce ``target``. The combination therefore avoids rows
    late in the order whenever earlier rows can give it.
    """
    ordered = rows[ranked]
    gram = ordered @ ordered.T
    along = ordered @ target
    target_squared = target @ target
    size = min(rows.shape)
    factor = np.zeros((len(ranked), size))
    target_factor = np.zeros(size)
    taken: list[int] = []
    for j in range(len(ranked)):
        c = len(taken)
        pivot = gram[j, j] - factor[j, :c] @ factor[j, :c]
        if pivot <= TOLERANCE * gram[j, j] or c == size:
            continue
        root = np.sqrt(pivot)
        factor[j + 1 :, c] = (gram[j + 1 :, j] - factor[j + 1 :, :c] @ factor[j, :c]) / root
        target_factor[c] = (along[j] - factor[j, :c] @ target_factor[:c]) / root
        factor[j, c] = root
        taken.append(j)
        left = target_squared - target_factor[: c + 1] @ target_factor[: c + 1]
        if left <= TOLERANCE * target_squared:
            chosen = ranked[taken]
            # Normal equations through the factor: L L' y = A target, L' y = target_factor.
            solution = linalg.solve_triangular(
                factor[taken, : c + 1], target_factor[: c + 1], trans="T", lower=True
            )
            if np.abs(solution @ rows[chosen] - target).max() <= 1e-6 * np.abs(target).max():
                return chosen, solution
    chosen = ranked[taken]
    q, r = np.linalg.qr(rows[chosen].T)
    return chosen, linalg.solve_triangular(r, q.T @ target)


def _unique_columns(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct columns of a bool matrix and, for each column, the index of its distinct one."""
    packed = np.ascontiguousarray(np.packbits(matrix, axis=0).T)
    keys = packed.view(np.dtype((np.void, packed.shape[1]))).reshape(-1)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return matrix[:, first], inverse.reshape(-1)


def _column_basis(matrix: np.ndarray, scale: float) -> np.ndarray:
    """Orthonormal basis (columns) of the column space of ``matrix`` by pivoted QR, whose
    diagonal under ``TOLERANCE * scale`` counts as zero."""
    if min(matrix.shape) == 0:
        return np.zeros((matrix.shape[0], 0))
    q, r, _ = linalg.qr(matrix, mode="economic", pivoting=True)
    return q[:, : _rank(np.abs(np.diag(r)), scale)]


def _null_space(matrix: np.ndarray, scale: float) -> np.ndarray:
    """Orthonormal basis (columns) of the null space of ``matrix``, whose entries are of the
    order of ``scale`` (singular values under ``TOLERANCE * scale`` count as zero)."""
    if matrix.shape[0] == 0:
        return np.eye(matrix.shape[1])
    _, singular, vt = linalg.svd(matrix, full_matrices=True)
    return vt[_rank(singular, scale) :].T


def _row_basis(matrix: np.ndarray, scale: float) -> np.ndarray:
    """Orthonormal basis (rows) of the row space of ``matrix``, as in `_null_space`."""
    if min(matrix.shape) == 0:
        return np.zeros((0, matrix.shape[1]))
    _, singular, vt = linalg.svd(matrix, full_matrices=False)
    return vt[: _rank(singular, scale)]


def _rank(singular: np.ndarray, scale: float) -> int:
    return int(np.count_nonzero(singular > TOLERANCE * scale))


def _reduce(
    basis: np.ndarray, counts: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray], np.ndarray] | None:
    """Drop loops, merge parallel columns and contract classes of ``k`` or more, repeatedly.

    Returns the contracted basis (over all columns), the basis over one representative column
    per class (re-orthonormalised), the classes (columns of ``basis``) and their weights; None
    when nothing small is reachable.
    """
    active = np.arange(basis.shape[1])
    while True:
        if basis.shape[0] == 0:
            return None
        norms = np.linalg.norm(basis[:, active], axis=0)
        keep = norms > TOLERANCE
        active, norms = active[keep], norms[keep]
        if not active.size:
            return None
        unit = basis[:, active] / norms
        parallel = np.abs(unit.T @ unit) > 1 - PARALLEL
        n_classes, labels = csgraph.connected_components(sparse.csr_matrix(parallel))
        weights = np.bincount(labels, weights=counts[active], minlength=n_classes)
        heavy = weights >= k
        if not heavy.any():
            break
        basis = _null_space(basis[:, active[heavy[labels]]].T, 1.0).T @ basis
        active = active[~heavy[labels]]
    classes = [active[labels == c] for c in range(n_classes)]
    representatives = np.array([members[0] for members in classes])
    simple = _row_basis(basis[:, representatives], 1.0)
    return basis, simple, classes, weights.astype(np.int64)


def _contains_cocircuit(basis: np.ndarray, chosen: Sequence[int]) -> bool:
    """True when some non-zero vector of the row space is supported inside ``chosen``."""
    block = basis[:, list(chosen)]
    return bool(np.linalg.eigvalsh(block.T @ block)[-1] > 1 - TOLERANCE)


class _Tableau:
    """Standard form ``[I | A]`` of a matroid: one row per basis element, one column per
    element. Contraction and deletion are row operations (Oxley 2011, section 2.2, chapter 3);
    dropped rows and columns are only marked, so copies stay cheap.

    The basis is kept *heavy first*: every element outside it is spanned by basis elements at
    least as heavy (a greedy basis, Oxley section 1.8), so contracting every element above a
    weight drops their rows and turns the lighter elements they span into loops, without any
    pivoting. Exchanges keep this where the pivot allows it; where not, contraction pivots.
    """

    def __init__(self, basis: np.ndarray, weights: np.ndarray) -> None:
        n_rows, n_elements = basis.shape
        table = basis.copy()
        zero = TOLERANCE * max(1.0, float(np.abs(table).max(initial=0.0)))
        self.weights = weights
        self.basis = np.full(n_rows, -1)  # element of each row
        self.position = np.full(n_elements, -1)  # row of each basis element, or -1
        self.rows = np.ones(n_rows, dtype=bool)  # rows still in the matroid
        self.alive = np.ones(n_elements, dtype=bool)  # neither contracted nor a loop
        self.table = table
        self.zero = zero
        # Gauss-Jordan elimination, taking columns heaviest first (partial pivoting on rows).
        free_rows = np.ones(n_rows, dtype=bool)
        for element in np.argsort(-weights, kind="stable"):
            entries = np.abs(table[:, element]) * free_rows
            row = int(np.argmax(entries))
            if entries[row] > zero:
                self.pivot(row, int(element))
                free_rows[row] = False
                if not free_rows.any():
                    break
        self.rows[free_rows] = False  # numerically zero rows: nothing to keep
        self.zero = TOLERANCE * max(1.0, float(np.abs(table).max(initial=0.0)))

    def copy(self) -> _Tableau:
        twin = _Tableau.__new__(_Tableau)
        twin.weights, twin.zero = self.weights, self.zero
        twin.table, twin.basis = self.table.copy(), self.basis.copy()
        twin.position, twin.rows, twin.alive = (
            self.position.copy(),
            self.rows.copy(),
            self.alive.copy(),
        )
        return twin

    def support(self, element: int) -> np.ndarray:
        """Basis elements with a non-zero entry in the element's column: with the element, its
        fundamental circuit."""
        rows = np.flatnonzero(self.rows & (np.abs(self.table[:, element]) > self.zero))
        return self.basis[rows]

    def pivot(self, row: int, element: int) -> None:
        table = self.table
        table[row] /= table[row, element]
        column = table[:, element].copy()
        column[row] = 0.0
        touched = np.flatnonzero(column)
        table[touched] -= np.outer(column[touched], table[row])
        table[touched, element] = 0.0
        if self.basis[row] >= 0:
            self.position[self.basis[row]] = -1
        self.basis[row] = element
        self.position[element] = row

    def contract(self, elements: Iterable[int]) -> None:
        """Contract the elements, then drop the elements that became loops."""
        for element in elements:
            row = int(self.position[element])
            if row < 0:
                rows = np.flatnonzero(self.rows & (np.abs(self.table[:, element]) > self.zero))
                if rows.size:
                    row = int(rows[np.argmax(np.abs(self.table[rows, element]))])
                    self.pivot(row, element)
            if row >= 0:
                self.rows[row] = False
                self.position[element] = -1
            self.alive[element] = False
        live = np.abs(self.table[self.rows][:, self.alive]) > self.zero
        self.alive[np.flatnonzero(self.alive)[~live.any(axis=0)]] = False

    def make_free(self, element: int, chosen: np.ndarray) -> bool:
        """Take ``element`` out of the basis, exchanging it with the heaviest usable unchosen
        element of its row; False when there is none: then the row's fundamental cocircuit
        lies inside ``chosen`` and ``element``."""
        row = int(self.position[element])
        if row < 0:
            return True
        entries = np.abs(self.table[row]) * (self.alive & ~chosen)
        entries[element] = 0.0
        largest = entries.max()
        if largest <= self.zero:
            return False
        usable = np.flatnonzero(entries >= 1e-3 * largest)
        other = usable[np.lexsort((-entries[usable], -self.weights[usable]))[0]]
        self.pivot(row, int(other))
        return True

    def light_cocircuits(self, budget: int) -> list[np.ndarray]:
        """Fundamental cocircuits (elements of one row) of total weight at most ``budget``."""
        live = np.flatnonzero(self.rows)
        alive = np.flatnonzero(self.alive)
        nonzero = np.abs(self.table[np.ix_(live, alive)]) > self.zero
        light = np.flatnonzero(nonzero @ self.weights[alive] <= budget)
        return [alive[nonzero[i]] for i in light]


def _packing(
    tableau: _Tableau, element: int, chosen: np.ndarray, left: int
) -> tuple[int, np.ndarray]:
    """Lower bound on the weight a cocircuit through ``element`` needs beyond ``chosen``, and
    the shortest circuit part found (elements one of which the cocircuit must contain).

    A cocircuit meets every circuit through ``element`` in another element too (Oxley 2011,
    section 2.1). Circuits found one after another, each avoiding the previous ones (their
    elements are moved out of the basis), need distinct elements: the sum of their lightest
    weights is a lower bound. Stops once it exceeds ``left`` or no further circuit exists.
    """
    weights = tableau.weights
    circuit = tableau.support(element)
    shortest, bound = circuit, 0
    avoided = chosen.copy()
    work = tableau.copy()
    while circuit.size:
        bound += int(weights[circuit].min())
        if len(circuit) < len(shortest):
            shortest = circuit
        if bound > left:
            break
        avoided[circuit] = True
        if not all(work.make_free(int(e), avoided) for e in circuit):
            break  # the remaining elements no longer span ``element``
        circuit = work.support(element)
    return bound, shortest


def _search(basis: np.ndarray, weights: np.ndarray, budget: int) -> list[int] | None:
    """Return a cocircuit of total weight at most ``budget``, or None when there is none.

    ``basis`` has orthonormal rows; its columns are the elements (no loops, no parallel
    pairs). See the module docstring for the branching.
    """
    n_elements = basis.shape[1]

    def confirmed(elements: Iterable[int]) -> list[int] | None:
        found = sorted({int(e) for e in elements})
        return found if _contains_cocircuit(basis, found) else None

    def node(tableau: _Tableau, chosen: list[int], left: int) -> list[int] | None:
        in_chosen = np.zeros(n_elements, dtype=bool)
        in_chosen[chosen] = True
        free = tableau.alive & ~in_chosen
        if chosen and not (free & (weights <= left)).any():
            return None  # ``chosen`` holds no cocircuit and nothing light enough can join it
        tableau.contract(np.flatnonzero(free & (weights > left)))
        if not tableau.alive[chosen].all():
            return None  # a chosen element is spanned by elements that cannot be removed
        # Any fundamental cocircuit light enough is a disclosure, whatever ``chosen`` is.
        for cocircuit in tableau.light_cocircuits(budget):
            if found := confirmed(cocircuit):
                return found
        if chosen:
            branch = None
            for element in chosen:
                bound, shortest = _packing(tableau, element, in_chosen, left)
                if bound > left:
                    return None
                if branch is None or len(shortest) < len(branch):
                    branch = shortest
            assert branch is not None  # ``chosen`` is not empty: the loop set it
        else:
            branch = tableau.basis[tableau.rows]
        for element in branch:
            element = int(element)
            child = tableau.copy()
            if child.make_free(element, in_chosen):
                found = node(child, [*chosen, element], left - int(weights[element]))
            else:  # its row's fundamental cocircuit lies inside ``chosen`` and ``element``
                found = confirmed([*chosen, element])
            if found:
                return found
            tableau.contract([element])  # later branches leave it out
            if not tableau.alive[chosen].all():
                return None
        return None

    found = node(_Tableau(basis, weights), [], budget)
    if found is None:
        return None
    minimal = list(found)
    for element in found:
        rest = [e for e in minimal if e != element]
        if rest and _contains_cocircuit(basis, rest):
            minimal = rest
    return minimal
