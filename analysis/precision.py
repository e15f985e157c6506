"""Precision of a person's score: the standard error of measurement, the band it puts around a
score, and the reliability of the mindset index as a composite of the dimensions.

Classical test theory (Lord & Novick 1968, Statistical Theories of Mental Test Scores, ch. 3):
an observed score is a true score plus an error uncorrelated with it, so the error's standard
deviation is ``SD x sqrt(1 - reliability)`` and a score's band is ``score +- z x SEM`` (Harvill
1991, "Standard error of measurement", Educational Measurement: Issues and Practice 10(2),
33-41). The band is centred on the observed score, as score reports usually do; it is a
statement about the error of this score, not a confidence interval for the true score of one
person (Harvill 1991 discusses the regressed alternative).

The SEM is in the units of ``sd``: for the 0-100 mindset index pass the index's standard
deviation and the index's reliability (e.g. :func:`stratified_alpha` of the dimension scores,
which is the same on the 0-100 scale, since a linear rescaling changes no reliability).
"""

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import ndtri

from analysis._validation import confidence_level, response_matrix


def standard_error_of_measurement(sd: float, reliability: float) -> float:
    """Standard error of measurement of a score: ``sd x sqrt(1 - reliability)``.

    Parameters
    ----------
    sd : float
        Standard deviation of the observed scores (at least 0), in the score's units.
    reliability : float
        Reliability of the score (e.g. Cronbach's alpha, omega), at most 1.

    Returns
    -------
    float
        The SEM in the units of ``sd``; NaN when ``sd`` or ``reliability`` is NaN, and when
        ``reliability`` is negative (a negative alpha says the items do not measure one thing,
        so no precision can be claimed).

    Notes
    -----
    Lord & Novick (1968), eq. 3.8.4; Harvill (1991), Educational Measurement: Issues and
    Practice 10(2), 33-41, eq. 1: ``SEM = s_x sqrt(1 - r_xx')``.

    Examples
    --------
    >>> round(standard_error_of_measurement(15.0, 0.91), 6)  # an IQ scale: 15 x 0.3
    4.5
    """
    spread = _real(sd, "sd")
    r = _real(reliability, "reliability")
    if spread < 0 or math.isinf(spread):
        raise ValueError(f"sd must be a finite number of at least 0, got {sd!r}")
    if r > 1:
        raise ValueError(f"reliability must be at most 1, got {reliability!r}")
    if math.isnan(spread) or math.isnan(r) or r < 0:
        return math.nan
    return spread * math.sqrt(1.0 - r)


def score_band(
    score: float,
    sem: float,
    level: float = 0.90,
    low: float = 0.0,
    high: float = 100.0,
) -> tuple[float, float]:
    """The band ``score +- z x SEM`` around an observed score, clipped to the score's range.

    Parameters
    ----------
    score : float
        The observed score, from ``low`` to ``high`` (NaN gives a NaN band).
    sem : float
        Its standard error of measurement (at least 0, in the score's units; NaN gives a NaN
        band), e.g. from :func:`standard_error_of_measurement`.
    level : float
        Share of normal measurement errors the band covers, between 0 and 1: ``z`` is the
        standard normal quantile at ``(1 + level) / 2`` (1.645 for 0.90).
    low, high : float
        The range of possible scores, ``low`` below ``high``; 0 and 100 for the mindset index.

    Returns
    -------
    tuple of float
        ``(max(low, score - z sem), min(high, score + z sem))``.

    Notes
    -----
    Harvill (1991), Educational Measurement: Issues and Practice 10(2), 33-41: with normally
    distributed errors, about ``level`` of observed scores lie within ``z SEM`` of the true
    score. The band is clipped because no score lies outside the scale.

    Examples
    --------
    >>> [round(bound, 2) for bound in score_band(60.0, 5.0)]
    [51.78, 68.22]
    >>> score_band(97.0, 5.0, level=0.95)[1]
    100.0
    """
    value = _real(score, "score")
    error = _real(sem, "sem")
    coverage = confidence_level(level, "level")
    bottom, top = _real(low, "low"), _real(high, "high")
    if not (math.isfinite(bottom) and math.isfinite(top) and bottom < top):
        raise ValueError(f"low must be below high, both finite, got {low!r} and {high!r}")
    if error < 0 or math.isinf(error):
        raise ValueError(f"sem must be a finite number of at least 0, got {sem!r}")
    if not bottom <= value <= top and not math.isnan(value):
        raise ValueError(f"score {score!r} is outside the range {low!r} to {high!r}")
    if math.isnan(value) or math.isnan(error):
        return (math.nan, math.nan)
    half_width = float(ndtri(0.5 + coverage / 2)) * error
    return (max(bottom, value - half_width), min(top, value + half_width))


def stratified_alpha(dimension_scores: ArrayLike, dimension_reliabilities: ArrayLike) -> float:
    """Reliability of the unweighted composite of the dimension scores (stratified alpha).

    Parameters
    ----------
    dimension_scores : array_like
        Responses x dimensions scores (NaN where a dimension is not scored); only responses
        with every dimension scored are used, as the composite (the mindset index) needs all.
    dimension_reliabilities : array_like
        One reliability per dimension, at most 1 (e.g. each dimension's alpha).

    Returns
    -------
    float
        ``1 - sum_d var_d (1 - r_d) / var(sum_d score_d)``, the same for the mean (the index)
        as for the sum. NaN when a reliability is NaN, when fewer than 2 responses are complete,
        or when the composite has no variance.

    Notes
    -----
    Cronbach, Schonemann & McKie (1965), "Alpha coefficients for stratified-parallel tests",
    Educational and Psychological Measurement 25(2), 291-312: the error variance of a sum of
    strata is the sum of the strata's error variances ``var_d (1 - r_d)``, errors being
    uncorrelated across strata. Variances use ``n - 1`` (the ratio does not depend on it).
    Computed as sirt's ``stratified.cronbach.alpha`` combines its strata.

    Examples
    --------
    >>> scores = [[1.0, 2.0], [2.0, 2.0], [3.0, 4.0], [4.0, 5.0]]
    >>> round(stratified_alpha(scores, [0.8, 0.7]), 4)
    0.867
    """
    scores = response_matrix(dimension_scores, "dimension_scores").astype(np.float64)
    reliabilities = np.asarray(dimension_reliabilities)
    if reliabilities.dtype.kind not in "biuf" or reliabilities.shape != (scores.shape[1],):
        raise ValueError(
            "dimension_reliabilities must hold one number per dimension "
            f"({scores.shape[1]}), got a {reliabilities.dtype} array of shape "
            f"{reliabilities.shape}"
        )
    reliabilities = reliabilities.astype(np.float64)
    if (reliabilities > 1).any():
        dimension = int(np.flatnonzero(reliabilities > 1)[0])
        raise ValueError(
            f"reliability {float(reliabilities[dimension])!r} of dimension {dimension} is above 1"
        )
    if np.isinf(scores).any() or np.isinf(reliabilities).any():
        raise ValueError("dimension_scores and dimension_reliabilities must be finite or NaN")
    complete = scores[~np.isnan(scores).any(axis=1)]
    if np.isnan(reliabilities).any() or complete.shape[0] < 2:
        return math.nan
    variances = complete.var(axis=0, ddof=1)
    total_variance = float(complete.sum(axis=1).var(ddof=1))
    scale = float(np.sqrt(np.mean(np.square(complete - complete.mean(axis=0)), axis=0)).sum())
    if total_variance <= 1e-10 * scale**2:  # zero up to rounding (reliability.ROUNDOFF)
        return math.nan
    return float(1.0 - np.sum(variances * (1.0 - reliabilities)) / total_variance)


def _real(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{name} must be a number, got {value!r}")
    return float(value)
