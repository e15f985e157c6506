"""Reliability: Cronbach's alpha with Feldt's interval, alpha if an item is dropped, item-rest r.

Every statistic comes from the items' covariance matrix ``C``, computed in one pass over blocks
of rows with an explicit missing-data rule:

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


@dataclass(frozen=True)
class AlphaResult:
    """Cronbach's alpha of one scale.

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
    """

    alpha: float
    standardized_alpha: float
    ci: tuple[float, float]
    n_used: int
    n_items: int
    missing: str
    undefined_reason: str | None


@dataclass(frozen=True)
class _Covariance:
    matrix: np.ndarray
    n_used: int
    undefined_reason: str | None


def cronbach_alpha(
    matrix: ArrayLike,
    *,
    missing: str = "pairwise",
    ci: float = 0.95,
    reversed_items: ArrayLike | None = None,
) -> AlphaResult:
    """Cronbach's alpha, raw and standardised, with Feldt's confidence interval.

    Parameters
    ----------
    matrix : array_like
        Responses x items; NaN marks a missing answer.
    missing : {"pairwise", "listwise"}
        Missing-data rule (see the module docstring).
    ci : float
        Confidence level of the interval, between 0 and 1.
    reversed_items : array_like of bool, optional
        One entry per item, True where the item is reverse-keyed and not yet recoded.

    Returns
    -------
    AlphaResult
        With ``undefined_reason`` set, and NaN numbers, when fewer than two items or two
        respondents are available, two items were never answered together by two
        respondents, or the total score has no variance. A zero-variance item leaves raw alpha
        defined but makes standardised alpha undefined.

    Notes
    -----
    Cronbach (1951)::

        alpha = k / (k - 1) * (1 - trace(C) / sum(C))
        standardized_alpha = k / (k - 1) * (1 - k / sum(R)),  R = cov2cor(C)

    Feldt, Woodruff & Salih (1987), with ``F`` quantiles on ``n - 1`` and ``(n - 1)(k - 1)``
    degrees of freedom and ``g = 1 - ci``::

        ci = (1 - (1 - alpha) F(1 - g/2), 1 - (1 - alpha) F(g/2))

    Matches pingouin 0.7 ``cronbach_alpha`` (which rounds its interval to 3 decimals) and
    psych's ``alpha`` (``raw_alpha``, ``std.alpha``).

    Examples
    --------
    >>> result = cronbach_alpha([[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 5]])
    >>> round(result.alpha, 4), result.n_used
    (0.9825, 4)
    """
    answers = response_matrix(matrix)
    rule = _missing_rule(missing)
    level = confidence_level(ci, "ci")
    [covariance] = _covariances(answers, [np.arange(answers.shape[1])], rule, reversed_items)
    return _alpha_result(covariance, rule, level)


def alpha_if_item_dropped(
    matrix: ArrayLike,
    *,
    missing: str = "pairwise",
    reversed_items: ArrayLike | None = None,
) -> np.ndarray:
    """Raw alpha of the scale without each item in turn (psych's ``alpha.drop$raw_alpha``).

    Parameters
    ----------
    matrix, missing, reversed_items
        As in `cronbach_alpha`.

    Returns
    -------
    numpy.ndarray
        One alpha per item: the alpha of the other ``k - 1`` items, from the same covariance
        matrix (and so the same respondents) as the full scale's alpha.

    Raises
    ------
    ValueError
        With fewer than 3 items, when the covariances are undefined, or when the other items'
        total score has no variance.

    Notes
    -----
    Removing item ``i`` from ``C`` gives ``sum(C_-i) = sum(C) - 2 sum_j C_ij + C_ii`` and
    ``trace(C_-i) = trace(C) - C_ii``, so all ``k`` alphas come from one matrix (Cronbach
    1951, applied as in psych's ``alpha``).

    Examples
    --------
    >>> alpha_if_item_dropped([[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 5]]).round(4).tolist()
    [0.96, 1.0, 0.96]
    """
    cov = _defined_covariance(matrix, missing, reversed_items, "alpha if an item is dropped", 3)
    k = cov.shape[0]
    rest_variance = _rest_variance(cov)
    if (rest_variance <= 0).any():
        item = int(np.flatnonzero(rest_variance <= 0)[0])
        raise ValueError(
            f"alpha without item {item} is undefined: the other items' total score has no variance"
        )
    rest_trace = np.trace(cov) - np.diag(cov)
    return (k - 1) / (k - 2) * (1 - rest_trace / rest_variance)


def corrected_item_total(
    matrix: ArrayLike,
    *,
    missing: str = "pairwise",
    reversed_items: ArrayLike | None = None,
) -> np.ndarray:
    """Correlation of each item with the total of the other items (psych's ``r.drop``).

    Parameters
    ----------
    matrix, missing, reversed_items
        As in `cronbach_alpha`.

    Returns
    -------
    numpy.ndarray
        One corrected item-total correlation per item.

    Raises
    ------
    ValueError
        With fewer than 2 items, when the covariances are undefined, or when an item or the
        total of the other items has no variance.

    Notes
    -----
    ``r_i = (sum_j C_ij - C_ii) / sqrt(C_ii (sum(C) - 2 sum_j C_ij + C_ii))``, the item-rest
    correlation of Nunnally & Bernstein (1994), computed from ``C`` as psych's ``alpha`` does.

    Examples
    --------
    >>> corrected_item_total([[1, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 5]]).round(4).tolist()
    [0.9812, 0.9234, 0.9812]
    """
    cov = _defined_covariance(
        matrix, missing, reversed_items, "the corrected item-total correlation", 2
    )
    variances = np.diag(cov)
    if (variances <= 0).any():
        item = int(np.flatnonzero(variances <= 0)[0])
        raise ValueError(
            f"item {item} has no variance, so its correlation with the other items is undefined"
        )
    rest_variance = _rest_variance(cov)
    if (rest_variance <= 0).any():
        item = int(np.flatnonzero(rest_variance <= 0)[0])
        raise ValueError(
            f"the items other than item {item} have a total score without variance, "
            "so its correlation with them is undefined"
        )
    return (cov.sum(axis=1) - variances) / np.sqrt(variances * rest_variance)


def scale_reliability(
    matrix: ArrayLike,
    item_dimension: ArrayLike,
    n_dimensions: int,
    *,
    missing: str = "pairwise",
    ci: float = 0.95,
    reversed_items: ArrayLike | None = None,
) -> list[AlphaResult]:
    """Cronbach's alpha of every dimension, in one pass over the matrix.

    Parameters
    ----------
    matrix : array_like
        Responses x items; NaN marks a missing answer.
    item_dimension : array_like of int
        The dimension (0 .. n_dimensions - 1) of each item; every dimension needs an item.
    n_dimensions : int
        Number of dimensions.
    missing, ci, reversed_items
        As in `cronbach_alpha`.

    Returns
    -------
    list of AlphaResult
        One per dimension, in dimension order; each equals `cronbach_alpha` on that
        dimension's columns.
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


def _alpha_result(covariance: _Covariance, rule: str, level: float) -> AlphaResult:
    cov, n_used = covariance.matrix, covariance.n_used
    k = cov.shape[0]
    reason = covariance.undefined_reason
    if k < 2:
        reason = f"alpha needs at least 2 items, got {k}"
    elif reason is None and cov.sum() <= 0:
        reason = "the total score has no variance"
    if reason is not None:
        return AlphaResult(np.nan, np.nan, (np.nan, np.nan), n_used, k, rule, reason)

    alpha = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
    df1, df2 = n_used - 1, (n_used - 1) * (k - 1)
    tail = (1 - level) / 2
    interval = (  # fdtri: F quantiles without importing the much slower scipy.stats
        float(1 - (1 - alpha) * fdtri(df1, df2, 1 - tail)),
        float(1 - (1 - alpha) * fdtri(df1, df2, tail)),
    )
    variances = np.diag(cov)
    if (variances <= 0).any():
        item = int(np.flatnonzero(variances <= 0)[0])
        reason = f"standardized alpha is undefined: item {item} has no variance"
        return AlphaResult(float(alpha), np.nan, interval, n_used, k, rule, reason)
    scale = np.sqrt(variances)
    correlation_sum = (cov / np.outer(scale, scale)).sum()
    if correlation_sum <= 0:
        reason = "standardized alpha is undefined: the standardized total score has no variance"
        return AlphaResult(float(alpha), np.nan, interval, n_used, k, rule, reason)
    standardized = k / (k - 1) * (1 - k / correlation_sum)
    return AlphaResult(float(alpha), float(standardized), interval, n_used, k, rule, None)


def _defined_covariance(
    matrix: ArrayLike,
    missing: str,
    reversed_items: ArrayLike | None,
    statistic: str,
    min_items: int,
) -> np.ndarray:
    """The items' covariance matrix, or ``ValueError`` saying why ``statistic`` is undefined."""
    answers = response_matrix(matrix)
    rule = _missing_rule(missing)
    k = answers.shape[1]
    if k < min_items:
        raise ValueError(f"{statistic} needs at least {min_items} items, got {k}")
    [covariance] = _covariances(answers, [np.arange(k)], rule, reversed_items)
    if covariance.undefined_reason is not None:
        raise ValueError(f"{statistic} is undefined: {covariance.undefined_reason}")
    return covariance.matrix


def _rest_variance(cov: np.ndarray) -> np.ndarray:
    """Variance of the total of all items but ``i``, for each ``i``."""
    return cov.sum() - 2 * cov.sum(axis=1) + np.diag(cov)


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
        _Covariance(c.matrix * np.outer(sign[cols], sign[cols]), c.n_used, c.undefined_reason)
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
    return [
        _Covariance(
            cov[np.ix_(cols, cols)],
            int(n_used),
            _pairwise_reason(pairs[np.ix_(cols, cols)], cols, int(n_used)),
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
            covariances.append(_Covariance(np.full_like(product, np.nan), n_used, reason))
        else:
            cov = (product - np.outer(total, total) / n_used) / (n_used - 1)
            covariances.append(_Covariance(cov, n_used, None))
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
