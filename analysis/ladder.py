"""The WHY ladder: where the top rungs point, and how that moved between two waves.

A respondent's ladder ends at a top rung that points to one of the questionnaire's targets (e.g.
my pay .. society and the planet), each a *category*. Here a top rung is a category code (an
index into the questionnaire's list of targets), ``-1`` for a respondent without a ladder.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

NO_RUNG = -1
MIN_EXPECTED_FOR_CHI_SQUARE = 5
"""Cochran's (1954) rule: the chi-square approximation is used only when every expected count
of the waves x categories table is at least this."""
MONTE_CARLO_RESAMPLES = 9999
MONTE_CARLO_SEED = 1991
CHI_SQUARE = "Pearson chi-square"
FISHER_EXACT = "Fisher exact"
NOT_COMPUTED = "not computed"
FISHER_MONTE_CARLO = "Fisher-Freeman-Halton exact test, Monte Carlo p-value"


@dataclass(frozen=True)
class TopRungChange:
    """How the distribution of top rungs moved between two waves.

    ``purpose_*``: the share of ladders whose top rung points to a purpose category (customers,
    society and the planet), compared with Fisher's exact test on the waves x (purpose,
    contractual) table. ``distribution_*``: the whole distribution over categories, compared with
    the test named in ``distribution_test``.
    """

    categories: tuple[str, ...]
    counts_before: tuple[int, ...]
    counts_after: tuple[int, ...]
    n_before: int
    n_after: int
    purpose_share_before: float
    purpose_share_after: float
    purpose_share_difference: float
    purpose_p_value: float
    distribution_test: str
    distribution_statistic: float
    distribution_p_value: float
    undefined_reason: str | None

    @property
    def difference(self) -> float:
        """The purpose share's change: what :func:`analysis.change.classify_changes` reads."""
        return self.purpose_share_difference

    @property
    def p_value(self) -> float:
        """Fisher's p-value of the purpose share, the test a family of teams adjusts."""
        return self.purpose_p_value

    @property
    def n_smallest(self) -> int:
        """Ladders in the wave with fewer."""
        return min(self.n_before, self.n_after)


def _top_codes(top: ArrayLike, n_categories: int, name: str) -> np.ndarray:
    codes = np.asarray(top)
    if codes.ndim != 1 or not (codes.size == 0 or np.issubdtype(codes.dtype, np.integer)):
        raise ValueError(f"{name} must be a one-dimensional array of integer category codes")
    if ((codes < NO_RUNG) | (codes >= n_categories)).any():
        raise ValueError(
            f"{name} must hold -1 (no ladder) or category codes from 0 to {n_categories - 1}"
        )
    return codes[codes != NO_RUNG]


def _check_categories(categories: Sequence[str]) -> tuple[str, ...]:
    names = tuple(categories)
    if not names:
        raise ValueError("categories must name at least one category")
    if len(set(names)) != len(names):
        raise ValueError("categories must be distinct")
    return names


def top_rung_shares(groups: ArrayLike, top: ArrayLike, categories: Sequence[str]) -> pd.DataFrame:
    """Count and share of each top-rung category per group (e.g. per wave or per team).

    Vectorised with ``np.bincount``: one pass, none per group. For every team's whole subtree at
    once, give each respondent's row once per team above it too, as
    :func:`analysis.hierarchy.expand_to_ancestors` does: ``top_rung_shares(groups, top[rows],
    categories)`` with its ``rows, groups``.

    Parameters
    ----------
    groups : array_like of int
        Group code of each respondent (row), ``>= 0``.
    top : array_like of int
        Top-rung category code of each respondent; -1 = no ladder, not counted.
    categories : sequence of str
        Name of each category code.

    Returns
    -------
    pandas.DataFrame
        One row per (group present in ``groups``, category): ``group``, ``category``, ``count``,
        ``n`` (the group's ladders), ``share = count / n`` and ``undefined_reason``
        (``"no ladder answers"`` when ``n == 0``, else missing).

    Examples
    --------
    >>> table = top_rung_shares([0, 0, 1], [1, 0, 1], ["pay", "customers"])
    >>> table["share"].tolist()
    [0.5, 0.5, 0.0, 1.0]
    """
    names = _check_categories(categories)
    codes = np.asarray(groups)
    if codes.ndim != 1 or not (codes.size == 0 or np.issubdtype(codes.dtype, np.integer)):
        raise ValueError("groups must be a one-dimensional array of integer codes")
    tops = np.asarray(top)
    if tops.shape != codes.shape:
        raise ValueError(
            f"groups and top must have one entry per respondent, got {codes.size} and {tops.size}"
        )
    if codes.size == 0:
        raise ValueError("groups has no respondents")
    if codes.min() < 0:
        raise ValueError("group codes must be non-negative")
    _top_codes(tops, len(names), "top")
    k = len(names)
    size = int(codes.max()) + 1
    present = np.flatnonzero(np.bincount(codes, minlength=size))
    laddered = tops != NO_RUNG
    counts = np.bincount(codes[laddered] * k + tops[laddered], minlength=size * k)
    counts = counts.reshape(size, k)[present]
    n = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore"):
        shares = counts / n
    n = np.broadcast_to(n, counts.shape).ravel()
    return pd.DataFrame(
        {
            "group": np.repeat(present, k),
            "category": np.tile(np.asarray(names, dtype=object), present.size),
            "count": counts.ravel(),
            "n": n,
            "share": shares.ravel(),
            "undefined_reason": pd.Series(
                np.where(n == 0, "no ladder answers", ""), dtype="string"
            ).replace("", pd.NA),
        }
    )


def _distribution_test(table: np.ndarray) -> tuple[str, float, float]:
    used = table[:, table.sum(axis=0) > 0]
    if used.shape[1] == 1:
        return FISHER_EXACT, 1.0, 1.0
    if stats.contingency.expected_freq(used).min() >= MIN_EXPECTED_FOR_CHI_SQUARE:
        result = stats.chi2_contingency(used, correction=False)
        return CHI_SQUARE, float(result.statistic), float(result.pvalue)
    if used.shape[1] == 2:
        probability = stats.random_table(used.sum(axis=1), used.sum(axis=0)).pmf(used)
        return FISHER_EXACT, float(probability), float(stats.fisher_exact(used).pvalue)
    return (FISHER_MONTE_CARLO, *_freeman_halton_monte_carlo(used))


def _freeman_halton_monte_carlo(table: np.ndarray) -> tuple[float, float]:
    """Probability of ``table`` given its margins, and its Monte Carlo Freeman-Halton p-value.

    The p-value is ``(1 + #{simulated tables no more probable than the observed one}) / (1 +
    R)`` over ``R`` tables drawn with the observed margins (Phipson & Smyth 2010: never 0), "no
    more probable" with scipy's relative tolerance of 100 machine epsilons. The draws are
    those of ``scipy.stats.fisher_exact(table, method=MonteCarloMethod(n_resamples=R, rng=seed))``
    and so is the result, wherever that call works: it returns shape-(1,) arrays when the table
    holds fewer answers than cells, and fails when it holds ``R`` times as many as cells or more
    (it takes the table's size to tell one table from a batch of simulated ones).
    """
    margins = stats.random_table(
        table.sum(axis=1), table.sum(axis=0), seed=np.random.default_rng(MONTE_CARLO_SEED)
    )
    observed = float(margins.pmf(table))
    simulated = margins.pmf(margins.rvs(size=MONTE_CARLO_RESAMPLES))
    tolerance = 100 * np.finfo(float).eps * observed
    as_extreme = np.count_nonzero(simulated <= observed + tolerance)
    return min(observed, 1.0), (as_extreme + 1) / (MONTE_CARLO_RESAMPLES + 1)


def compare_top_rungs(
    before: ArrayLike,
    after: ArrayLike,
    categories: Sequence[str],
    purpose: Collection[str],
    *,
    distribution: bool = True,
) -> TopRungChange:
    """Compare where the ladders' top rungs point in two waves.

    Parameters
    ----------
    before, after : array_like of int
        Top-rung category code of each respondent in each wave; -1 = no ladder.
    categories : sequence of str
        Name of each category code.
    purpose : collection of str
        The categories that point to purpose (e.g. customers, society and the planet); the
        others count as contractual. Must name some but not all categories.
    distribution : bool
        Also test the whole distribution (False: only the purpose share, which is cheap; the
        distribution's fields are then NaN and its test "not computed").

    Returns
    -------
    TopRungChange
        With no ladder in a wave, every share and test is NaN and ``undefined_reason`` says why.

    Notes
    -----
    Purpose against contractual: Fisher's (1935) exact test on the 2 x 2 table waves x (purpose,
    contractual), ``scipy.stats.fisher_exact``, two-sided; exact at every sample size.

    The whole distribution (categories nobody chose dropped), by Cochran's (1954) rule: when every
    expected count ``row total · column total / N`` is at least 5, Pearson's chi-square test of
    homogeneity (``scipy.stats.chi2_contingency(table, correction=False)``); otherwise an exact
    test: Fisher's for two categories, and for three or more the Fisher-Freeman-Halton test
    (Freeman & Halton 1951), whose p-value is estimated from 9,999 Monte Carlo tables with the
    observed margins (the draws and result of ``scipy.stats.fisher_exact(table,
    method=MonteCarloMethod(...))``, without its failures on small tables; fixed seed, so the
    same data always give the same p-value; its Monte Carlo standard error is at most 0.005).
    For the exact tests ``distribution_statistic`` is the probability of the observed table
    given its margins; when a single category was chosen that table is the only possible one,
    and both it and the p-value are 1.

    Examples
    --------
    >>> result = compare_top_rungs([0, 0, 0, 1], [1, 1, 1, 0], ["pay", "customers"], {"customers"})
    >>> result.purpose_share_difference, round(result.purpose_p_value, 4)
    (0.5, 0.4857)
    """
    names = _check_categories(categories)
    purpose_names = set(purpose)
    if not purpose_names <= set(names):
        unknown = ", ".join(sorted(purpose_names - set(names)))
        raise ValueError(f"purpose names categories that are not in categories: {unknown}")
    if not purpose_names or purpose_names == set(names):
        raise ValueError("purpose must name some but not all categories")
    k = len(names)
    table = np.array(
        [
            np.bincount(_top_codes(before, k, "before"), minlength=k),
            np.bincount(_top_codes(after, k, "after"), minlength=k),
        ]
    )
    n_before, n_after = (int(total) for total in table.sum(axis=1))
    is_purpose = np.array([name in purpose_names for name in names])
    counts = (tuple(int(c) for c in table[0]), tuple(int(c) for c in table[1]))
    if n_before == 0 or n_after == 0:
        return TopRungChange(
            categories=names,
            counts_before=counts[0],
            counts_after=counts[1],
            n_before=n_before,
            n_after=n_after,
            purpose_share_before=np.nan,
            purpose_share_after=np.nan,
            purpose_share_difference=np.nan,
            purpose_p_value=np.nan,
            distribution_test="none",
            distribution_statistic=np.nan,
            distribution_p_value=np.nan,
            undefined_reason=f"no ladder answers in a wave (before: {n_before}, after: {n_after})",
        )
    purpose_counts = table[:, is_purpose].sum(axis=1)
    two_by_two = np.column_stack([purpose_counts, table.sum(axis=1) - purpose_counts])
    share_before, share_after = purpose_counts / table.sum(axis=1)
    test, statistic, p_value = (
        _distribution_test(table) if distribution else (NOT_COMPUTED, np.nan, np.nan)
    )
    return TopRungChange(
        categories=names,
        counts_before=counts[0],
        counts_after=counts[1],
        n_before=n_before,
        n_after=n_after,
        purpose_share_before=float(share_before),
        purpose_share_after=float(share_after),
        purpose_share_difference=float(share_after - share_before),
        purpose_p_value=float(stats.fisher_exact(two_by_two).pvalue),
        distribution_test=test,
        distribution_statistic=statistic,
        distribution_p_value=p_value,
        undefined_reason=None,
    )
