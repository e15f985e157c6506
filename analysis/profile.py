"""A group's profile over the dimensions: is the gap between its highest and lowest one chance?

The same people answer every dimension, so the gap between two dimensions is a difference
within each person and is tested as such: a paired t-test (Student 1908) on the per-person
differences. Whether the two dimensions' 95% intervals overlap is no test of it: intervals of
two means can overlap while their difference is significant, and with the same people on both
sides the intervals ignore the correlation that the paired test uses (Schenker & Gentleman 2001,
"On judging the significance of differences by examining the overlap between confidence
intervals", The American Statistician 55(3), 182-186).

The highest- and lowest-scoring dimensions are picked after looking at the data: of ``d``
dimensions, one of the ``d (d - 1) / 2`` pairs (15 for six). Their p-value is therefore adjusted
over the paired t-tests of all those pairs by Holm's step-down procedure (Holm 1979, "A simple
sequentially rejective multiple test procedure", Scandinavian Journal of Statistics 6(2),
65-70), which keeps the chance of calling any of the pairs' gaps real when none is at 5% under
any dependence between the tests (here every test has the same people), and rejects at least
whatever Bonferroni's rejects.
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from analysis._validation import response_matrix
from analysis.change import paired_from_summary
from analysis.groups import check_confidence

ROUNDOFF = 1e-12
"""Share of the scores' scale (their root mean square) at or below which the SD, or the mean,
of a pair's differences is taken for zero. Scores are means of answers and so inexact in their
last bits (a few units of 2.2e-16 of their size): two dimensions a person scores alike can
differ by ~1e-14, which a t-test would otherwise read as a consistent, hugely significant gap.
A real gap on a 0-100 scale is a share of a step of the answer scale, many orders above this."""

HOLM = "holm"
NO_PAIR = "fewer than 2 dimensions have a score"
SAME_MEANS = "every dimension has the same mean"
NOBODY_DIFFERS = "everyone scores the two dimensions the same"
SAME_GAP = "everyone has the same gap between the two dimensions: the t-test is not defined"


@dataclass(frozen=True)
class ExtremeGap:
    """The gap between a group's highest- and lowest-scoring dimensions, within each person.

    Attributes
    ----------
    highest, lowest : int or None
        Columns of the dimensions with the highest and lowest mean; None when fewer than two
        dimensions have a mean.
    n : int
        People with a score on both.
    difference : float
        Mean of ``highest - lowest`` over those people, in the scores' units.
    ci : tuple of float
        Student t interval of ``difference`` at ``confidence`` (not adjusted for the choice of
        the pair).
    confidence : float
        Confidence level of ``ci``.
    statistic : float
        Paired t.
    df : int
        ``n - 1``.
    p_value : float
        Two-sided p-value of the paired t-test of this pair alone.
    p_adjusted : float
        ``p_value`` adjusted by Holm's procedure over the paired t-tests of all pairs of the
        scored dimensions.
    comparisons : int
        Pairs in that family: ``d (d - 1) / 2`` for ``d`` scored dimensions.
    adjustment : str
        ``"holm"``.
    undefined_reason : str or None
        Why the test's numbers are NaN; None when all are defined.
    """

    highest: int | None
    lowest: int | None
    n: int
    difference: float
    ci: tuple[float, float]
    confidence: float
    statistic: float
    df: int
    p_value: float
    p_adjusted: float
    comparisons: int
    adjustment: str
    undefined_reason: str | None


def holm(p_values: ArrayLike) -> np.ndarray:
    """Holm's (1979) step-down adjusted p-values, in the order given.

    Parameters
    ----------
    p_values : array_like
        One-dimensional p-values in [0, 1]; a NaN (a test that could not be made) counts as
        1: it stays in the family and rejects nothing, and its adjusted value is NaN.

    Returns
    -------
    numpy.ndarray
        With the ``m`` p-values sorted, ``p_(1) <= ... <= p_(m)``:
        ``adjusted_(i) = max_{j <= i} min(1, (m - j + 1) p_(j))``. A hypothesis is rejected at
        level ``alpha`` exactly when its adjusted p-value is at most ``alpha``. Equals
        ``statsmodels.stats.multitest.multipletests(p, method="holm")[1]``.

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03]).round(4).tolist()
    [0.03, 0.06, 0.06]
    """
    p = np.asarray(p_values, dtype=float)
    if p.ndim != 1:
        raise ValueError(f"p_values must be one-dimensional, got {p.ndim} dimensions")
    if ((p < 0) | (p > 1)).any():
        raise ValueError("p_values must lie between 0 and 1 (NaN for a test not made)")
    m = p.size
    tested = np.where(np.isnan(p), 1.0, p)
    order = np.argsort(tested, kind="stable")
    stepped = np.minimum(1.0, (m - np.arange(m)) * tested[order])
    adjusted = np.empty(m)
    adjusted[order] = np.maximum.accumulate(stepped)
    adjusted[np.isnan(p)] = np.nan
    return adjusted


def extreme_gap(scores: ArrayLike, *, confidence: float = 0.95) -> ExtremeGap:
    """Paired t-test of a group's highest- against its lowest-scoring dimension, Holm-adjusted.

    Parameters
    ----------
    scores : array_like
        People x dimensions, each person's score on each dimension; NaN where unscored.
    confidence : float
        Confidence level of the interval of the mean gap.

    Returns
    -------
    ExtremeGap
        The dimensions with the highest and lowest mean (the first, on ties) and the paired test
        of their gap over the people who have both scores. Its numbers are NaN, and
        ``undefined_reason`` says why, when fewer than two dimensions have a mean, all means
        are equal, fewer than 2 people have both scores, or the differences do not vary.

    Notes
    -----
    For each pair ``(a, b)`` of scored dimensions, over the ``n`` people with both scores and
    ``d_i = x_ia - x_ib``: ``t = mean(d) / (sd(d) / sqrt(n))`` on ``n - 1`` degrees of freedom,
    two-sided ``p = 2 P(T > |t|)`` and the interval ``mean(d) ± t(1 - (1 - confidence)/2, n - 1)
    sd(d) / sqrt(n)`` (Student 1908; :func:`analysis.change.paired_from_summary`), as
    ``scipy.stats.ttest_rel(x[:, a], x[:, b], nan_policy="omit")``. The extremes' p-value is
    then adjusted by :func:`holm` over the ``d (d - 1) / 2`` pairs. The mean gap is over the
    people with both scores, so it may differ a little from the difference of the two
    dimensions' means when some scores are missing.

    Examples
    --------
    >>> gap = extreme_gap([[60.0, 40.0, 50.0], [70.0, 45.0, 55.0], [65.0, 35.0, 50.0]])
    >>> gap.highest, gap.lowest, gap.difference, gap.comparisons
    (0, 1, 25.0, 3)
    >>> round(gap.p_value, 4), round(gap.p_adjusted, 4)
    (0.0131, 0.0392)
    """
    confidence = check_confidence(confidence)
    matrix = response_matrix(scores, "scores").astype(np.float64, copy=False)
    if np.isinf(matrix).any():
        raise ValueError("scores must be finite or NaN (unscored)")
    answered = ~np.isnan(matrix)
    counts = answered.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(answered, matrix, 0.0).sum(axis=0) / counts
    scored = np.flatnonzero(counts > 0)
    if scored.size < 2:
        return _untested(None, None, 0, np.nan, confidence, 0, NO_PAIR)
    highest = int(scored[np.argmax(means[scored])])
    lowest = int(scored[np.argmin(means[scored])])
    first, second = np.triu_indices(scored.size, k=1)
    first, second = scored[first], scored[second]
    comparisons = int(first.size)
    if means[highest] == means[lowest]:
        return _untested(highest, lowest, 0, 0.0, confidence, comparisons, SAME_MEANS)

    n, difference, sd, reasons = _paired_differences(matrix, answered, first, second)
    tests = [
        None if reason else paired_from_summary(count, mean, spread, confidence=confidence)
        for count, mean, spread, reason in zip(
            n.tolist(), difference.tolist(), sd.tolist(), reasons, strict=True
        )
    ]
    p_values = np.array([np.nan if test is None else test.p_value for test in tests])
    adjusted = holm(p_values)

    pair = int(
        np.flatnonzero((first == min(highest, lowest)) & (second == max(highest, lowest)))[0]
    )
    sign = 1.0 if highest < lowest else -1.0
    gap = float(sign * difference[pair])
    test = tests[pair]
    if test is None:
        return _untested(
            highest, lowest, int(n[pair]), gap, confidence, comparisons, str(reasons[pair])
        )
    return ExtremeGap(
        highest=highest,
        lowest=lowest,
        n=test.n,
        difference=gap,
        ci=(sign * test.ci[0], sign * test.ci[1]) if sign > 0 else (-test.ci[1], -test.ci[0]),
        confidence=confidence,
        statistic=sign * test.statistic,
        df=test.n - 1,
        p_value=test.p_value,
        p_adjusted=float(adjusted[pair]),
        comparisons=comparisons,
        adjustment=HOLM,
        undefined_reason=None,
    )


def _paired_differences(
    matrix: np.ndarray, answered: np.ndarray, first: np.ndarray, second: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Per pair ``(first, second)``: people with both, mean and SD of ``first - second``, and
    why the t-test is undefined ("" when it is defined). Two passes, as in
    :func:`analysis.groups.group_summaries`."""
    both = answered[:, first] & answered[:, second]
    n = both.sum(axis=0)
    values = np.where(answered, matrix, 0.0)
    differences = np.where(both, values[:, first] - values[:, second], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = differences.sum(axis=0) / n
        deviations = np.where(both, differences - mean, 0.0)
        sd = np.sqrt((deviations * deviations).sum(axis=0) / (n - 1))
        squares = np.where(both, values[:, first] ** 2 + values[:, second] ** 2, 0.0)
        scale = np.sqrt(squares.sum(axis=0) / (2 * n))  # root mean square of the pair's scores
    flat = (sd <= ROUNDOFF * scale).tolist()
    same = (np.abs(mean) <= ROUNDOFF * scale).tolist()
    reasons = np.array(
        [
            f"fewer than 2 people have both scores ({count})"
            if count < 2
            else (NOBODY_DIFFERS if alike else SAME_GAP)
            if constant
            else ""
            for count, constant, alike in zip(n.tolist(), flat, same, strict=True)
        ],
        dtype=object,
    )
    return n, mean, sd, reasons


def _untested(
    highest: int | None,
    lowest: int | None,
    n: int,
    difference: float,
    confidence: float,
    comparisons: int,
    reason: str,
) -> ExtremeGap:
    return ExtremeGap(
        highest=highest,
        lowest=lowest,
        n=n,
        difference=difference,
        ci=(np.nan, np.nan),
        confidence=confidence,
        statistic=np.nan,
        df=max(n - 1, 0),
        p_value=np.nan,
        p_adjusted=np.nan,
        comparisons=comparisons,
        adjustment=HOLM,
        undefined_reason=reason,
    )
