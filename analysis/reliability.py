"""Reliability of a scale: Cronbach's alpha with Feldt's interval, and per item the alpha if it
is dropped and its corrected item-total correlation.

:func:`scale_reliability` computes every statistic of every scale from that scale's covariance
matrix ``C``, accumulated in one pass over blocks of rows with an explicit missing-data rule:

- ``"pairwise"`` (the default, as in psych's ``alpha`` and pingouin's ``cronbach_alpha``): each
  covariance uses the respondents who answered both items, with means over those respondents
  (R's ``cov(use="pairwise")``); ``n_used`` counts respondents who answered any item.
- ``"listwise"``: only respondents who answered every item (R's ``use="complete.obs"``);
  ``n_used`` counts them.

Sums of products are accumulated on data shifted by a provisional column mean, which keeps the
one-pass formula ``(Sxy - Sx Sy / n) / (n - 1)`` accurate (Chan, Golub & LeVeque 1983). Items
are the matrix's columns and are named by their 0-based column index in messages. Pass
``reversed_items`` rather than recoding first: reversing an item only flips the sign of its
covariances (``C' = D C D``, ``D = diag(+-1)``, as psych does with ``keys``).

A variance that rounding alone could have produced is taken for zero (:data:`ROUNDOFF`): the
total of a group of straight-liners whose reverse-keyed items cancel their others is constant,
yet its variance comes out of floating point as a tiny positive number, and alpha as about
``-1e16``. Every variance tested here (an item's, the total's, the rest score's, and the sum of
correlations behind standardised alpha) is compared with the square of the scale of the data it
comes from, and a statistic that would divide by a variance at or below that share is NaN with
a reason.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NoReturn

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import fdtri

from analysis._validation import (
    BLOCK_ROWS,
    confidence_level,
    item_dimensions,
    one_blas_thread,
    response_matrix,
    reversed_mask,
)

MISSING_RULES = ("pairwise", "listwise")
TOO_LARGE = "the answers are too large: their sums of squares overflow float64"
NO_TOTAL_VARIANCE = "the total score has no variance"
NO_REST_VARIANCE = "the other items' total score has no variance"

ROUNDOFF = 1e-10
"""Share of a variance's scale below which the variance is taken for zero.

The scale of the variance of a sum of items ``S`` (one item, the total, or the rest score) is
``(sum_{i in S} s_i)^2``, with ``s_i`` the root mean square of item ``i``'s shifted answers
(at least its standard deviation; by Cauchy-Schwarz the sum's standard deviation is at most
``sum s_i``). The covariances' rounding errors are at most about ``n * 2.2e-16`` of that
(``n`` rows summed; blocked summation keeps it nearer ``sqrt(n) * 2.2e-16``), far below 1e-10
for any survey; while a total of whole-number answers on a 1-7 scale that is not constant has
a variance of at least about ``1 / n``, above 1e-10 of its scale (at most ``(6 k)^2``) for ``n``
up to millions of respondents. The same test, with ``s_i / sd_i`` in place of ``s_i``, applies
to the sum of the correlations.
"""


@dataclass(frozen=True)
class ItemStatistics:
    """One item of a scale: what the scale's alpha would be without it, and how it goes along
    with the other items.

    Attributes
    ----------
    alpha_if_dropped : float
        Raw alpha of the other ``k - 1`` items (psych's ``alpha.drop$raw_alpha``).
    corrected_item_total : float
        Correlation of the item with the total of the other items (item-rest correlation,
        psych's ``r.drop``).
    undefined_reason : str or None
        Why a number above is NaN; None when both are defined.
    """

    alpha_if_dropped: float
    corrected_item_total: float
    undefined_reason: str | None


@dataclass(frozen=True)
class AlphaResult:
    """Cronbach's alpha of one scale, with the statistics of each of its items.

    Attributes
    ----------
    alpha : float
        Raw alpha, from the covariances.
    standardized_alpha : float
        Alpha from the correlations (items standardised to unit variance).
    ci : tuple of float
        Feldt's confidence interval for ``alpha``.
    n_used : int
        Respondents behind the estimate under the ``missing`` rule (the n of the interval).
    n_items : int
        Items in the scale.
    missing : str
        ``"pairwise"`` or ``"listwise"``.
    undefined_reason : str or None
        Why a number above is NaN; None when all are defined.
    items : tuple of ItemStatistics
        One per item of the scale, in column order, from the same covariance matrix (and so
        the same respondents) as ``alpha``.
    """

    alpha: float
    standardized_alpha: float
    ci: tuple[float, float]
    n_used: int
    n_items: int
    missing: str
    undefined_reason: str | None
    items: tuple[ItemStatistics, ...] = ()


@dataclass(frozen=True)
class _Covariance:
    matrix: np.ndarray
    n_used: int
    undefined_reason: str | None
    scale: np.ndarray  # root mean square of each item's shifted answers (see ROUNDOFF)


def scale_reliability(
    matrix: ArrayLike,
    item_dimension: ArrayLike,
    n_dimensions: int,
    *,
    missing: str = "pairwise",
    ci: float = 0.95,
    reversed_items: ArrayLike | None = None,
) -> list[AlphaResult]:
    """Alpha of every dimension, and per item alpha if dropped and item-rest r, in one pass.

    Parameters
    ----------
    matrix : array_like
        Responses x items; NaN marks a missing answer.
    item_dimension : array_like of int
        The dimension (0 .. n_dimensions - 1) of each item; every dimension needs an item.
        A single scale is ``np.zeros(n_items, dtype=int)`` with ``n_dimensions=1``.
    n_dimensions : int
        Number of dimensions.
    missing : {"pairwise", "listwise"}
        Missing-data rule (see the module docstring).
    ci : float
        Confidence level of Feldt's interval, between 0 and 1.
    reversed_items : array_like of bool, optional
        One entry per item, True where the item is reverse-keyed and not yet recoded.

    Returns
    -------
    list of AlphaResult
        One per dimension, in dimension order, its ``items`` in column order. A number that
        cannot be computed is NaN and its ``undefined_reason`` says why: alpha when fewer than
        two items or two respondents are available, two items were never answered together by
        two respondents, or the total score has no variance; standardised alpha also when an
        item has no variance; an item's alpha if dropped when the other items are fewer than
        two or their total has no variance, its item-rest r when the item or that total has
        no variance.

    Notes
    -----
    Cronbach (1951), with ``k`` items and ``R = cov2cor(C)``::

        alpha = k / (k - 1) * (1 - trace(C) / sum(C))
        standardized_alpha = k / (k - 1) * (1 - k / sum(R))

    Feldt, Woodruff & Salih (1987), with ``F`` quantiles on ``n - 1`` and ``(n - 1)(k - 1)``
    degrees of freedom and ``g = 1 - ci``::

        ci = (1 - (1 - alpha) F(1 - g/2), 1 - (1 - alpha) F(g/2))

    Without item ``i`` the rest score has variance ``V_i = sum(C) - 2 sum_j C_ij + C_ii`` and
    the other items' variances sum to ``trace(C) - C_ii``, so from the same ``C``::

        alpha_if_dropped_i = (k - 1) / (k - 2) * (1 - (trace(C) - C_ii) / V_i)
        corrected_item_total_i = (sum_j C_ij - C_ii) / sqrt(C_ii * V_i)

    the latter the item-rest (corrected item-total) correlation of Nunnally & Bernstein (1994),
    Psychometric Theory, 3rd ed., computed as psych's ``alpha`` computes ``r.drop``.

    Matches pingouin 0.7 ``cronbach_alpha`` (which rounds its interval to 3 decimals) and
    psych's ``alpha`` (``raw_alpha``, ``std.alpha``, ``alpha.drop``, ``r.drop``).

    Examples
    --------
    >>> [scale] = scale_reliability([[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 5]], [0, 0, 0], 1)
    >>> round(scale.alpha, 4), scale.n_used
    (0.9825, 4)
    >>> [round(item.alpha_if_dropped, 4) for item in scale.items]
    [0.96, 1.0, 0.96]
    >>> [round(item.corrected_item_total, 4) for item in scale.items]
    [0.9812, 0.9234, 0.9812]
    """
    answers = response_matrix(matrix)
    rule = _missing_rule(missing)
    level = confidence_level(ci, "ci")
    codes = item_dimensions(item_dimension, answers.shape[1], n_dimensions)
    groups = [np.flatnonzero(codes == dimension) for dimension in range(n_dimensions)]
    return [
        _alpha_result(covariance, rule, level)
        for covariance in _covariances(answers, groups, rule, reversed_items)
    ]


def _no_variance(variance: np.ndarray | float, scale: np.ndarray | float) -> np.ndarray:
    """True where ``variance`` is no more than rounding could make of a zero (see ROUNDOFF)."""
    return np.asarray(variance <= ROUNDOFF * np.square(scale))


def _alpha_result(covariance: _Covariance, rule: str, level: float) -> AlphaResult:
    cov, n_used, scale = covariance.matrix, covariance.n_used, covariance.scale
    k = cov.shape[0]
    reason = covariance.undefined_reason
    if k < 2:
        reason = f"alpha needs at least 2 items, got {k}"
    items = _item_statistics(covariance, reason)
    if reason is None and _no_variance(cov.sum(), scale.sum()):
        reason = NO_TOTAL_VARIANCE
    if reason is not None:
        return AlphaResult(np.nan, np.nan, (np.nan, np.nan), n_used, k, rule, reason, items)

    alpha = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
    df1, df2 = n_used - 1, (n_used - 1) * (k - 1)
    tail = (1 - level) / 2
    interval = (  # fdtri: F quantiles without importing the much slower scipy.stats
        float(1 - (1 - alpha) * fdtri(df1, df2, 1 - tail)),
        float(1 - (1 - alpha) * fdtri(df1, df2, tail)),
    )
    variances = np.diag(cov)
    constant = _no_variance(variances, scale)
    if constant.any():
        item = int(np.flatnonzero(constant)[0])
        reason = f"standardized alpha is undefined: item {item} has no variance"
        return AlphaResult(float(alpha), np.nan, interval, n_used, k, rule, reason, items)
    sd = np.sqrt(variances)
    correlation_sum = (cov / np.outer(sd, sd)).sum()
    if _no_variance(correlation_sum, (scale / sd).sum()):
        reason = "standardized alpha is undefined: the standardized total score has no variance"
        return AlphaResult(float(alpha), np.nan, interval, n_used, k, rule, reason, items)
    standardized = k / (k - 1) * (1 - k / correlation_sum)
    return AlphaResult(float(alpha), float(standardized), interval, n_used, k, rule, None, items)


def _item_statistics(covariance: _Covariance, reason: str | None) -> tuple[ItemStatistics, ...]:
    """Alpha if dropped and item-rest r of each item, NaN with a reason where undefined."""
    cov, scale = covariance.matrix, covariance.scale
    k = cov.shape[0]
    if reason is not None:
        return tuple(ItemStatistics(np.nan, np.nan, reason) for _ in range(k))
    variances = np.diag(cov)
    row_sums = cov.sum(axis=1)
    rest_variance = cov.sum() - 2 * row_sums + variances
    no_rest = _no_variance(rest_variance, scale.sum() - scale)
    constant = _no_variance(variances, scale)
    with np.errstate(divide="ignore", invalid="ignore"):
        dropped = (k - 1) / max(k - 2, 1) * (1 - (np.trace(cov) - variances) / rest_variance)
        item_rest = (row_sums - variances) / np.sqrt(variances * rest_variance)
    items = []
    for item in range(k):
        if no_rest[item]:
            items.append(ItemStatistics(np.nan, np.nan, NO_REST_VARIANCE))
            continue
        why = []
        alpha_without = float(dropped[item])
        if k < 3:
            alpha_without = np.nan
            why.append(f"alpha without it would rest on {k - 1} item")
        r = float(item_rest[item])
        if constant[item]:
            r = np.nan
            why.append("the item has no variance")
        items.append(ItemStatistics(alpha_without, r, "; ".join(why) or None))
    return tuple(items)


def _missing_rule(missing: str) -> str:
    if missing not in MISSING_RULES:
        raise ValueError(f"missing must be 'pairwise' or 'listwise', got {missing!r}")
    return missing


def _covariances(
    answers: np.ndarray,
    groups: list[np.ndarray],
    rule: str,
    reversed_items: ArrayLike | None,
) -> list[_Covariance]:
    """Covariance matrix of each group of columns, keyed by ``reversed_items``."""
    accumulate = _pairwise if rule == "pairwise" else _listwise
    with one_blas_thread(), np.errstate(over="ignore", invalid="ignore"):  # ends in TOO_LARGE
        covariances = accumulate(answers, groups)
    if reversed_items is None:
        return covariances
    sign = np.where(reversed_mask(reversed_items, answers.shape[1]), -1.0, 1.0)
    return [
        _Covariance(
            c.matrix * np.outer(sign[cols], sign[cols]), c.n_used, c.undefined_reason, c.scale
        )
        for c, cols in zip(covariances, groups, strict=True)
    ]


def _pairwise(answers: np.ndarray, groups: list[np.ndarray]) -> list[_Covariance]:
    n_rows, k = answers.shape
    membership = np.zeros((k, len(groups)))
    for index, cols in enumerate(groups):
        membership[cols, index] = 1.0
    # With Y the shifted answers (0 where missing) and M the answered flags, Y'Y holds each
    # pair's sum of products, Y'M each item's sum over the pair's respondents, M'M the counts.
    pair_products, pair_sums, pairs = (np.zeros((k, k)) for _ in range(3))
    respondents = np.zeros(len(groups), dtype=np.int64)
    flags = np.empty((min(BLOCK_ROWS, n_rows), k))
    for shifted, column_sums, missing in _shifted_blocks(answers):
        if missing is None:
            pair_products += shifted.T @ shifted
            pair_sums += column_sums[:, None]
            pairs += shifted.shape[0]
            respondents += shifted.shape[0]
        else:
            np.copyto(shifted, 0.0, where=missing)
            answered = flags[: shifted.shape[0]]
            np.logical_not(missing, out=answered)
            pair_products += shifted.T @ shifted
            pair_sums += shifted.T @ answered
            pairs += answered.T @ answered
            respondents += np.count_nonzero(answered @ membership, axis=0)

    _check_finite(pair_products, pair_sums)
    enough = pairs >= 2
    cross = np.divide(pair_sums * pair_sums.T, pairs, out=np.zeros_like(pairs), where=enough)
    cov = np.divide(pair_products - cross, pairs - 1, out=np.full_like(pairs, np.nan), where=enough)
    counts = np.diag(pairs)
    squares = np.divide(
        np.diag(pair_products), counts - 1, out=np.full(k, np.nan), where=counts >= 2
    )
    scale = np.sqrt(squares)
    return [
        _Covariance(
            cov[np.ix_(cols, cols)],
            int(n_used),
            _pairwise_reason(pairs[np.ix_(cols, cols)], cols, int(n_used)),
            scale[cols],
        )
        for cols, n_used in zip(groups, respondents, strict=True)
    ]


def _pairwise_reason(pairs: np.ndarray, cols: np.ndarray, n_used: int) -> str | None:
    if n_used < 2:
        return f"fewer than 2 respondents answered any item (n = {n_used})"
    sparse_items = np.flatnonzero(np.diag(pairs) < 2)
    if sparse_items.size:
        return f"item {cols[sparse_items[0]]} has fewer than 2 answers"
    sparse_pairs = np.argwhere(pairs < 2)
    if sparse_pairs.size:
        first, second = cols[sparse_pairs[0]]
        return f"items {first} and {second} were answered together by fewer than 2 respondents"
    return None


def _listwise(answers: np.ndarray, groups: list[np.ndarray]) -> list[_Covariance]:
    selections = [_columns(cols) for cols in groups]
    products = [np.zeros((cols.size, cols.size)) for cols in groups]
    sums = [np.zeros(cols.size) for cols in groups]
    complete_rows = [0] * len(groups)
    for shifted, column_sums, missing in _shifted_blocks(answers):
        for index, columns in enumerate(selections):
            values, value_sums = shifted[:, columns], column_sums[columns]
            if missing is not None:  # keep the rows whose sum over the group is not NaN
                values = values[~np.isnan(values @ np.ones(values.shape[1]))]
                value_sums = np.ones(values.shape[0]) @ values
            products[index] += values.T @ values
            sums[index] += value_sums
            complete_rows[index] += values.shape[0]

    _check_finite(*products, *sums)
    covariances = []
    for product, total, n_used in zip(products, sums, complete_rows, strict=True):
        if n_used < 2:
            reason = f"fewer than 2 respondents answered every item (n = {n_used})"
            undefined = np.full_like(product, np.nan)
            covariances.append(_Covariance(undefined, n_used, reason, np.diag(undefined)))
        else:
            cov = (product - np.outer(total, total) / n_used) / (n_used - 1)
            scale = np.sqrt(np.diag(product) / (n_used - 1))
            covariances.append(_Covariance(cov, n_used, None, scale))
    return covariances


def _columns(cols: np.ndarray) -> slice | np.ndarray:
    """A slice (a view, no copy) when the columns are consecutive, else the index array."""
    if cols.size and (np.diff(cols) == 1).all():
        return slice(int(cols[0]), int(cols[-1]) + 1)
    return cols


def _shifted_blocks(
    answers: np.ndarray,
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray | None]]:
    """Walk ``answers`` in blocks of rows shifted by provisional column means.

    Yields ``(shifted, column_sums, missing)``: the block minus the means as float64, NaN where
    missing (a buffer reused by the next block, free to overwrite); its column sums, NaN for a
    column with a gap; and its missing cells, None when every cell is answered. Raises
    ``ValueError`` at the first infinite value.
    """
    n_rows, k = answers.shape
    shift = _provisional_means(answers)
    buffer = np.empty((min(BLOCK_ROWS, n_rows), k))
    ones = np.ones(buffer.shape[0])
    for start in range(0, n_rows, BLOCK_ROWS):
        block = answers[start : start + BLOCK_ROWS]
        shifted = buffer[: block.shape[0]]
        np.subtract(block, shift, out=shifted)
        column_sums = ones[: block.shape[0]] @ shifted  # not finite if a cell is NaN or infinite
        missing = None
        if not np.isfinite(column_sums).all():
            missing = np.isnan(block)
            if np.isinf(block).any():
                _raise_at_infinity(block, start)
        yield shifted, column_sums, missing


def _provisional_means(answers: np.ndarray) -> np.ndarray:
    """Column means of the first block; 0 for a column without answers there or too large.

    Any value near the mean serves as a shift, so these need no more precision than the dtype's.
    """
    block = answers[:BLOCK_ROWS]
    answered = ~np.isnan(block)
    with np.errstate(over="ignore", invalid="ignore"):
        sums = np.ones(block.shape[0]) @ np.where(answered, block, 0)
    counts = np.count_nonzero(answered, axis=0)
    means = np.divide(sums, counts, out=np.zeros(answers.shape[1]), where=counts > 0)
    return np.where(np.isfinite(means), means, 0.0)


def _raise_at_infinity(block: np.ndarray, start: int) -> NoReturn:
    row, column = np.argwhere(np.isinf(block))[0]
    raise ValueError(
        f"value {float(block[row, column])!r} at row {start + row}, column {column} is "
        "infinite; use NaN for a missing answer"
    )


def _check_finite(*sums: np.ndarray) -> None:
    if not all(np.isfinite(total).all() for total in sums):
        raise ValueError(TOO_LARGE)
