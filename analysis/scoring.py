"""Scoring: keyed recoding, dimension scores, the mindset index and positions on the continuum.

Inputs are responses x items matrices of Likert answers with NaN for a missing answer; every
other value must be a whole number from the scale's minimum to its maximum, or the functions
raise ``ValueError`` naming the value, its row and its column (0-based). After keyed recoding a
higher answer always points to the purpose-driven pole, so dimension scores and the index run
from contractual (low) to purpose-driven (high).

The work is vectorised over blocks of rows that stay in the CPU cache; dimension scores come
from two small matrix products per block, so a million responses score in well under a second.
One person is scored in plain Python by :mod:`analysis.one_person`, to the same numbers.
"""

import numpy as np
from numpy.typing import ArrayLike

from analysis._validation import (
    answer_blocks,
    item_dimensions,
    one_blas_thread,
    response_matrix,
    reversed_mask,
    scale_bounds,
)
from analysis.one_person import SHARE_TOLERANCE


def dimension_scores(
    matrix: ArrayLike,
    item_dimension: ArrayLike,
    n_dimensions: int,
    reversed_items: ArrayLike,
    scale_min: int,
    scale_max: int,
    min_answered_share: float,
) -> np.ndarray:
    """Score each dimension as the mean of its answered, keyed items.

    Parameters
    ----------
    matrix : array_like
        Responses x items answers; NaN marks a missing answer.
    item_dimension : array_like of int
        The dimension (0 .. n_dimensions - 1) of each item; every dimension needs an item.
    n_dimensions : int
        Number of dimensions.
    reversed_items : array_like of bool
        One entry per item, True where the item is reverse-keyed: it counts as
        ``(min + max) - x``.
    scale_min, scale_max : int
        The answer scale, e.g. 1 and 7.
    min_answered_share : float
        The questionnaire's least-answered share, above 0 and at most 1: a dimension is scored
        only when at least ``ceil(min_answered_share x its number of items)`` of its items were
        answered.

    Returns
    -------
    numpy.ndarray
        Responses x dimensions float64 scores on the scale's own units (scale_min .. scale_max),
        NaN where a response answered too few of the dimension's items.

    Notes
    -----
    ``score = mean(x'_i for answered items i of the dimension)`` with ``x'`` the keyed answer,
    the prorated mean score that psych's ``scoreItems(impute="none")`` reports; the least-
    answered share is the usual half-or-more rule of scale manuals (e.g. Ware et al. 1993,
    SF-36) made a parameter of the questionnaire. Each block of rows needs two matrix
    products: answers x signed item-dimension weights for the sums, and answered flags x
    membership for the counts (reversed answers add ``max - x`` instead of ``x - min``).

    Examples
    --------
    >>> dimension_scores([[2.0, 6.0, np.nan]], np.array([0, 0, 1]), 2,
    ...                  np.array([False, True, False]), 1, 7, 0.5).tolist()
    [[2.0, nan]]
    """
    answers = response_matrix(matrix)
    low, high = scale_bounds(scale_min, scale_max)
    n_items = answers.shape[1]
    codes = item_dimensions(item_dimension, n_items, n_dimensions)
    flip = reversed_mask(reversed_items, n_items)
    share = _answered_share(min_answered_share)

    membership = np.eye(n_dimensions, dtype=answers.dtype)[codes]
    signed = membership * np.where(flip, -1, 1).astype(answers.dtype)[:, None]
    count_weights = np.hstack([membership, membership * flip[:, None]])
    needed = np.ceil(share * membership.sum(axis=0) - SHARE_TOLERANCE)

    scores = np.full((answers.shape[0], n_dimensions), np.nan)
    with one_blas_thread():
        for start, answered, steps in answer_blocks(answers, low, high):
            counts = answered.astype(answers.dtype) @ count_weights
            n_answered, n_reversed = counts[:, :n_dimensions], counts[:, n_dimensions:]
            step_sums = steps @ signed + (high - low) * n_reversed
            block_scores = scores[start : start + answered.shape[0]]
            np.divide(
                step_sums,
                n_answered,
                out=block_scores,
                where=n_answered >= needed,
                dtype=np.float64,
            )
            block_scores += low
    return scores


def mindset_index(dim_scores: ArrayLike, scale_min: int, scale_max: int) -> np.ndarray:
    """Place each response on the 0 (fully contractual) .. 100 (fully purpose-driven) index.

    Parameters
    ----------
    dim_scores : array_like
        Responses x dimensions scores on the scale's units, as from `dimension_scores`.
    scale_min, scale_max : int
        The answer scale the scores are on.

    Returns
    -------
    numpy.ndarray
        One float64 index per response: the mean of its dimension scores mapped with
        `position_on_continuum`. NaN unless every dimension is scored, so that a response
        missing a dimension is not placed on a different mix of dimensions than the others.

    Notes
    -----
    ``index = 100 x (mean_d score_d - scale_min) / (scale_max - scale_min)``: an unweighted
    composite of the dimensions (README.md, "What it measures").

    Examples
    --------
    >>> mindset_index([[1.0, 7.0], [7.0, 7.0], [4.0, np.nan]], 1, 7).tolist()
    [50.0, 100.0, nan]
    """
    scores = response_matrix(dim_scores, "dim_scores")
    low, high = scale_bounds(scale_min, scale_max)
    _check_within_scale(scores, low, high)
    return _to_continuum(scores.mean(axis=1, dtype=np.float64), low, high)


def position_on_continuum(
    score_on_scale: ArrayLike, scale_min: int, scale_max: int
) -> float | np.ndarray:
    """Map scores on the answer scale linearly onto 0 (contractual) .. 100 (purpose-driven).

    Parameters
    ----------
    score_on_scale : float or array_like
        One or more scores on the scale's units (a dimension score, a mean); NaN stays NaN.
    scale_min, scale_max : int
        The answer scale.

    Returns
    -------
    float or numpy.ndarray
        ``100 x (score - scale_min) / (scale_max - scale_min)``: a float for a scalar input,
        otherwise an array of the input's shape.

    Raises
    ------
    ValueError
        For a score below ``scale_min`` or above ``scale_max``.

    Examples
    --------
    >>> position_on_continuum(5.5, 1, 7)
    75.0
    """
    low, high = scale_bounds(scale_min, scale_max)
    scores = np.asarray(score_on_scale, dtype=np.float64)
    _check_within_scale(scores, low, high)
    positions = _to_continuum(scores, low, high)
    return float(positions) if positions.ndim == 0 else positions


def _to_continuum(scores: np.ndarray, low: int, high: int) -> np.ndarray:
    return (scores - low) * (100.0 / (high - low))


def _check_within_scale(scores: np.ndarray, low: int, high: int) -> None:
    lowest = np.fmin.reduce(scores, axis=None, initial=np.inf)
    highest = np.fmax.reduce(scores, axis=None, initial=-np.inf)
    if lowest < low or highest > high:
        index = tuple(int(i) for i in np.argwhere((scores < low) | (scores > high))[0])
        where = f" at index {index[0] if len(index) == 1 else index}" if index else ""
        raise ValueError(
            f"score {float(scores[index])!r}{where} is outside the scale {low} to {high}"
        )


def _answered_share(share: float) -> float:
    if isinstance(share, bool) or not isinstance(share, float | int) or not 0 < share <= 1:
        raise ValueError(f"min_answered_share must be above 0 and at most 1, got {share!r}")
    return float(share)
