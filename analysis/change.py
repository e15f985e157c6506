"""Change between waves: how far a team's index moved, and whether chance alone could explain it.

Two waves with different or unlinked people: :func:`compare_summaries` (Welch's test and Hedges'
g from each wave's ``n``, mean and SD, which is what a release keeps). The same people answering
twice, linked by a pseudonym (confidential assessments): :func:`paired_change` (paired t and
Wilcoxon) and :func:`reliable_change` (Jacobson & Truax 1991) per person. Three or more waves:
:func:`trend`. Each comes with :func:`detectable_difference`, the smallest change its sample
could be expected to pick up. Many teams at once: :func:`benjamini_hochberg`, and the words of
:func:`classify_change` / :func:`classify_changes`.

A p-value is not the probability that a change is real (Wasserstein & Lazar 2016, "The ASA
statement on p-values", The American Statistician 70(2)), so the words say what the test says:
a change is "larger than chance variation" when, within its family, the Benjamini-Hochberg
adjusted p-value is below 5%; otherwise it is "not distinguishable from chance", which does not
mean that nothing moved. A test needs at least 2 answers in each wave (2 pairs, 3 waves for a
trend), else its statistics are NaN and ``undefined_reason`` says why; words other than "too few
answers to tell" further need :data:`MIN_N_VERDICT` answers in each wave.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import numpy as np
from numpy.typing import ArrayLike
from scipy import special, stats

from analysis.groups import check_confidence

MIN_N_VERDICT = 5
"""Fewest answers per wave (or pairs) for which a change gets a verdict in words."""
DETECTABLE_POWER = 0.8
"""The power at which :func:`detectable_difference` is quoted (Cohen 1988's convention)."""

WELCH = "Welch's t-test (independent samples)"
PAIRED = "paired t-test (the same people in both waves)"
TREND = "linear trend (least squares over the waves)"

TOWARDS_PURPOSE = "towards purpose"
TOWARDS_CONTRACTUAL = "towards contractual"
NO_CHANGE = "no change"
BEYOND_CHANCE = "larger than chance variation"
WITHIN_CHANCE = "not distinguishable from chance"
TOO_FEW = "too few answers to tell"
NOT_TESTABLE = "cannot be tested"
UNKNOWN = "unknown"

NOBODY_CHANGED = "nobody changed: every difference is 0"
SAME_CHANGE = "everyone changed by the same amount: the t-test is not defined"

_NAN_PAIR = (np.nan, np.nan)
_UNTESTED: dict[str, Any] = {
    "ci": _NAN_PAIR,
    "statistic": np.nan,
    "df": np.nan,
    "p_value": np.nan,
    "detectable": np.nan,
}
"""The figures of a test that could not be run."""


class ChangeResult(Protocol):
    """What :func:`classify_changes` needs of a change."""

    @property
    def difference(self) -> float: ...

    @property
    def p_value(self) -> float: ...

    @property
    def n_smallest(self) -> int: ...


K = TypeVar("K")
R = TypeVar("R", bound=ChangeResult)


@dataclass(frozen=True)
class WaveChange:
    """Change of a mean between two independent waves (``after - before``).

    ``statistic``, ``df``, ``p_value`` and ``ci`` come from Welch's t-test; ``hedges_g`` and
    ``hedges_g_ci`` are the standardised difference; ``detectable`` is
    :func:`detectable_difference` for Welch's standard error and df.
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
    detectable: float
    confidence: float
    undefined_reason: str | None
    test: str = WELCH

    @property
    def n_smallest(self) -> int:
        """Answers in the smaller wave."""
        return min(self.n_before, self.n_after)


@dataclass(frozen=True)
class PairedChange:
    """Change of the same people between two waves (``after - before``, per person).

    ``statistic``, ``df``, ``p_value`` and ``ci`` come from the paired t-test; ``wilcoxon_*`` from
    the Wilcoxon signed-rank test; ``sd`` is the SD of the differences and ``detectable``
    :func:`detectable_difference` for the paired test. ``n`` counts complete pairs.
    """

    n: int
    mean_before: float
    mean_after: float
    difference: float
    sd: float
    ci: tuple[float, float]
    statistic: float
    df: float
    p_value: float
    wilcoxon_statistic: float
    wilcoxon_p_value: float
    detectable: float
    confidence: float
    undefined_reason: str | None
    test: str = PAIRED

    @property
    def n_smallest(self) -> int:
        """Complete pairs."""
        return self.n


@dataclass(frozen=True, eq=False)
class ReliableChange:
    """Reliable change index per person (Jacobson & Truax 1991) and the counts it implies.

    ``rci`` is NaN for a person missing either wave; ``n`` counts complete pairs;
    ``threshold`` is the smallest individual change that counts as reliable
    (``critical_value · s_diff``, in the scores' units).
    """

    rci: np.ndarray
    standard_error: float
    s_diff: float
    critical_value: float
    threshold: float
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
    n_smallest: int
    slope: float
    intercept: float
    ci: tuple[float, float]
    statistic: float
    df: float
    p_value: float
    detectable: float
    confidence: float
    undefined_reason: str | None
    test: str = TREND

    @property
    def difference(self) -> float:
        """The slope: what :func:`classify_changes` reads as the direction of the change."""
        return self.slope


@dataclass(frozen=True)
class ChangeVerdict:
    """Plain-words reading of a change: a direction, the evidence for it, and a label.

    ``p_adjusted`` is the change's Benjamini-Hochberg adjusted p-value within its family (NaN
    when it was not tested).
    """

    direction: str
    evidence: str
    label: str
    p_adjusted: float = np.nan


def _two_sided_t(statistic: float, df: float) -> float:
    """``2·P(T > |t|)`` on ``df`` degrees of freedom (``scipy.special.stdtr``)."""
    return float(2.0 * special.stdtr(df, -abs(statistic)))


def _t_quantile(probability: float, df: float) -> float:
    """Student t quantile (``scipy.special.stdtrit``, what ``stats.t.ppf`` calls, without its
    argument checks: this runs for every team of an organisation)."""
    return float(special.stdtrit(df, probability))


def detectable_difference(
    standard_error: float,
    df: float,
    *,
    alpha: float = 0.05,
    power: float = DETECTABLE_POWER,
) -> float:
    """The smallest true change a two-sided t-test would detect with the given power.

    Parameters
    ----------
    standard_error : float
        Standard error of the estimated change (Welch's, the paired one, or a trend's slope).
    df : float
        Degrees of freedom of the test.
    alpha : float
        Two-sided level of a single test.
    power : float
        Wanted probability of detecting the change.

    Returns
    -------
    float
        NaN when the standard error or df is not a positive number.

    Notes
    -----
    Bloom, H. S. (1995). Minimum detectable effects: a simple way to report the statistical
    power of experimental designs. Evaluation Review, 19(5), 547-556:
    ``MDE = (t(1 - alpha/2, df) + t(power, df)) · SE``. It uses the spread observed, so it says
    what this team's size and spread can pick up, not what the team's true change is; and it is
    for a single test, so within a family adjusted by Benjamini-Hochberg the change needed is
    somewhat larger.

    Examples
    --------
    >>> round(detectable_difference(2.0, 18.0), 3)
    5.926
    """
    if not 0.0 < alpha < 1.0 or not 0.0 < power < 1.0:
        raise ValueError(f"alpha and power must be between 0 and 1, got {alpha} and {power}")
    if not (np.isfinite(standard_error) and standard_error > 0 and np.isfinite(df) and df > 0):
        return np.nan
    multiplier = _t_quantile(1.0 - alpha / 2.0, df) + _t_quantile(power, df)
    return float(multiplier * standard_error)


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
    change between two released waves is computed from these alone.

    Parameters
    ----------
    n_before, mean_before, sd_before, n_after, mean_after, sd_after
        Size, mean and standard deviation (``ddof=1``; NaN when ``n < 2``) of each wave.
    confidence : float
        Confidence level of the intervals.

    Returns
    -------
    WaveChange
        With fewer than 2 answers in a wave, or no spread in either wave, the tests are NaN and
        ``undefined_reason`` says why.

    Notes
    -----
    Welch (1947): ``d = mean_a - mean_b``, ``se = sqrt(s_a²/n_a + s_b²/n_b)``, ``t = d / se`` with
    Welch-Satterthwaite ``df = se⁴ / ((s_a²/n_a)²/(n_a-1) + (s_b²/n_b)²/(n_b-1))``; interval
    ``d ± t(1 - α/2, df)·se`` (as ``scipy.stats.ttest_ind_from_stats(..., equal_var=False)``).

    Hedges' g (Hedges & Olkin 1985): ``g = J·d / s_pooled`` with
    ``s_pooled² = ((n_a-1)s_a² + (n_b-1)s_b²) / (n_a+n_b-2)`` and ``J = 1 - 3/(4(n_a+n_b) - 9)``;
    interval ``g ± t(1 - α/2, n_a+n_b-2)·sqrt((n_a+n_b)/(n_a·n_b) + g²/(2(n_a+n_b)))`` (Hedges &
    Olkin 1985, p. 86, as in pingouin's ``compute_esci``).

    When the same people answer both waves the two samples are not independent, and Welch's
    test is conservative (its p-values too large); :func:`paired_change` is the test then.

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
    described: dict[str, Any] = {
        "n_before": n_b,
        "n_after": n_a,
        "mean_before": mean_b,
        "mean_after": mean_a,
        "difference": difference,
        "confidence": confidence,
    }
    untested = _UNTESTED | {"hedges_g": np.nan, "hedges_g_ci": _NAN_PAIR}
    if n_b < 2 or n_a < 2:
        reason = f"fewer than 2 answers in a wave (before: {n_b}, after: {n_a})"
        return WaveChange(**described, **untested, undefined_reason=reason)
    var_b, var_a = float(sd_before) ** 2, float(sd_after) ** 2
    if var_b == 0.0 and var_a == 0.0:
        reason = "no spread in either wave: every answer within a wave is the same"
        return WaveChange(**described, **untested, undefined_reason=reason)

    share_b, share_a = var_b / n_b, var_a / n_a
    se = float(np.sqrt(share_b + share_a))
    df = (share_b + share_a) ** 2 / (share_b**2 / (n_b - 1) + share_a**2 / (n_a - 1))
    statistic = difference / se
    critical = _t_quantile(0.5 + confidence / 2, df)

    pooled_df = n_b + n_a - 2
    pooled_sd = np.sqrt(((n_b - 1) * var_b + (n_a - 1) * var_a) / pooled_df)
    g = (1.0 - 3.0 / (4.0 * (n_b + n_a) - 9.0)) * difference / pooled_sd
    g_se = np.sqrt((n_b + n_a) / (n_b * n_a) + g**2 / (2.0 * (n_b + n_a)))
    g_critical = _t_quantile(0.5 + confidence / 2, pooled_df)
    return WaveChange(
        **described,
        ci=(float(difference - critical * se), float(difference + critical * se)),
        statistic=float(statistic),
        df=float(df),
        p_value=_two_sided_t(statistic, df),
        hedges_g=float(g),
        hedges_g_ci=(float(g - g_critical * g_se), float(g + g_critical * g_se)),
        detectable=detectable_difference(se, df),
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
    differences = a - b
    described: dict[str, Any] = {
        "n": n,
        "mean_before": float(b.mean()) if n else np.nan,
        "mean_after": float(a.mean()) if n else np.nan,
        "difference": float(differences.mean()) if n else np.nan,
        "sd": float(differences.std(ddof=1)) if n > 1 else np.nan,
        "confidence": confidence,
    }
    if n < 2 or not differences.any():
        reason = f"fewer than 2 complete pairs ({n})" if n < 2 else NOBODY_CHANGED
        return PairedChange(
            **described,
            **_UNTESTED,
            wilcoxon_statistic=np.nan,
            wilcoxon_p_value=np.nan,
            undefined_reason=reason,
        )
    rank_test = stats.wilcoxon(differences, correction=True)
    wilcoxon: dict[str, Any] = {
        "wilcoxon_statistic": float(rank_test.statistic),
        "wilcoxon_p_value": float(rank_test.pvalue),
    }
    if described["sd"] == 0.0:
        return PairedChange(**described, **_UNTESTED, **wilcoxon, undefined_reason=SAME_CHANGE)
    return paired_from_summary(
        n,
        described["difference"],
        described["sd"],
        mean_before=described["mean_before"],
        wilcoxon=(wilcoxon["wilcoxon_statistic"], wilcoxon["wilcoxon_p_value"]),
        confidence=confidence,
    )


def paired_from_summary(
    n: int,
    difference: float,
    sd: float,
    *,
    mean_before: float = np.nan,
    wilcoxon: tuple[float, float] = _NAN_PAIR,
    confidence: float = 0.95,
) -> PairedChange:
    """The paired t-test from the pairs' count, mean difference and SD of the differences.

    A release stores these three numbers (and the Wilcoxon result) for a team, so that a view
    can rebuild the test without the answers. Formula as in :func:`paired_change`.

    Examples
    --------
    >>> result = paired_from_summary(3, 5.0, 3.0)
    >>> round(result.p_value, 4)
    0.102
    """
    confidence = check_confidence(confidence)
    n, difference, sd = int(n), float(difference), float(sd)
    described: dict[str, Any] = {
        "n": n,
        "mean_before": float(mean_before),
        "mean_after": float(mean_before + difference),
        "difference": difference,
        "sd": sd,
        "wilcoxon_statistic": float(wilcoxon[0]),
        "wilcoxon_p_value": float(wilcoxon[1]),
        "confidence": confidence,
    }
    if n < 2 or not np.isfinite(sd) or sd == 0.0:
        reason = (
            f"fewer than 2 complete pairs ({n})"
            if n < 2
            else NOBODY_CHANGED
            if difference == 0.0
            else SAME_CHANGE
        )
        return PairedChange(**described, **_UNTESTED, undefined_reason=reason)
    se = sd / np.sqrt(n)
    statistic = difference / se
    critical = _t_quantile(0.5 + confidence / 2, n - 1)
    return PairedChange(
        **described,
        ci=(float(difference - critical * se), float(difference + critical * se)),
        statistic=float(statistic),
        df=float(n - 1),
        p_value=_two_sided_t(statistic, n - 1),
        detectable=detectable_difference(se, n - 1),
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
        threshold=float(critical_value * s_diff),
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
    ``scipy.stats.false_discovery_control(p, method="bh")``. When no test's hypothesis is false,
    the false discovery rate is the chance of flagging anything at all, so it is then also the
    family-wise error rate. The control is proven for independent tests and for positively
    regression dependent ones (Benjamini & Yekutieli 2001); for the two-sided tests of an
    organisation's nested teams it is not proven, and shown by simulation instead
    (``bench/bench_change_family.py``: 4.4% of organisations flagged under no change).

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


def trend(
    times: ArrayLike,
    counts: ArrayLike,
    means: ArrayLike,
    sds: ArrayLike,
    *,
    confidence: float = 0.95,
) -> Trend:
    """Linear trend of the answers over three or more waves, from each wave's n, mean and SD.

    Parameters
    ----------
    times : array_like
        Position of each wave in time (wave number, or years since the first wave).
    counts, means, sds : array_like
        Each wave's number of answers, mean and SD (``ddof=1``; NaN when it has one answer).
    confidence : float
        Confidence level of the interval of the slope.

    Returns
    -------
    Trend
        ``slope`` is the change of the mean per unit of ``times``. Fewer than 3 waves with
        answers, or answers exactly on a line, give NaN tests and an ``undefined_reason``.

    Notes
    -----
    Ordinary least squares of the individual answers on time (e.g. Draper & Smith 1998, ch. 1),
    computed exactly from the waves' summaries: with ``N = Σn``, ``x̄ = Σ n·t / N``,
    ``ȳ = Σ n·m / N``: ``Sxx = Σ n(t - x̄)²``, ``Sxy = Σ n(t - x̄)(m - ȳ)``,
    ``SST = Σ (n-1)s² + Σ n(m - ȳ)²``; ``slope = Sxy / Sxx``, ``SSE = SST - slope·Sxy``,
    ``se = sqrt(SSE / (N - 2) / Sxx)``, ``t = slope / se`` on ``N - 2`` df; as
    ``scipy.stats.linregress`` on the answers. Waves with more answers weigh more, and answers
    are taken as independent; when the same people answer every wave the test is conservative.

    Examples
    --------
    >>> result = trend([0, 1, 2], [2, 2, 2], [42.0, 46.0, 51.0], [2.828427, 1.414214, 1.414214])
    >>> result.slope, round(result.p_value, 4)
    (4.5, 0.0069)
    """
    confidence = check_confidence(confidence)
    x, n, m, s = (np.asarray(a, dtype=float) for a in (times, counts, means, sds))
    if not (x.ndim == n.ndim == m.ndim == s.ndim == 1 and x.size == n.size == m.size == s.size):
        raise ValueError("times, counts, means and sds must be one-dimensional and of one length")
    if not np.isfinite(x).all() or (n < 0).any() or not np.isfinite(n).all():
        raise ValueError("times must be finite and counts non-negative for every wave")
    answered = n > 0
    x, n, m, s = x[answered], n[answered], m[answered], np.where(n[answered] > 1, s[answered], 0)
    total = int(n.sum())
    n_waves = int(np.unique(x).size)
    counted: dict[str, Any] = {
        "n": total,
        "n_waves": n_waves,
        "n_smallest": int(n.min()) if n.size else 0,
        "confidence": confidence,
    }
    if n_waves < 3:
        reason = f"fewer than 3 waves with answers ({n_waves})"
        return Trend(
            **counted, **_UNTESTED, slope=np.nan, intercept=np.nan, undefined_reason=reason
        )
    if not (np.isfinite(m).all() and np.isfinite(s).all()):
        raise ValueError("means and sds must be finite for every wave with answers")
    x_bar, y_bar = float(n @ x) / total, float(n @ m) / total
    sxx = float(n @ (x - x_bar) ** 2)
    sxy = float(n @ ((x - x_bar) * (m - y_bar)))
    sst = float((n - 1) @ s**2 + n @ (m - y_bar) ** 2)
    slope = sxy / sxx
    line: dict[str, Any] = {"slope": slope, "intercept": y_bar - slope * x_bar}
    df = total - 2
    sse = max(sst - slope * sxy, 0.0)
    se = float(np.sqrt(sse / df / sxx))
    if se <= 1e-12 * max(abs(slope), 1.0):
        reason = "every answer lies exactly on the trend line"
        return Trend(**counted, **_UNTESTED, **line, undefined_reason=reason)
    statistic = slope / se
    critical = _t_quantile(0.5 + confidence / 2, df)
    return Trend(
        **counted,
        **line,
        ci=(float(slope - critical * se), float(slope + critical * se)),
        statistic=float(statistic),
        df=float(df),
        p_value=_two_sided_t(statistic, df),
        detectable=detectable_difference(se, df),
        undefined_reason=None,
    )


def classify_change(
    difference: float, p_adjusted: float, n_smallest: int, *, alpha: float = 0.05
) -> ChangeVerdict:
    """Put a change into the dashboard's words: direction and what the test says.

    Parameters
    ----------
    difference : float
        ``after - before`` (or a trend's slope) on a scale where higher means more purpose.
    p_adjusted : float
        The change's p-value after Benjamini-Hochberg adjustment within its family (NaN when
        the test was undefined).
    n_smallest : int
        Answers in the smaller wave (complete pairs for a paired comparison).
    alpha : float
        False discovery rate below which a change is "larger than chance variation".

    Returns
    -------
    ChangeVerdict
        ``evidence`` is "too few answers to tell" when ``n_smallest`` is below
        :data:`MIN_N_VERDICT`; else "cannot be tested" when ``p_adjusted`` is NaN; else
        "larger than chance variation" when ``p_adjusted < alpha``; else "not distinguishable
        from chance". ``direction`` is "towards purpose", "towards contractual" or "no change"
        by the sign of ``difference`` ("unknown" when there are too few answers).

    Examples
    --------
    >>> classify_change(6.5, 0.003, 40).label
    'moved towards purpose, larger than chance variation'
    >>> classify_change(6.5, 0.003, 3).label
    'too few answers to tell'
    """
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    if n_smallest < MIN_N_VERDICT:
        return ChangeVerdict(UNKNOWN, TOO_FEW, TOO_FEW, float(p_adjusted))
    if np.isnan(difference):
        raise ValueError("difference must be a number when both waves have answers")
    direction = (
        TOWARDS_PURPOSE if difference > 0 else TOWARDS_CONTRACTUAL if difference < 0 else NO_CHANGE
    )
    moved = NO_CHANGE if direction == NO_CHANGE else f"moved {direction}"
    if np.isnan(p_adjusted):
        evidence = NOT_TESTABLE
    else:
        evidence = BEYOND_CHANCE if p_adjusted < alpha else WITHIN_CHANCE
    return ChangeVerdict(direction, evidence, f"{moved}, {evidence}", float(p_adjusted))


def classify_changes(
    changes: Sequence[ChangeResult], *, alpha: float = 0.05
) -> list[ChangeVerdict]:
    """Benjamini-Hochberg-adjust the p-values of one family of changes and classify each one.

    The family must be fixed before any p-value is seen and the same wherever a change is
    shown (the app uses every team of the organisation between the same two waves), else the
    adjustment depends on the page. Changes with fewer than :data:`MIN_N_VERDICT` answers per
    wave can never get a verdict, so they are left out of the family (a choice made on ``n``
    alone); then each change goes through :func:`classify_change`.

    Examples
    --------
    >>> changes = [compare_summaries(6, 40.3, 0.8, 6, 60.3, 0.8)]
    >>> classify_changes(changes)[0].label
    'moved towards purpose, larger than chance variation'
    """
    adjusted = benjamini_hochberg(
        [c.p_value if c.n_smallest >= MIN_N_VERDICT else np.nan for c in changes]
    )
    return [
        classify_change(change.difference, p, change.n_smallest, alpha=alpha)
        for change, p in zip(changes, adjusted, strict=True)
    ]


def classify_family(
    family: Mapping[K, R], *, alpha: float = 0.05
) -> dict[K, tuple[R, ChangeVerdict]]:
    """:func:`classify_changes` over a family keyed by what each change is of (a team, a team
    and dimension): each key's change with its verdict.

    >>> found = classify_family({"Paris": compare_summaries(6, 40.3, 0.8, 6, 60.3, 0.8)})
    >>> found["Paris"][1].label
    'moved towards purpose, larger than chance variation'
    """
    verdicts = classify_changes(list(family.values()), alpha=alpha)
    return {
        key: (change, verdict)
        for (key, change), verdict in zip(family.items(), verdicts, strict=True)
    }
