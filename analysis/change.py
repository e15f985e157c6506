"""Change between waves: is a move of the mindset index (or a dimension) real?

Two independent waves (anonymous surveys, different people or unlinked answers):
:func:`compare_waves` gives the difference of means with its Welch interval and p-value, Hedges'
g with its interval, and a Mann-Whitney rank check for skewed data. The same people answering
twice (confidential assessments): :func:`paired_change` (paired t, Wilcoxon) and
:func:`reliable_change` (Jacobson & Truax 1991) per person. Many teams at once:
:func:`benjamini_hochberg`. Three or more waves: :func:`trend`. The dashboard's words:
:func:`classify_change` and :func:`classify_changes`.

Rules for "too small to conclude": a test needs at least 2 answers in each wave (2 pairs for the
paired tests, 3 waves for a trend); below that every statistic is NaN and ``undefined_reason``
says why. Words like "likely real" further need at least :data:`MIN_N_LIKELY_REAL` answers in each
wave, the smallest group the privacy rules ever show.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from analysis.groups import check_confidence, finite_sample

MIN_N_LIKELY_REAL = 5
"""Fewest answers per wave (or pairs) for which a change may be called "likely real"."""

TOWARDS_PURPOSE = "towards purpose"
TOWARDS_CONTRACTUAL = "towards contractual"
NO_CHANGE = "no change"
LIKELY_REAL = "likely real"
COULD_BE_CHANCE = "could be chance"
TOO_FEW = "too few answers to tell"
NOT_TESTABLE = "cannot be tested"
UNKNOWN = "unknown"

NOBODY_CHANGED = "nobody changed: every difference is 0"
SAME_CHANGE = "everyone changed by the same amount: the t-test is not defined"

_NAN_PAIR = (np.nan, np.nan)


@dataclass(frozen=True)
class WaveChange:
    """Change of a mean between two independent waves (``after - before``).

    ``statistic``, ``df``, ``p_value`` and ``ci`` come from Welch's t-test; ``hedges_g`` and
    ``hedges_g_ci`` are the standardised difference; ``mannwhitney_u`` (U of ``after``) and
    ``mannwhitney_p_value`` are the rank-based check.
    """

    n_before: int
    n_after: int
    mean_before: float
    mean_after: float
    difference: float
    ci: tuple[float, float]
    statistic: float
    df: float
    p_value: float
    hedges_g: float
    hedges_g_ci: tuple[float, float]
    mannwhitney_u: float
    mannwhitney_p_value: float
    confidence: float
    undefined_reason: str | None

    @property
    def n_smallest(self) -> int:
        """Answers in the smaller wave."""
        return min(self.n_before, self.n_after)


@dataclass(frozen=True)
class PairedChange:
    """Change of the same people between two waves (``after - before``, per person).

    ``statistic``, ``df``, ``p_value`` and ``ci`` come from the paired t-test; ``wilcoxon_*`` from
    the Wilcoxon signed-rank test. ``n`` counts complete pairs.
    """

    n: int
    mean_before: float
    mean_after: float
    difference: float
    ci: tuple[float, float]
    statistic: float
    df: float
    p_value: float
    wilcoxon_statistic: float
    wilcoxon_p_value: float
    confidence: float
    undefined_reason: str | None

    @property
    def n_smallest(self) -> int:
        """Complete pairs."""
        return self.n


@dataclass(frozen=True, eq=False)
class ReliableChange:
    """Reliable change index per person (Jacobson & Truax 1991) and the counts it implies.

    ``rci`` is NaN for a person missing either wave; ``n`` counts complete pairs.
    """

    rci: np.ndarray
    standard_error: float
    s_diff: float
    critical_value: float
    n: int
    n_towards_purpose: int
    n_towards_contractual: int
    n_no_reliable_change: int
    undefined_reason: str | None


@dataclass(frozen=True)
class Trend:
    """Linear trend over waves: change of the mean per wave, with its interval."""

    n: int
    n_waves: int
    slope: float
    intercept: float
    ci: tuple[float, float]
    statistic: float
    df: float
    p_value: float
    confidence: float
    undefined_reason: str | None


@dataclass(frozen=True)
class ChangeVerdict:
    """Plain-words reading of a change: a direction, the evidence for it, and a label."""

    direction: str
    evidence: str
    label: str


def _two_sided_t(statistic: float, df: float) -> float:
    return float(2.0 * stats.t.sf(abs(statistic), df))


def compare_waves(before: ArrayLike, after: ArrayLike, *, confidence: float = 0.95) -> WaveChange:
    """Difference of means between two independent waves, with Welch, Hedges' g and Mann-Whitney.

    Parameters
    ----------
    before, after : array_like
        Scores of each wave (e.g. the mindset index of every response); NaN = missing, left out.
    confidence : float
        Confidence level of the intervals.

    Returns
    -------
    WaveChange
        With fewer than 2 answers in a wave, or no spread in either wave, the tests are NaN and
        ``undefined_reason`` says why.

    Notes
    -----
    Welch's test and Hedges' g come from :func:`compare_summaries` on the two samples' ``n``,
    mean and SD. Mann-Whitney (1947) U of ``after`` with ``scipy.stats.mannwhitneyu(after,
    before)``: exact for small samples without ties, normal approximation with tie and
    continuity corrections otherwise.

    Examples
    --------
    >>> result = compare_waves([40.0, 45.0, 50.0, 55.0], [50.0, 55.0, 60.0, 65.0])
    >>> result.difference, round(result.p_value, 4)
    (10.0, 0.071)
    """
    b = finite_sample(before, "before")
    a = finite_sample(after, "after")
    result = compare_summaries(
        b.size,
        float(b.mean()) if b.size else np.nan,
        float(b.std(ddof=1)) if b.size > 1 else np.nan,
        a.size,
        float(a.mean()) if a.size else np.nan,
        float(a.std(ddof=1)) if a.size > 1 else np.nan,
        confidence=confidence,
    )
    if result.undefined_reason is not None:
        return result
    rank_test = stats.mannwhitneyu(a, b, alternative="two-sided")
    return replace(
        result,
        mannwhitney_u=float(rank_test.statistic),
        mannwhitney_p_value=float(rank_test.pvalue),
    )


def compare_summaries(
    n_before: int,
    mean_before: float,
    sd_before: float,
    n_after: int,
    mean_after: float,
    sd_after: float,
    *,
    confidence: float = 0.95,
) -> WaveChange:
    """Welch's test and Hedges' g from two independent samples' ``n``, mean and SD.

    The released results of a wave keep each group's ``n``, mean and SD, not the answers, so a
    change between two released waves is computed from these alone (the rank test needs the
    answers and is left NaN).

    Parameters
    ----------
    n_before, mean_before, sd_before, n_after, mean_after, sd_after
        Size, mean and standard deviation (``ddof=1``; NaN when ``n < 2``) of each wave.
    confidence : float
        Confidence level of the intervals.

    Returns
    -------
    WaveChange
        ``mannwhitney_u`` and ``mannwhitney_p_value`` are NaN. With fewer than 2 answers in a
        wave, or no spread in either wave, the tests are NaN and ``undefined_reason`` says why.

    Notes
    -----
    Welch (1947): ``d = mean_a - mean_b``, ``se = sqrt(s_a²/n_a + s_b²/n_b)``, ``t = d / se`` with
    Welch-Satterthwaite ``df = se⁴ / ((s_a²/n_a)²/(n_a-1) + (s_b²/n_b)²/(n_b-1))``; interval
    ``d ± t(1 - α/2, df)·se`` (as ``scipy.stats.ttest_ind_from_stats(..., equal_var=False)``).

    Hedges' g (Hedges & Olkin 1985): ``g = J·d / s_pooled`` with
    ``s_pooled² = ((n_a-1)s_a² + (n_b-1)s_b²) / (n_a+n_b-2)`` and ``J = 1 - 3/(4(n_a+n_b) - 9)``;
    interval ``g ± t(1 - α/2, n_a+n_b-2)·sqrt((n_a+n_b)/(n_a·n_b) + g²/(2(n_a+n_b)))`` (Hedges &
    Olkin 1985, p. 86, as in pingouin's ``compute_esci``).

    Examples
    --------
    >>> result = compare_summaries(4, 47.5, 6.454972, 4, 57.5, 6.454972)
    >>> result.difference, round(result.p_value, 4)
    (10.0, 0.071)
    """
    confidence = check_confidence(confidence)
    n_b, n_a = int(n_before), int(n_after)
    mean_b, mean_a = float(mean_before), float(mean_after)
    difference = mean_a - mean_b
    described = {
        "n_before": n_b,
        "n_after": n_a,
        "mean_before": mean_b,
        "mean_after": mean_a,
        "difference": difference,
        "confidence": confidence,
    }
    untested = {
        "ci": _NAN_PAIR,
        "statistic": np.nan,
        "df": np.nan,
        "p_value": np.nan,
        "hedges_g": np.nan,
        "hedges_g_ci": _NAN_PAIR,
        "mannwhitney_u": np.nan,
        "mannwhitney_p_value": np.nan,
    }
    if n_b < 2 or n_a < 2:
        reason = f"fewer than 2 answers in a wave (before: {n_b}, after: {n_a})"
        return WaveChange(**described, **untested, undefined_reason=reason)
    var_b, var_a = float(sd_before) ** 2, float(sd_after) ** 2
    if var_b == 0.0 and var_a == 0.0:
        reason = "no spread in either wave: every answer within a wave is the same"
        return WaveChange(**described, **untested, undefined_reason=reason)

    share_b, share_a = var_b / n_b, var_a / n_a
    se = np.sqrt(share_b + share_a)
    df = (share_b + share_a) ** 2 / (share_b**2 / (n_b - 1) + share_a**2 / (n_a - 1))
    statistic = difference / se
    critical = stats.t.ppf(0.5 + confidence / 2, df)

    pooled_df = n_b + n_a - 2
    pooled_sd = np.sqrt(((n_b - 1) * var_b + (n_a - 1) * var_a) / pooled_df)
    g = (1.0 - 3.0 / (4.0 * (n_b + n_a) - 9.0)) * difference / pooled_sd
    g_se = np.sqrt((n_b + n_a) / (n_b * n_a) + g**2 / (2.0 * (n_b + n_a)))
    g_critical = stats.t.ppf(0.5 + confidence / 2, pooled_df)
    return WaveChange(
        **described,
        ci=(float(difference - critical * se), float(difference + critical * se)),
        statistic=float(statistic),
        df=float(df),
        p_value=_two_sided_t(statistic, df),
        hedges_g=float(g),
        hedges_g_ci=(float(g - g_critical * g_se), float(g + g_critical * g_se)),
        mannwhitney_u=np.nan,
        mannwhitney_p_value=np.nan,
        undefined_reason=None,
    )


def _pairs(before: ArrayLike, after: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    if b.ndim != 1 or a.ndim != 1:
        raise ValueError("before and after must be one-dimensional arrays")
    if b.size != a.size:
        raise ValueError(
            f"before and after must have one value per person, got {b.size} and {a.size}"
        )
    if np.isinf(b).any() or np.isinf(a).any():
        raise ValueError("before and after must be finite or NaN (missing)")
    return b, a


def paired_change(before: ArrayLike, after: ArrayLike, *, confidence: float = 0.95) -> PairedChange:
    """Change of the same people between two waves: paired t-test and Wilcoxon signed-rank test.

    Parameters
    ----------
    before, after : array_like
        Score of each person in each wave, aligned by position; a pair with a NaN is left out.
    confidence : float
        Confidence level of the interval of the mean change.

    Returns
    -------
    PairedChange
        With fewer than 2 complete pairs, or the same change for everyone, the t-test is NaN and
        ``undefined_reason`` says why (Wilcoxon is NaN too when nobody changed).

    Notes
    -----
    Paired t (Student 1908): with ``d_i = after_i - before_i``, ``t = mean(d) / (sd(d)/sqrt(n))``
    on ``n - 1`` df; interval ``mean(d) ± t(1 - α/2, n-1)·sd(d)/sqrt(n)``.
    Wilcoxon (1945) signed-rank test on ``d`` with ``scipy.stats.wilcoxon(d, correction=True)``,
    as pingouin's ``wilcoxon``: zero differences dropped (Wilcoxon's method); exact null
    distribution up to 50 differences without ties or zeros, exhaustive permutations up to 13
    with them, else the normal approximation with tie and continuity corrections; the statistic
    is the smaller of the positive- and negative-rank sums.

    Examples
    --------
    >>> result = paired_change([40.0, 50.0, 60.0], [45.0, 52.0, 68.0])
    >>> result.difference, round(result.p_value, 4)
    (5.0, 0.102)
    """
    confidence = check_confidence(confidence)
    b, a = _pairs(before, after)
    complete = ~(np.isnan(b) | np.isnan(a))
    b, a = b[complete], a[complete]
    n = int(b.size)
    mean_b = float(b.mean()) if n else np.nan
    mean_a = float(a.mean()) if n else np.nan
    differences = a - b
    difference = float(differences.mean()) if n else np.nan

    described = {
        "n": n,
        "mean_before": mean_b,
        "mean_after": mean_a,
        "difference": difference,
        "confidence": confidence,
    }
    untested = {"ci": _NAN_PAIR, "statistic": np.nan, "df": np.nan, "p_value": np.nan}
    if n < 2 or not differences.any():
        reason = f"fewer than 2 complete pairs ({n})" if n < 2 else NOBODY_CHANGED
        return PairedChange(
            **described,
            **untested,
            wilcoxon_statistic=np.nan,
            wilcoxon_p_value=np.nan,
            undefined_reason=reason,
        )
    rank_test = stats.wilcoxon(differences, correction=True)
    wilcoxon = {
        "wilcoxon_statistic": float(rank_test.statistic),
        "wilcoxon_p_value": float(rank_test.pvalue),
    }
    sd = float(differences.std(ddof=1))
    if sd == 0.0:
        return PairedChange(**described, **untested, **wilcoxon, undefined_reason=SAME_CHANGE)
    se = sd / np.sqrt(n)
    statistic = difference / se
    critical = stats.t.ppf(0.5 + confidence / 2, n - 1)
    return PairedChange(
        **described,
        ci=(float(difference - critical * se), float(difference + critical * se)),
        statistic=float(statistic),
        df=float(n - 1),
        p_value=_two_sided_t(statistic, n - 1),
        **wilcoxon,
        undefined_reason=None,
    )


def reliable_change(
    before: ArrayLike,
    after: ArrayLike,
    *,
    sd_before: float,
    reliability: float,
    critical_value: float = 1.96,
) -> ReliableChange:
    """Reliable change index of each person (Jacobson & Truax 1991).

    Parameters
    ----------
    before, after : array_like
        Score of each person in each wave, aligned by position; NaN = missing.
    sd_before : float
        Standard deviation of the scale in a reference (pre-test) population, > 0.
    reliability : float
        Reliability of the scale (test-retest, or Cronbach's alpha), ``0 <= r < 1``.
    critical_value : float
        ``|RCI|`` above which a change is reliable; 1.96 gives a 5% two-sided error rate.

    Returns
    -------
    ReliableChange
        ``rci`` per person and how many moved reliably towards purpose (RCI above the critical
        value), towards contractual (below minus it), or not reliably.

    Notes
    -----
    Jacobson, N. S., & Truax, P. (1991). Clinical significance: a statistical approach to defining
    meaningful change in psychotherapy research. J. Consult. Clin. Psychol., 59(1), 12-19::

        SE     = s1 · sqrt(1 - r_xx)
        S_diff = sqrt(2 · SE²)
        RC     = (x2 - x1) / S_diff

    Examples
    --------
    >>> result = reliable_change([50.0], [70.0], sd_before=10.0, reliability=0.8)
    >>> round(float(result.rci[0]), 4), result.n_towards_purpose
    (3.1623, 1)
    """
    if not (np.isfinite(sd_before) and sd_before > 0):
        raise ValueError(f"sd_before must be a positive number, got {sd_before}")
    if not 0.0 <= reliability < 1.0:
        raise ValueError(f"reliability must be at least 0 and below 1, got {reliability}")
    if not (np.isfinite(critical_value) and critical_value > 0):
        raise ValueError(f"critical_value must be a positive number, got {critical_value}")
    b, a = _pairs(before, after)
    standard_error = sd_before * np.sqrt(1.0 - reliability)
    s_diff = np.sqrt(2.0 * standard_error**2)
    rci = (a - b) / s_diff
    complete = ~np.isnan(rci)
    n = int(complete.sum())
    up = int((rci[complete] > critical_value).sum())
    down = int((rci[complete] < -critical_value).sum())
    return ReliableChange(
        rci=rci,
        standard_error=float(standard_error),
        s_diff=float(s_diff),
        critical_value=float(critical_value),
        n=n,
        n_towards_purpose=up,
        n_towards_contractual=down,
        n_no_reliable_change=n - up - down,
        undefined_reason=None if n else "no complete pairs",
    )


def benjamini_hochberg(p_values: ArrayLike) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (false discovery rate).

    Parameters
    ----------
    p_values : array_like
        One p-value per test (e.g. per team); NaN marks a test that could not be run and stays
        NaN without counting towards the number of tests.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values in the input order; declaring the tests with adjusted ``p <= q`` as
        discoveries controls the false discovery rate at ``q``.

    Notes
    -----
    Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate. J. R. Stat. Soc.
    B, 57(1), 289-300. With ``m`` tests and ``p_(i)`` the i-th smallest p-value,
    ``p_adj_(i) = min_{j >= i} min(1, m·p_(j) / j)``; the same numbers as
    ``scipy.stats.false_discovery_control(p, method="bh")``.

    Examples
    --------
    >>> benjamini_hochberg([0.01, 0.04, 0.03]).round(3).tolist()
    [0.03, 0.04, 0.04]
    """
    p = np.asarray(p_values, dtype=float)
    if p.ndim != 1:
        raise ValueError("p_values must be a one-dimensional array")
    tested = ~np.isnan(p)
    if ((p[tested] < 0) | (p[tested] > 1)).any():
        raise ValueError("p-values must lie between 0 and 1")
    adjusted = np.full(p.shape, np.nan)
    values = p[tested]
    m = values.size
    order = np.argsort(values)
    scaled = values[order] * m / np.arange(1, m + 1)
    running_min = np.minimum.accumulate(scaled[::-1])[::-1]
    result = np.empty(m)
    result[order] = np.minimum(running_min, 1.0)
    adjusted[tested] = result
    return adjusted


def trend(wave: ArrayLike, values: ArrayLike, *, confidence: float = 0.95) -> Trend:
    """Linear trend of scores over three or more waves, with its confidence interval.

    Parameters
    ----------
    wave : array_like
        Position in time of each response's wave (wave number, or years since the first wave).
    values : array_like
        Score of each response; NaN = missing, left out.
    confidence : float
        Confidence level of the interval of the slope.

    Returns
    -------
    Trend
        ``slope`` is the change of the mean per unit of ``wave``. Fewer than 3 distinct waves, or
        scores exactly on a line, give NaN tests and an ``undefined_reason``.

    Notes
    -----
    Ordinary least squares of the individual scores on time (e.g. Draper & Smith 1998, ch. 1):
    ``slope = Sxy / Sxx``, ``se = sqrt(SSE / (n - 2) / Sxx)``, ``t = slope / se`` on ``n - 2`` df,
    interval ``slope ± t(1 - α/2, n-2)·se``; as ``scipy.stats.linregress``. Waves with more
    answers weigh more, and answers are taken as independent (different or unlinked people).

    Examples
    --------
    >>> result = trend([0, 0, 1, 1, 2, 2], [40.0, 44.0, 45.0, 47.0, 50.0, 52.0])
    >>> result.slope, round(result.p_value, 4)
    (4.5, 0.0069)
    """
    confidence = check_confidence(confidence)
    x = np.asarray(wave, dtype=float)
    y = np.asarray(values, dtype=float)
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError("wave and values must be one-dimensional arrays")
    if x.size != y.size:
        raise ValueError(
            f"wave and values must have one entry per response, got {x.size} and {y.size}"
        )
    if not np.isfinite(x).all():
        raise ValueError("wave must be finite for every response")
    if np.isinf(y).any():
        raise ValueError("values must be finite or NaN (missing)")
    answered = ~np.isnan(y)
    x, y = x[answered], y[answered]
    n = int(x.size)
    n_waves = int(np.unique(x).size)

    counted = {"n": n, "n_waves": n_waves, "confidence": confidence}
    untested = {"ci": _NAN_PAIR, "statistic": np.nan, "df": np.nan, "p_value": np.nan}
    if n_waves < 3:
        reason = f"fewer than 3 waves with answers ({n_waves})"
        return Trend(**counted, **untested, slope=np.nan, intercept=np.nan, undefined_reason=reason)
    dx = x - x.mean()
    sxx = float(dx @ dx)
    line = {"slope": float(dx @ (y - y.mean())) / sxx}
    line["intercept"] = float(y.mean() - line["slope"] * x.mean())
    residuals = y - line["intercept"] - line["slope"] * x
    df = n - 2
    se = np.sqrt(float(residuals @ residuals) / df / sxx)
    if se == 0.0:
        reason = "every score lies exactly on the trend line"
        return Trend(**counted, **untested, **line, undefined_reason=reason)
    statistic = line["slope"] / se
    critical = stats.t.ppf(0.5 + confidence / 2, df)
    return Trend(
        **counted,
        **line,
        ci=(float(line["slope"] - critical * se), float(line["slope"] + critical * se)),
        statistic=float(statistic),
        df=float(df),
        p_value=_two_sided_t(statistic, df),
        undefined_reason=None,
    )


def classify_change(
    difference: float, p_adjusted: float, n_smallest: int, *, alpha: float = 0.05
) -> ChangeVerdict:
    """Put a change into the dashboard's words: direction and evidence.

    Parameters
    ----------
    difference : float
        ``after - before`` on a scale where higher means more purpose-driven.
    p_adjusted : float
        The change's p-value after Benjamini-Hochberg adjustment across the compared teams
        (NaN when the test was undefined).
    n_smallest : int
        Answers in the smaller wave (complete pairs for a paired comparison).
    alpha : float
        False discovery rate below which a change is called "likely real".

    Returns
    -------
    ChangeVerdict
        ``evidence`` is "too few answers to tell" when ``n_smallest`` is below
        :data:`MIN_N_LIKELY_REAL`; else "cannot be tested" when ``p_adjusted`` is NaN; else
        "likely real" when ``p_adjusted < alpha``; else "could be chance". ``direction`` is
        "towards purpose", "towards contractual" or "no change" by the sign of ``difference``
        ("unknown" when there are too few answers).

    Examples
    --------
    >>> classify_change(6.5, 0.003, 40).label
    'moved towards purpose, likely real'
    >>> classify_change(6.5, 0.003, 3).label
    'too few answers to tell'
    """
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    if n_smallest < MIN_N_LIKELY_REAL:
        return ChangeVerdict(UNKNOWN, TOO_FEW, TOO_FEW)
    if np.isnan(difference):
        raise ValueError("difference must be a number when both waves have answers")
    direction = (
        TOWARDS_PURPOSE if difference > 0 else TOWARDS_CONTRACTUAL if difference < 0 else NO_CHANGE
    )
    moved = NO_CHANGE if direction == NO_CHANGE else f"moved {direction}"
    if np.isnan(p_adjusted):
        evidence = NOT_TESTABLE
    else:
        evidence = LIKELY_REAL if p_adjusted < alpha else COULD_BE_CHANCE
    return ChangeVerdict(direction, evidence, f"{moved}, {evidence}")


def classify_changes(
    changes: Sequence[WaveChange | PairedChange], *, alpha: float = 0.05
) -> list[ChangeVerdict]:
    """Benjamini-Hochberg-adjust the p-values of many changes and classify each one.

    The changes are one family (e.g. every team's index change between the same two waves). The
    Welch (or paired t) p-values of the changes with at least :data:`MIN_N_LIKELY_REAL` answers
    per wave are adjusted together with :func:`benjamini_hochberg`; smaller ones can never be
    called "likely real", so they are left out of the family (a choice made on ``n`` alone, before
    seeing any p-value). Then each change goes through :func:`classify_change`.

    Examples
    --------
    >>> changes = [compare_waves([40.0] * 5 + [42.0], [60.0] * 5 + [62.0])]
    >>> classify_changes(changes)[0].label
    'moved towards purpose, likely real'
    """
    adjusted = benjamini_hochberg(
        [c.p_value if c.n_smallest >= MIN_N_LIKELY_REAL else np.nan for c in changes]
    )
    return [
        classify_change(change.difference, p, change.n_smallest, alpha=alpha)
        for change, p in zip(changes, adjusted, strict=True)
    ]
