"""The WHY ladder: top-rung shares per group, and the tests of how the top rung moved."""

import itertools
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analysis.hierarchy import expand_to_ancestors
from analysis.ladder import (
    CHI_SQUARE,
    FISHER_EXACT,
    FISHER_MONTE_CARLO,
    MONTE_CARLO_RESAMPLES,
    MONTE_CARLO_SEED,
    compare_top_rungs,
    top_rung_shares,
)

TARGETS = ["my pay", "team target", "company target", "shareholders", "customers", "planet"]
PURPOSE = {"customers", "planet"}


def exactly(message: str) -> str:
    return f"^{re.escape(message)}$"


def wave(counts: list[int]) -> np.ndarray:
    """Top-rung codes of a wave with ``counts[k]`` respondents pointing to category ``k``."""
    return np.repeat(np.arange(len(counts)), counts)


def freeman_halton_exact(top: list[int], bottom: list[int]) -> tuple[float, float]:
    """Exact Fisher-Freeman-Halton test of a 2 x K table by enumerating every table.

    Freeman & Halton (1951): with the margins fixed, a table's probability is
    prod_k C(c_k, a_k) / C(N, r_1) for first row a; the p-value sums the probabilities of the
    tables no more probable than the observed one.
    """
    columns = [a + b for a, b in zip(top, bottom, strict=True)]
    n, first_row = sum(columns), sum(top)

    def probability(row: tuple[int, ...]) -> float:
        ways = math.prod(math.comb(c, a) for c, a in zip(columns, row, strict=True))
        return ways / math.comb(n, first_row)

    observed = probability(tuple(top))
    rows = itertools.product(*(range(c + 1) for c in columns))
    tables = [probability(row) for row in rows if sum(row) == first_row]
    return observed, sum(p for p in tables if p <= observed * (1 + 1e-7))


class TestTopRungShares:
    def test_counts_and_shares_per_group(self):
        table = top_rung_shares([0, 0, 0, 2, 2], [4, 0, -1, 5, 5], TARGETS)
        assert table["group"].unique().tolist() == [0, 2]
        first = table[table["group"] == 0].set_index("category")
        assert first["count"].to_dict() == {
            name: int(name in {"my pay", "customers"}) for name in TARGETS
        }
        assert first["n"].unique().tolist() == [2]
        assert first.loc["customers", "share"] == 0.5
        assert table[table["group"] == 2].set_index("category").loc["planet", "share"] == 1.0
        assert table["undefined_reason"].isna().all()

    def test_every_subtree_at_once_over_rows_expanded_to_ancestors(self):
        # Tree: 0 -> 1 -> 2, and 3 on its own. Respondents in teams 2, 2, 1 and 3.
        rows, groups = expand_to_ancestors([2, 2, 1, 3], [-1, 0, 1, -1])
        top = np.array([4, 0, 5, 1])
        table = top_rung_shares(groups, top[rows], TARGETS).set_index(["group", "category"])
        assert table.loc[(0, "customers"), "count"] == 1  # team 0 counts its whole subtree
        assert table.loc[(0, "planet"), "count"] == 1
        assert table.loc[0, "n"].unique().tolist() == [3]
        assert table.loc[(1, "planet"), "share"] == pytest.approx(1 / 3)
        assert table.loc[2, "n"].unique().tolist() == [2]
        assert table.loc[(3, "team target"), "share"] == 1.0

    def test_a_group_without_ladders_says_why(self):
        table = top_rung_shares([0, 1], [4, -1], TARGETS)
        unanswered = table[table["group"] == 1]
        assert unanswered["undefined_reason"].unique().tolist() == ["no ladder answers"]
        assert unanswered["share"].isna().all()
        assert (unanswered["n"] == 0).all()

    @pytest.mark.parametrize(
        ("groups", "top", "categories", "message"),
        [
            ([0], [6], TARGETS, "top must hold -1 (no ladder) or category codes from 0 to 5"),
            ([0], [0], [], "categories must name at least one category"),
            ([0], [0], ["pay", "pay"], "categories must be distinct"),
            (
                [0, 1],
                [0],
                TARGETS,
                "groups and top must have one entry per respondent, got 2 and 1",
            ),
            ([], [], TARGETS, "groups has no respondents"),
            ([-1], [0], TARGETS, "group codes must be non-negative"),
            ([0.5], [0], TARGETS, "groups must be a one-dimensional array of integer codes"),
        ],
    )
    def test_bad_input_is_rejected(self, groups, top, categories, message):
        with pytest.raises(ValueError, match=exactly(message)):
            top_rung_shares(groups, top, categories)


class TestCompareTopRungs:
    def test_purpose_share_uses_fishers_exact_test(self):
        # Fisher's (1935) tea-tasting table [[3, 1], [1, 3]]; R: fisher.test(TeaTasting) prints
        # p-value = 0.4857. By hand: the hypergeometric probabilities of the tables with first
        # cell 0..4 are 1/70, 16/70, 36/70, 16/70, 1/70; those no more probable than the
        # observed 16/70 sum to 34/70.
        categories = ["my pay", "customers"]
        result = compare_top_rungs(wave([3, 1]), wave([1, 3]), categories, {"customers"})
        assert result.purpose_p_value == pytest.approx(34 / 70, rel=1e-12)
        assert result.purpose_p_value == pytest.approx(0.4857, abs=5e-5)
        assert result.distribution_test == FISHER_EXACT
        assert result.distribution_p_value == pytest.approx(34 / 70, rel=1e-12)
        assert result.distribution_statistic == pytest.approx(16 / 70, rel=1e-12)
        assert (result.purpose_share_before, result.purpose_share_after) == (0.25, 0.75)
        assert result.purpose_share_difference == 0.5

    def test_large_counts_use_the_chi_square_test(self):
        # Agresti (2007), party identification by gender; R: chisq.test(M) with
        # M <- as.table(rbind(c(762, 327, 468), c(484, 239, 477))) prints
        # X-squared = 30.07, df = 2, p-value = 2.954e-07.
        categories = ["my pay", "shareholders", "customers"]
        result = compare_top_rungs(
            wave([762, 327, 468]), wave([484, 239, 477]), categories, {"customers"}
        )
        assert result.distribution_test == CHI_SQUARE
        assert result.distribution_statistic == pytest.approx(30.07, abs=5e-3)
        assert result.distribution_p_value == pytest.approx(2.954e-07, abs=5e-11)
        # scipy.stats.chi2_contingency(M, correction=False)
        assert result.distribution_statistic == pytest.approx(30.070149095754672, rel=1e-12)
        assert result.distribution_p_value == pytest.approx(2.9535891832117595e-07, rel=1e-9)
        # scipy.stats.fisher_exact([[468, 1089], [477, 723]]).pvalue
        assert result.purpose_p_value == pytest.approx(1.1355517020517701e-07, rel=1e-9)
        assert (result.n_before, result.n_after) == (1557, 1200)
        assert result.counts_before == (762, 327, 468)

    def test_small_counts_use_the_freeman_halton_test(self):
        before, after = [3, 2, 1, 0, 0, 0], [0, 1, 3, 4, 0, 0]
        result = compare_top_rungs(wave(before), wave(after), TARGETS, PURPOSE)
        observed, exact_p = freeman_halton_exact(before[:4], after[:4])
        assert exact_p == pytest.approx(0.051615051615051616, rel=1e-12)
        assert result.distribution_test == FISHER_MONTE_CARLO
        assert result.distribution_statistic == pytest.approx(observed, rel=1e-9)
        # 9,999 Monte Carlo tables: standard error sqrt(p (1 - p) / 9999) = 0.0022.
        assert result.distribution_p_value == pytest.approx(exact_p, abs=4 * 0.0022)
        assert compare_top_rungs(wave(before), wave(after), TARGETS, PURPOSE) == result

    def test_a_second_small_table_agrees_with_full_enumeration(self):
        before, after = [4, 3, 2, 1, 0, 2], [1, 1, 3, 2, 4, 5]
        result = compare_top_rungs(wave(before), wave(after), TARGETS, PURPOSE)
        _, exact_p = freeman_halton_exact(before, after)
        assert exact_p == pytest.approx(0.16681335445637474, rel=1e-12)
        assert result.distribution_p_value == pytest.approx(exact_p, abs=4 * 0.0038)

    @pytest.mark.parametrize(
        ("before", "after", "test"),
        [
            ([5, 5, 5], [5, 5, 5], CHI_SQUARE),  # every expected count is 5
            ([4, 5, 6], [4, 5, 6], FISHER_MONTE_CARLO),  # the smallest expected count is 4
            ([5, 5, 0], [5, 5, 0], CHI_SQUARE),  # the category nobody chose is dropped
            ([4, 6, 0], [4, 6, 0], FISHER_EXACT),  # two categories used, expected 4
        ],
    )
    def test_cochrans_rule_chooses_the_test(self, before, after, test):
        result = compare_top_rungs(wave(before), wave(after), TARGETS[3:], {"customers"})
        assert result.distribution_test == test

    def test_a_single_category_is_no_change(self):
        result = compare_top_rungs(wave([0, 0, 0, 0, 3]), wave([0, 0, 0, 0, 2]), TARGETS, PURPOSE)
        assert (result.distribution_test, result.distribution_p_value) == (FISHER_EXACT, 1.0)
        assert result.purpose_p_value == 1.0
        assert result.purpose_share_difference == 0.0

    def test_a_wave_without_ladders_says_why(self):
        result = compare_top_rungs([-1, -1], [4], TARGETS, PURPOSE)
        assert result.undefined_reason == "no ladder answers in a wave (before: 0, after: 1)"
        values = [result.purpose_share_before, result.purpose_share_after]
        values += [result.purpose_p_value, result.distribution_p_value]
        assert np.isnan(values).all()
        assert result.distribution_test == "none"

    def test_a_table_with_fewer_answers_than_cells_gets_its_exact_test(self):
        # Regression: scipy.stats.fisher_exact(table, method=MonteCarloMethod(...)) returns
        # shape-(1,) arrays for a table with fewer answers than cells (here 7 in 2 x 5), and
        # float() raised TypeError. By hand: margins (4, 3) and (2, 1, 1, 1, 2), C(7, 4) = 35
        # tables of first row a, each with probability prod C(c_k, a_k) / 35; the observed
        # (2, 0, 1, 1, 0) has 1 / 35, and the 7 tables with a_1, a_5 in {0, 2} are all as
        # improbable (3 with a_1 = 2, a_5 = 0; 3 the other way; 1 with both 2): p = 7 / 35.
        before, after = [2, 0, 1, 0, 1, 0], [0, 1, 0, 0, 0, 2]
        result = compare_top_rungs(wave(before), wave(after), TARGETS, PURPOSE)
        assert result.distribution_test == FISHER_MONTE_CARLO
        assert result.distribution_statistic == pytest.approx(1 / 35, rel=1e-9)
        assert freeman_halton_exact([2, 0, 1, 1, 0], [0, 1, 0, 0, 2]) == pytest.approx(
            (1 / 35, 7 / 35), rel=1e-12
        )
        # sqrt(0.2 * 0.8 / 9999) = 0.004
        assert result.distribution_p_value == pytest.approx(7 / 35, abs=4 * 0.004)

    def test_a_very_large_table_gets_its_monte_carlo_test(self):
        # Regression: with as many answers as 9,999 times its cells, scipy's call takes the
        # observed table for a batch and raises ValueError (cannot reshape ... into (2, 3)).
        before, after = [30000, 29990, 1], [1, 1, 3]
        result = compare_top_rungs(wave(before), wave(after), TARGETS[3:], {"customers"})
        assert result.distribution_test == FISHER_MONTE_CARLO
        # The tables at least as improbable are rare: only the "+ 1" of the estimate is left.
        assert result.distribution_p_value == 1 / (MONTE_CARLO_RESAMPLES + 1)

    def test_the_monte_carlo_test_is_scipys_where_scipys_works(self):
        table = np.array([[3, 2, 1, 0], [0, 1, 3, 4]])
        method = stats.MonteCarloMethod(n_resamples=MONTE_CARLO_RESAMPLES, rng=MONTE_CARLO_SEED)
        reference = stats.fisher_exact(table, method=method)  # pvalue 0.0513
        result = compare_top_rungs(wave(table[0]), wave(table[1]), TARGETS[:4], {"team target"})
        assert result.distribution_p_value == float(reference.pvalue) == 0.0513
        assert result.distribution_statistic == pytest.approx(float(reference.statistic))

    @pytest.mark.parametrize(
        ("before", "purpose", "message"),
        [
            ([0], {"charity"}, "purpose names categories that are not in categories: charity"),
            ([0], set(), "purpose must name some but not all categories"),
            ([0], set(TARGETS), "purpose must name some but not all categories"),
            ([7], PURPOSE, "before must hold -1 (no ladder) or category codes from 0 to 5"),
            ([[0]], PURPOSE, "before must be a one-dimensional array of integer category codes"),
        ],
    )
    def test_bad_input_is_rejected(self, before, purpose, message):
        with pytest.raises(ValueError, match=exactly(message)):
            compare_top_rungs(before, [0], TARGETS, purpose)


small_waves = st.integers(2, 5).flatmap(
    lambda k: st.tuples(
        st.lists(st.integers(0, 3), min_size=k, max_size=k),
        st.lists(st.integers(0, 3), min_size=k, max_size=k),
    )
)


@settings(max_examples=80, deadline=None)
@given(waves=small_waves, purpose_at=st.integers(0, 4))
def test_every_small_comparison_gives_valid_tests_that_agree_with_full_enumeration(
    waves, purpose_at
):
    """Any two small waves: no error, p-values in (0, 1], shares from the counts, and the
    distribution test agrees with enumerating every table with the same margins."""
    before, after = waves
    names = TARGETS[: len(before)]
    purpose = {names[purpose_at % len(names)]}
    result = compare_top_rungs(wave(before), wave(after), names, purpose)
    if sum(before) == 0 or sum(after) == 0:
        assert result.undefined_reason is not None
        return
    assert result.undefined_reason is None
    at = names.index(next(iter(purpose)))
    assert result.purpose_share_before == before[at] / sum(before)
    assert result.purpose_share_after == after[at] / sum(after)
    assert 0 < result.purpose_p_value <= 1
    assert 0 < result.distribution_p_value <= 1
    swapped = compare_top_rungs(wave(after), wave(before), names, purpose)
    assert swapped.purpose_p_value == pytest.approx(result.purpose_p_value, rel=1e-12)
    used = [i for i in range(len(before)) if before[i] + after[i]]
    observed, exact_p = freeman_halton_exact([before[i] for i in used], [after[i] for i in used])
    if result.distribution_test == CHI_SQUARE:
        return
    assert result.distribution_statistic == pytest.approx(observed, rel=1e-9)
    if result.distribution_test == FISHER_EXACT:
        assert result.distribution_p_value == pytest.approx(exact_p, rel=1e-9)
    else:  # 5 Monte Carlo standard errors, and the estimate's + 1 / (R + 1)
        error = math.sqrt(exact_p * max(1 - exact_p, 0) / MONTE_CARLO_RESAMPLES)
        assert result.distribution_p_value == pytest.approx(exact_p, abs=5 * error + 2e-4)
