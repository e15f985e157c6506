"""Per-group summaries: n, mean, standard deviation and a t-based confidence interval.

The interval for a mean is the Student t interval (Student 1908)::

    mean ± t(1 - (1 - confidence) / 2, n - 1) · sd / sqrt(n)

with ``sd`` the sample standard deviation (``ddof=1``). It needs at least two answers: a group
with one answer has a mean but no spread and no interval, and a group with none has nothing. Such
rows carry an ``undefined_reason`` instead of silent NaNs.
"""

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

NO_ANSWERS = "no answers"
ONE_ANSWER = "only 1 answer: no spread and no interval"


def check_confidence(confidence: float) -> float:
    """Return ``confidence`` as a float, or raise ``ValueError`` unless 0 < confidence < 1."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    return float(confidence)


def t_interval(
    mean: np.ndarray, sd: np.ndarray, n: np.ndarray, confidence: float
) -> tuple[np.ndarray, np.ndarray]:
    """Student t interval ``mean ± t(1 - (1 - confidence) / 2, n - 1) · sd / sqrt(n)``.

    Vectorised over arrays; rows with ``n < 2`` give NaN bounds.
    """
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        critical = stats.t.ppf(0.5 + confidence / 2, np.where(n >= 2, n - 1, np.nan))
        half_width = critical * sd / np.sqrt(n)
    return mean - half_width, mean + half_width


def group_summaries(
    groups: ArrayLike,
    values: ArrayLike,
    measures: Sequence[str],
    *,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Per-group n, mean, standard deviation and t-based confidence interval for each measure.

    Vectorised with ``np.bincount``: one pass per measure, none per group.

    Parameters
    ----------
    groups : array_like of int
        Group code of each response (row), ``0 <= code``; e.g. from ``pandas.factorize``.
    values : array_like
        Responses x measures matrix (for instance the mindset index and the six dimension
        scores); NaN marks a missing score.
    measures : sequence of str
        Name of each column of ``values``.
    confidence : float
        Confidence level of the intervals, between 0 and 1.

    Returns
    -------
    pandas.DataFrame
        One row per (group present in ``groups``, measure), ordered by group then measure, with
        columns ``group``, ``measure``, ``n`` (answered), ``mean``, ``sd`` (``ddof=1``),
        ``ci_low``, ``ci_high`` and ``undefined_reason`` (missing when every number is defined;
        ``"no answers"`` when ``n == 0``, ``"only 1 answer: no spread and no interval"`` when
        ``n == 1``).

    Notes
    -----
    Mean and variance use two passes (sum, then squared deviations from the group mean), which
    avoids the cancellation of the one-pass ``sum(x²) - n·mean²``. The interval is
    ``mean ± t(1 - (1 - confidence) / 2, n - 1) · sd / sqrt(n)`` (Student 1908).

    Examples
    --------
    >>> table = group_summaries([0, 0, 1], [[4.0], [6.0], [5.0]], ["index"])
    >>> table[["group", "n"]].to_numpy().tolist(), table["mean"].tolist()
    ([[0, 2], [1, 1]], [5.0, 5.0])
    """
    confidence = check_confidence(confidence)
    codes = np.asarray(groups)
    if codes.ndim != 1 or not (codes.size == 0 or np.issubdtype(codes.dtype, np.integer)):
        raise ValueError("groups must be a one-dimensional array of integer codes")
    matrix = np.asarray(values, dtype=float)
    if matrix.ndim != 2:
        raise ValueError("values must be a two-dimensional array (responses x measures)")
    if matrix.shape[0] != codes.size:
        raise ValueError(
            "groups and values must have the same number of rows, "
            f"got {codes.size} and {matrix.shape[0]}"
        )
    if codes.size == 0:
        raise ValueError("values has no responses")
    if len(measures) != matrix.shape[1]:
        raise ValueError(
            f"measures must name each column of values: got {len(measures)} names "
            f"for {matrix.shape[1]} columns"
        )
    if matrix.shape[1] == 0:
        raise ValueError("values has no measures")
    if codes.min() < 0:
        raise ValueError("group codes must be non-negative")
    if np.isinf(matrix).any():
        raise ValueError("values must be finite or NaN (missing)")

    size = int(codes.max()) + 1
    present = np.flatnonzero(np.bincount(codes, minlength=size))
    # Groups x measures, flattened to one row per group and measure below.
    n_grid, mean_grid, sd_grid = (np.empty((present.size, matrix.shape[1])) for _ in range(3))
    for column in range(matrix.shape[1]):
        scores = matrix[:, column]
        answered = ~np.isnan(scores)
        count = np.bincount(codes, weights=answered, minlength=size)
        total = np.bincount(codes, weights=np.where(answered, scores, 0.0), minlength=size)
        with np.errstate(invalid="ignore", divide="ignore"):
            group_mean = total / count
            deviation = np.where(answered, scores - group_mean[codes], 0.0)
            squares = np.bincount(codes, weights=deviation * deviation, minlength=size)
            group_sd = np.sqrt(squares / (count - 1))
        n_grid[:, column] = count[present]
        mean_grid[:, column] = group_mean[present]
        sd_grid[:, column] = np.where(count[present] >= 2, group_sd[present], np.nan)

    n = n_grid.ravel().astype(np.int64)
    mean, sd = mean_grid.ravel(), sd_grid.ravel()
    ci_low, ci_high = t_interval(mean, sd, n, confidence)
    reason = np.where(n == 0, NO_ANSWERS, np.where(n == 1, ONE_ANSWER, ""))
    return pd.DataFrame(
        {
            "group": np.repeat(present, matrix.shape[1]),
            "measure": np.tile(np.asarray(measures, dtype=object), present.size),
            "n": n,
            "mean": mean,
            "sd": sd,
            "ci_low": ci_low,
            "ci_high": ci_high,
            "undefined_reason": pd.Series(reason, dtype="string").replace("", pd.NA),
        }
    )
