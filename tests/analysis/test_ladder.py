"""The WHY ladder: depth, top rung, and the tests of how the top rung moved between waves."""

import itertools
import math
import re

import numpy as np
import pytest

from analysis.groups import group_summaries
from analysis.ladder import (
    CHI_SQUARE,
    FISHER_EXACT,
    FISHER_MONTE_CARLO,
    compare_top_rungs,
    ladder_depth,
    top_rung,
    top_rung_shares,
)

TARGETS = ["my pay", "team target", "company target", "shareholders", "customers", "planet"]
PURPOSE = {"customers", "planet"}
LADDERS = ((0, 2, 3, 5, -1), (1, -1, -1, -1, -1), (-1, -1, -1, -1, -1), (0, 1, 2, 3, 4))


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


class TestDepthAndTopRung:
    def test_depth_counts_answered_rungs_and_marks_no_ladder_missing(self):
        np.testing.assert_array_equal(ladder_depth(LADDERS), [4.0, 1.0, np.nan, 5.0])

    def test_top_rung_is_the_last_answered_rung(self):
        assert top_rung(LADDERS).tolist() == [5, 1, -1, 4]

    def test_no_respondents_give_empty_results(self):
        empty = np.empty((0, 5), dtype=int)
        assert ladder_depth(empty).size == 0
        assert top_rung(empty).size == 0

    @pytest.mark.parametrize(
        ("rungs", "message"),
        [
            ([0, 1, 2], "rungs must be a two-dimensional array (responses x rungs)"),
            ([[0.0, 1.5]], "rungs must hold integer category codes, -1 for an unanswered rung"),
            ([[0, -2]], "rungs must hold category codes >= 0, or -1 for an unanswered rung"),
            (
                [[0, -1, 3]],
                "rungs must be answered in order: an answered rung follows an empty one",
            ),
        ],
    )
    def test_bad_ladders_are_rejected(self, rungs, message):
        for measure in (ladder_depth, top_rung):
            with pytest.raises(ValueError, match=exactly(message)):
                measure(rungs)


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


def test_depth_feeds_group_summaries():
    depth = ladder_depth([[0, 1, -1], [0, 1, 2], [-1, -1, -1]])
    table = group_summaries(np.zeros(3, dtype=int), depth[:, None], ["ladder depth"])
    assert table.loc[0, ["n", "mean"]].tolist() == [2, 2.5]
