"""Change statistics checked against R's published output, scipy and pingouin 0.7."""

import re

import numpy as np
import pytest
from scipy import stats

from analysis.change import (
    MIN_N_VERDICT,
    NOBODY_CHANGED,
    SAME_CHANGE,
    ChangeVerdict,
    benjamini_hochberg,
    classify_change,
    classify_changes,
    compare_summaries,
    detectable_difference,
    paired_change,
    paired_from_summary,
    reliable_change,
    trend,
)

# Student's (1908) sleep data, R's `sleep`: extra hours of sleep of the same 10 patients under
# drug 1 (taken here as the "before" wave) and drug 2 ("after").
SLEEP_DRUG_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_DRUG_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]

# Index scores of two waves of different sizes, without ties (so Mann-Whitney is exact).
WAVE_1 = [52.1, 47.3, 60.8, 55.2, 49.9, 58.4, 44.6]
WAVE_2 = [61.5, 57.0, 66.2, 70.4, 59.3, 63.8, 68.1, 54.7, 72.9]

# The same 20 people in two waves; differences with zeros and ties.
PERSON_BEFORE = [52, 48, 61, 55, 47, 58, 50, 63, 45, 57, 49, 60, 54, 51, 46, 59, 53, 62, 44, 56]
PERSON_AFTER = [55, 50, 61, 60, 49, 57, 54, 66, 45, 62, 53, 63, 54, 55, 50, 58, 57, 67, 47, 60]


# Benjamini & Hochberg (1995), section 4: the 15 p-values of Neuhaus et al.'s trial.
PAPER_P_VALUES = (0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459,
                  0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000)  # fmt: skip

# Index scores over four waves.
TREND_WAVES = (0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3)
TREND_SCORES = (48.0, 52.5, 44.1, 50.3, 51.2, 55.0, 47.9, 53.3, 49.6, 54.8, 58.1, 52.0, 57.7,
                60.2, 55.4, 61.9)  # fmt: skip


def exactly(message: str) -> str:
    return f"^{re.escape(message)}$"


def compare_waves(before, after, **options):
    """Welch's test from the two samples' n, mean and SD (what a release keeps)."""
    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    b, a = b[~np.isnan(b)], a[~np.isnan(a)]
    return compare_summaries(
        b.size,
        b.mean() if b.size else np.nan,
        b.std(ddof=1) if b.size > 1 else np.nan,
        a.size,
        a.mean() if a.size else np.nan,
        a.std(ddof=1) if a.size > 1 else np.nan,
        **options,
    )


def summarised_trend(waves, scores):
    """Each wave's n, mean and SD, handed to :func:`trend`."""
    waves, scores = np.asarray(waves), np.asarray(scores, dtype=float)
    times = np.unique(waves)
    groups = [scores[(waves == t) & ~np.isnan(scores)] for t in times]
    return trend(
        times,
        [g.size for g in groups],
        [g.mean() if g.size else np.nan for g in groups],
        [g.std(ddof=1) if g.size > 1 else np.nan for g in groups],
    )


class TestCompareWaves:
    def test_welch_matches_r_on_the_sleep_data(self):
        result = compare_waves(SLEEP_DRUG_1, SLEEP_DRUG_2)
        # R: t.test(extra ~ group, data = sleep) prints (group 1 - group 2, so the sign flips)
        # t = -1.8608, df = 17.776, p-value = 0.07939,
        # 95 percent confidence interval: -3.3654832  0.2054832
        assert result.statistic == pytest.approx(1.8608, abs=5e-5)
        assert result.df == pytest.approx(17.776, abs=5e-4)
        assert result.p_value == pytest.approx(0.07939, abs=5e-6)
        assert result.ci == pytest.approx((-0.2054832, 3.3654832), abs=5e-8)
        # pingouin.ttest(SLEEP_DRUG_2, SLEEP_DRUG_1, correction=True): T, dof, p_val
        assert result.statistic == pytest.approx(1.8608134674868526, rel=1e-12)
        assert result.df == pytest.approx(17.776473516178495, rel=1e-12)
        assert result.p_value == pytest.approx(0.0793941401873583, rel=1e-10)
        # scipy.stats.ttest_ind(SLEEP_DRUG_2, SLEEP_DRUG_1, equal_var=False).confidence_interval()
        assert result.ci == pytest.approx((-0.20548323071171137, 3.3654832307117104), rel=1e-10)
        assert (result.n_before, result.n_after, result.n_smallest) == (10, 10, 10)
        assert (result.mean_before, result.mean_after) == pytest.approx((0.75, 2.33))
        assert result.difference == pytest.approx(1.58)
        assert result.undefined_reason is None

    def test_welch_matches_pingouin_and_scipy_with_unequal_waves(self):
        result = compare_waves(WAVE_1, WAVE_2)
        # pingouin.ttest(WAVE_2, WAVE_1, correction=True): T, dof, p_val
        assert result.statistic == pytest.approx(3.6820668000772034, rel=1e-12)
        assert result.df == pytest.approx(13.348066754989427, rel=1e-12)
        assert result.p_value == pytest.approx(0.0026513036744519407, rel=1e-10)
        # scipy.stats.ttest_ind(WAVE_2, WAVE_1, equal_var=False).confidence_interval()
        assert result.ci == pytest.approx((4.626278487533689, 17.67848341722823), rel=1e-10)
        assert result.difference == pytest.approx(11.152380952380959, rel=1e-12)

    def test_hedges_g_and_its_interval_match_pingouin(self):
        sleep = compare_waves(SLEEP_DRUG_1, SLEEP_DRUG_2)
        waves = compare_waves(WAVE_1, WAVE_2)
        # pingouin.compute_effsize(SLEEP_DRUG_2, SLEEP_DRUG_1, eftype="hedges")
        assert sleep.hedges_g == pytest.approx(0.7970185004474464, rel=1e-12)
        # pingouin.compute_esci(stat=0.7970185004474464, nx=10, ny=10, eftype="hedges",
        #                       decimals=12)
        assert sleep.hedges_g_ci == pytest.approx((-0.17913274, 1.77316974), abs=1e-8)
        # pingouin.compute_effsize(WAVE_2, WAVE_1, eftype="hedges")
        assert waves.hedges_g == pytest.approx(1.7427642795720686, rel=1e-12)
        # pingouin.compute_esci(stat=1.7427642795720686, nx=9, ny=7, eftype="hedges",
        #                       decimals=12)
        assert waves.hedges_g_ci == pytest.approx((0.47592027, 3.00960829), abs=1e-8)

    def test_missing_answers_are_left_out(self):
        with_gaps = compare_waves([*SLEEP_DRUG_1, np.nan], [np.nan, *SLEEP_DRUG_2])
        assert with_gaps == compare_waves(SLEEP_DRUG_1, SLEEP_DRUG_2)

    def test_the_level_of_the_intervals_follows_confidence(self):
        result = compare_waves(SLEEP_DRUG_1, SLEEP_DRUG_2, confidence=0.9)
        # scipy.stats.ttest_ind(SLEEP_DRUG_2, SLEEP_DRUG_1, equal_var=False)
        #     .confidence_interval(0.9)
        assert result.ci == pytest.approx((0.10661850266839235, 3.053381497331606), rel=1e-10)
        assert result.confidence == 0.9

    @pytest.mark.parametrize(
        ("before", "after", "reason"),
        [
            ([], [1.0, 2.0], "fewer than 2 answers in a wave (before: 0, after: 2)"),
            ([3.0], [1.0, 2.0], "fewer than 2 answers in a wave (before: 1, after: 2)"),
            ([3.0, np.nan], [1.0, 2.0], "fewer than 2 answers in a wave (before: 1, after: 2)"),
            (
                [4.0, 4.0, 4.0],
                [5.0, 5.0],
                "no spread in either wave: every answer within a wave is the same",
            ),
        ],
    )
    def test_too_little_data_gives_a_reason_not_numbers(self, before, after, reason):
        result = compare_waves(before, after)
        assert result.undefined_reason == reason
        tests = [result.statistic, result.df, result.p_value, result.hedges_g, *result.ci]
        tests.append(result.detectable)
        assert np.isnan(tests).all()
        assert np.isnan(result.hedges_g_ci).all()

    def test_one_constant_wave_is_still_testable(self):
        result = compare_waves([4.0, 4.0, 4.0], [5.0, 6.0, 7.0])
        # scipy.stats.ttest_ind([5.0, 6.0, 7.0], [4.0, 4.0, 4.0], equal_var=False).pvalue
        assert result.p_value == pytest.approx(0.07417990022744854, rel=1e-10)
        assert result.undefined_reason is None

    def test_confidence_is_checked(self):
        with pytest.raises(ValueError, match=exactly("confidence must be between 0 and 1, got 1")):
            compare_waves([1.0, 2.0], [1.0, 3.0], confidence=1)


class TestPairedChange:
    def test_paired_t_matches_r_on_the_sleep_data(self):
        result = paired_change(SLEEP_DRUG_1, SLEEP_DRUG_2)
        # R: with(sleep, t.test(extra[group == 1], extra[group == 2], paired = TRUE)) prints
        # t = -4.0621, df = 9, p-value = 0.002833,
        # 95 percent confidence interval: -2.4598858 -0.7001142 (drug 1 - drug 2: sign flips)
        assert result.statistic == pytest.approx(4.0621, abs=5e-5)
        assert result.df == 9
        assert result.p_value == pytest.approx(0.002833, abs=5e-7)
        assert result.ci == pytest.approx((0.7001142, 2.4598858), abs=5e-8)
        # pingouin.ttest(SLEEP_DRUG_2, SLEEP_DRUG_1, paired=True): T, p_val
        assert result.statistic == pytest.approx(4.062127683382037, rel=1e-12)
        assert result.p_value == pytest.approx(0.002832890197384273, rel=1e-10)
        # scipy.stats.ttest_rel(SLEEP_DRUG_2, SLEEP_DRUG_1).confidence_interval()
        assert result.ci == pytest.approx((0.7001142367230175, 2.459885763276983), rel=1e-10)
        assert (result.n, result.n_smallest, result.difference) == (10, 10, pytest.approx(1.58))

    def test_wilcoxon_matches_pingouin(self):
        sleep = paired_change(SLEEP_DRUG_1, SLEEP_DRUG_2)
        # pingouin.wilcoxon(SLEEP_DRUG_2, SLEEP_DRUG_1): W_val, p_val (exhaustive permutations:
        # 9 non-zero differences with a tie)
        assert sleep.wilcoxon_statistic == 0.0
        assert sleep.wilcoxon_p_value == pytest.approx(0.00390625, rel=1e-12)
        people = paired_change(PERSON_BEFORE, PERSON_AFTER)
        # pingouin.wilcoxon(PERSON_AFTER, PERSON_BEFORE): W_val, p_val (normal approximation:
        # 17 non-zero differences, with ties, continuity-corrected)
        assert people.wilcoxon_statistic == 3.0
        assert people.wilcoxon_p_value == pytest.approx(0.0005002305970162454, rel=1e-10)
        # pingouin.ttest(PERSON_AFTER, PERSON_BEFORE, paired=True): T, p_val
        assert people.statistic == pytest.approx(5.904254574209499, rel=1e-12)
        assert people.p_value == pytest.approx(1.1009182342737153e-05, rel=1e-9)

    def test_from_a_summary_equals_the_test_on_the_pairs(self):
        result = paired_change(PERSON_BEFORE, PERSON_AFTER)
        again = paired_from_summary(
            result.n,
            result.difference,
            result.sd,
            mean_before=result.mean_before,
            wilcoxon=(result.wilcoxon_statistic, result.wilcoxon_p_value),
        )
        assert again == result
        # scipy.stats.ttest_rel(PERSON_AFTER, PERSON_BEFORE): statistic, pvalue
        reference = stats.ttest_rel(PERSON_AFTER, PERSON_BEFORE)
        assert again.statistic == pytest.approx(reference.statistic, rel=1e-12)
        assert again.p_value == pytest.approx(reference.pvalue, rel=1e-10)
        assert again.test == "paired t-test (the same people in both waves)"

    def test_a_summary_without_spread_says_why(self):
        assert paired_from_summary(1, 2.0, np.nan).undefined_reason == (
            "fewer than 2 complete pairs (1)"
        )
        assert paired_from_summary(4, 0.0, 0.0).undefined_reason == NOBODY_CHANGED
        assert paired_from_summary(4, 1.0, 0.0).undefined_reason == SAME_CHANGE

    def test_pairs_with_a_missing_wave_are_left_out(self):
        result = paired_change([*SLEEP_DRUG_1, np.nan, 3.0], [*SLEEP_DRUG_2, 2.0, np.nan])
        assert result == paired_change(SLEEP_DRUG_1, SLEEP_DRUG_2)

    def test_fewer_than_two_pairs_say_why(self):
        result = paired_change([1.0, np.nan], [2.0, 3.0])
        assert result.n == 1
        assert result.undefined_reason == "fewer than 2 complete pairs (1)"
        assert np.isnan([result.statistic, result.p_value, result.wilcoxon_p_value]).all()

    def test_nobody_changing_is_not_testable(self):
        result = paired_change([3.0, 4.0, 5.0], [3.0, 4.0, 5.0])
        assert result.undefined_reason == "nobody changed: every difference is 0"
        assert np.isnan([result.statistic, result.p_value, result.wilcoxon_p_value]).all()
        assert result.difference == 0.0

    def test_the_same_change_for_everyone_keeps_the_wilcoxon_test(self):
        result = paired_change([1.0, 2.0, 3.0, 4.0], [2.0, 3.0, 4.0, 5.0])
        assert result.undefined_reason == (
            "everyone changed by the same amount: the t-test is not defined"
        )
        assert np.isnan(result.p_value)
        # scipy.stats.wilcoxon([1.0, 1.0, 1.0, 1.0], correction=True)
        assert (result.wilcoxon_statistic, result.wilcoxon_p_value) == (0.0, 0.125)

    def test_unaligned_waves_are_rejected(self):
        message = "before and after must have one value per person, got 2 and 3"
        with pytest.raises(ValueError, match=exactly(message)):
            paired_change([1.0, 2.0], [1.0, 2.0, 3.0])
        with pytest.raises(
            ValueError, match=exactly("before and after must be finite or NaN (missing)")
        ):
            paired_change([1.0, np.inf], [1.0, 2.0])
        with pytest.raises(
            ValueError, match=exactly("before and after must be one-dimensional arrays")
        ):
            paired_change([[1.0, 2.0]], [[1.0, 2.0]])


class TestReliableChange:
    def test_worked_example_from_the_formula(self):
        # Jacobson & Truax (1991): SE = s1 * sqrt(1 - r_xx); S_diff = sqrt(2 * SE^2);
        # RC = (x2 - x1) / S_diff. Inputs: s1 = 7.5, r_xx = 0.88, one person 32 -> 18,
        # another 40 -> 44, a third 30 -> 38.
        #   SE     = 7.5 * sqrt(0.12)      = 7.5 * 0.3464101615 = 2.5980762114
        #   S_diff = sqrt(2 * 2.5980762114^2) = sqrt(13.5)     = 3.6742346142
        #   RC     = -14 / 3.6742346142 = -3.8103173777   (reliable, towards contractual)
        #            4 / 3.6742346142 =  1.0886621079   (not reliable)
        #            8 / 3.6742346142 =  2.1773242158   (reliable, towards purpose)
        result = reliable_change(
            [32.0, 40.0, 30.0, np.nan], [18.0, 44.0, 38.0, 50.0], sd_before=7.5, reliability=0.88
        )
        assert result.standard_error == pytest.approx(2.5980762114, abs=1e-10)
        assert result.s_diff == pytest.approx(3.6742346142, abs=1e-10)
        np.testing.assert_allclose(
            result.rci, [-3.8103173777, 1.0886621079, 2.1773242158, np.nan], atol=1e-10
        )
        assert (result.n, result.n_towards_purpose, result.n_towards_contractual) == (3, 1, 1)
        assert result.n_no_reliable_change == 1
        assert result.critical_value == 1.96
        assert result.undefined_reason is None

    def test_no_complete_pair_says_why(self):
        result = reliable_change([np.nan], [3.0], sd_before=1.0, reliability=0.5)
        assert (result.n, result.undefined_reason) == (0, "no complete pairs")

    @pytest.mark.parametrize(
        ("sd_before", "reliability", "message"),
        [
            (0.0, 0.8, "sd_before must be a positive number, got 0.0"),
            (np.nan, 0.8, "sd_before must be a positive number, got nan"),
            (1.0, 1.0, "reliability must be at least 0 and below 1, got 1.0"),
            (1.0, -0.1, "reliability must be at least 0 and below 1, got -0.1"),
        ],
    )
    def test_bad_parameters_are_rejected(self, sd_before, reliability, message):
        with pytest.raises(ValueError, match=exactly(message)):
            reliable_change([1.0], [2.0], sd_before=sd_before, reliability=reliability)


class TestBenjaminiHochberg:
    def test_matches_scipy_on_the_papers_example(self):
        adjusted = benjamini_hochberg(PAPER_P_VALUES)
        # scipy.stats.false_discovery_control(PAPER_P_VALUES, method="bh")
        expected = [0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.06385714285714285,
                    0.06385714285714285, 0.0645, 0.0765, 0.486, 0.5811818181818181, 0.714875,
                    0.7532307692307693, 0.8132142857142858, 1.0]  # fmt: skip
        np.testing.assert_allclose(adjusted, expected, rtol=1e-12)

    def test_rejects_the_four_hypotheses_the_paper_rejects(self):
        # Benjamini & Hochberg (1995): at q = 0.05 the procedure rejects the 4 smallest.
        assert (benjamini_hochberg(PAPER_P_VALUES) <= 0.05).sum() == 4

    def test_keeps_input_order_and_skips_untested_teams(self):
        adjusted = benjamini_hochberg([0.04, np.nan, 0.2, 0.01, 0.03, 0.5])
        # scipy.stats.false_discovery_control([0.04, 0.2, 0.01, 0.03, 0.5], method="bh")
        expected = [0.06666666666666667, np.nan, 0.25, 0.05, 0.06666666666666667, 0.5]
        np.testing.assert_allclose(adjusted, expected, rtol=1e-12)
        assert benjamini_hochberg([]).size == 0

    @pytest.mark.parametrize(
        ("p_values", "message"),
        [
            ([0.5, 1.2], "p-values must lie between 0 and 1"),
            ([[0.5]], "p_values must be a one-dimensional array"),
        ],
    )
    def test_bad_input_is_rejected(self, p_values, message):
        with pytest.raises(ValueError, match=exactly(message)):
            benjamini_hochberg(p_values)


class TestTrend:
    def test_matches_scipy_and_pingouin_on_the_answers(self):
        result = summarised_trend(TREND_WAVES, TREND_SCORES)
        # scipy.stats.linregress(TREND_WAVES, TREND_SCORES): slope, intercept, pvalue
        assert result.slope == pytest.approx(3.393103448275863, rel=1e-12)
        assert result.intercept == pytest.approx(48.37241379310345, rel=1e-12)
        assert result.p_value == pytest.approx(0.00011624330974701442, rel=1e-9)
        # pingouin.linear_regression(TREND_WAVES, TREND_SCORES): row x1, T, CI2.5, CI97.5
        assert result.statistic == pytest.approx(5.280361519917191, rel=1e-10)
        assert result.ci == pytest.approx((2.0148866199129047, 4.771320276638813), rel=1e-10)
        assert (result.n, result.n_waves, result.n_smallest, result.df) == (16, 4, 3, 14)
        assert result.difference == result.slope

    def test_equals_linregress_on_random_answers(self):
        rng = np.random.default_rng(11)
        for _ in range(20):
            waves = np.repeat(np.arange(rng.integers(3, 7)), rng.integers(2, 12))
            scores = rng.normal(50 + 2 * waves, 12)
            result = summarised_trend(waves, scores)
            reference = stats.linregress(waves, scores)
            assert result.slope == pytest.approx(reference.slope, rel=1e-9)
            assert result.p_value == pytest.approx(reference.pvalue, rel=1e-7)

    def test_waves_without_answers_are_left_out(self):
        result = trend(
            [0, 1, 2, 3], [4, 5, 3, 0], [48.0, 51.0, 56.0, np.nan], [3.0, 4.0, 2.0, np.nan]
        )
        assert result == trend([0, 1, 2], [4, 5, 3], [48.0, 51.0, 56.0], [3.0, 4.0, 2.0])

    def test_two_waves_are_not_a_trend(self):
        result = summarised_trend([0, 0, 1, 1, 2], [1.0, 2.0, 3.0, 4.0, np.nan])
        assert result.undefined_reason == "fewer than 3 waves with answers (2)"
        assert np.isnan([result.slope, result.p_value, *result.ci]).all()

    def test_answers_exactly_on_a_line_have_no_interval(self):
        result = summarised_trend([0, 1, 2], [10.0, 12.0, 14.0])
        assert result.undefined_reason == "every answer lies exactly on the trend line"
        assert result.slope == pytest.approx(2.0)
        assert np.isnan([result.p_value, *result.ci]).all()

    @pytest.mark.parametrize(
        ("times", "counts", "message"),
        [
            ([0, 1], [1], "times, counts, means and sds must be one-dimensional and of one length"),
            ([0, np.nan], [1, 1], "times must be finite and counts non-negative for every wave"),
            ([0, 1], [1, -1], "times must be finite and counts non-negative for every wave"),
        ],
    )
    def test_bad_input_is_rejected(self, times, counts, message):
        size = len(times)
        with pytest.raises(ValueError, match=exactly(message)):
            trend(times, counts, [50.0] * size, [1.0] * size)


class TestDetectableDifference:
    def test_is_blooms_multiplier_times_the_standard_error(self):
        # Bloom (1995): (t(0.975, 18) + t(0.8, 18)) * 2; scipy.stats.t.ppf(0.975, 18) +
        # scipy.stats.t.ppf(0.8, 18) = 2.10092204 + 0.86204867
        assert detectable_difference(2.0, 18.0) == pytest.approx(2 * 2.962970708, rel=1e-9)

    def test_is_close_to_the_exact_noncentral_t_power(self):
        # statsmodels.stats.power.TTestIndPower().solve_power(nobs1=10, ratio=1, alpha=0.05,
        # power=0.8) = 1.324947368330822 SDs; Welch with n = 10 per wave and SD 1 has
        # se = sqrt(2 / 10) on 18 df.
        assert detectable_difference(np.sqrt(0.2), 18.0) == pytest.approx(1.3249474, rel=2e-3)
        # statsmodels.stats.power.TTestPower().solve_power(nobs=10, alpha=0.05, power=0.8)
        assert detectable_difference(1 / np.sqrt(10), 9.0) == pytest.approx(0.996002, rel=2e-3)

    def test_is_reported_with_each_test(self):
        welch = compare_waves(SLEEP_DRUG_1, SLEEP_DRUG_2)
        se = welch.difference / welch.statistic
        assert welch.detectable == pytest.approx(detectable_difference(se, welch.df))
        paired = paired_change(SLEEP_DRUG_1, SLEEP_DRUG_2)
        assert paired.detectable == pytest.approx(detectable_difference(paired.sd / np.sqrt(10), 9))

    def test_undefined_without_a_standard_error(self):
        assert np.isnan(detectable_difference(0.0, 5.0))
        assert np.isnan(detectable_difference(np.nan, 5.0))
        with pytest.raises(ValueError, match="alpha and power must be between 0 and 1"):
            detectable_difference(1.0, 5.0, power=1.0)


class TestClassification:
    def test_documented_minimum_matches_the_privacy_minimum(self):
        assert MIN_N_VERDICT == 5

    @pytest.mark.parametrize(
        ("difference", "p_adjusted", "n", "expected"),
        [
            (
                6.5,
                0.003,
                40,
                (
                    "towards purpose",
                    "larger than chance variation",
                    "moved towards purpose, larger than chance variation",
                ),
            ),
            (
                -4.0,
                0.01,
                5,
                (
                    "towards contractual",
                    "larger than chance variation",
                    "moved towards contractual, larger than chance variation",
                ),
            ),
            (
                2.0,
                0.30,
                40,
                (
                    "towards purpose",
                    "not distinguishable from chance",
                    "moved towards purpose, not distinguishable from chance",
                ),
            ),
            (
                0.0,
                1.0,
                40,
                (
                    "no change",
                    "not distinguishable from chance",
                    "no change, not distinguishable from chance",
                ),
            ),
            (6.5, 0.003, 4, ("unknown", "too few answers to tell", "too few answers to tell")),
            (np.nan, np.nan, 0, ("unknown", "too few answers to tell", "too few answers to tell")),
            (
                1.0,
                np.nan,
                30,
                ("towards purpose", "cannot be tested", "moved towards purpose, cannot be tested"),
            ),
            (
                6.5,
                0.05,
                40,
                (
                    "towards purpose",
                    "not distinguishable from chance",
                    "moved towards purpose, not distinguishable from chance",
                ),
            ),
        ],
    )
    def test_rules(self, difference, p_adjusted, n, expected):
        verdict = classify_change(difference, p_adjusted, n)
        assert verdict == ChangeVerdict(*expected, p_adjusted=verdict.p_adjusted)
        assert verdict.p_adjusted == pytest.approx(p_adjusted, nan_ok=True)

    def test_alpha_is_checked(self):
        with pytest.raises(ValueError, match=exactly("alpha must be between 0 and 1, got 5")):
            classify_change(1.0, 0.01, 30, alpha=5)
        with pytest.raises(
            ValueError, match=exactly("difference must be a number when both waves have answers")
        ):
            classify_change(np.nan, 0.01, 30)

    def test_many_teams_are_adjusted_before_being_classified(self):
        clear = compare_waves(WAVE_1, WAVE_2)  # p = 0.00265
        borderline = compare_waves(SLEEP_DRUG_1, SLEEP_DRUG_2)  # p = 0.0794
        tiny = compare_waves([50.0, 52.0], [70.0, 71.0])  # 2 per wave
        people = paired_change(PERSON_BEFORE, PERSON_AFTER)  # p = 1.1e-05
        verdicts = classify_changes([clear, borderline, tiny, people])
        assert [verdict.label for verdict in verdicts] == [
            "moved towards purpose, larger than chance variation",
            "moved towards purpose, not distinguishable from chance",
            "too few answers to tell",
            "moved towards purpose, larger than chance variation",
        ]

    def test_a_change_that_passes_alone_can_be_chance_among_many_teams(self):
        team = [50.0, 52.0, 54.0, 56.0, 58.0]
        moved = compare_waves(team, [55.0, 57.0, 59.0, 61.0, 63.0])
        # scipy.stats.ttest_ind([55.0, 57.0, 59.0, 61.0, 63.0], team, equal_var=False).pvalue
        assert moved.p_value == pytest.approx(0.03694203771362412, rel=1e-10)
        still = compare_waves(team, [51.0, 53.0, 55.0, 57.0, 59.0])
        assert classify_changes([moved])[0].evidence == "larger than chance variation"
        assert (
            classify_changes([moved, still, still])[0].evidence == "not distinguishable from chance"
        )

    def test_the_undefined_tests_do_not_count_as_tests(self):
        undefined = compare_waves([1.0], [2.0])
        clear = compare_waves(WAVE_1, WAVE_2)
        verdicts = classify_changes([undefined, clear])
        assert verdicts[1].label == "moved towards purpose, larger than chance variation"
        assert verdicts[0].label == "too few answers to tell"
        assert classify_changes([]) == []

    def test_teams_too_small_to_call_stay_out_of_the_family(self):
        moved = compare_waves([50.0, 52.0, 54.0, 56.0, 58.0], [55.0, 57.0, 59.0, 61.0, 63.0])
        tiny = compare_waves([50.0, 60.0], [51.0, 59.0])  # 2 per wave, p = 1
        # Counted, tiny would double moved's p-value (0.0369 -> 0.0739) past alpha.
        assert benjamini_hochberg([moved.p_value, tiny.p_value])[0] > 0.05
        verdicts = classify_changes([moved, tiny])
        assert [verdict.evidence for verdict in verdicts] == [
            "larger than chance variation",
            "too few answers to tell",
        ]


def test_statistics_agree_with_scipy_across_random_samples():
    rng = np.random.default_rng(3)
    for _ in range(20):
        before = rng.gamma(2.0, 10.0, rng.integers(2, 40))
        after = rng.gamma(2.2, 10.0, rng.integers(2, 40))
        result = compare_waves(before, after)
        reference = stats.ttest_ind(after, before, equal_var=False)
        assert result.p_value == pytest.approx(reference.pvalue, rel=1e-9)
        assert result.ci == pytest.approx(tuple(reference.confidence_interval()), rel=1e-9)


def test_compare_summaries_matches_scipy_welch_from_stats():
    """Expected: scipy.stats.ttest_ind_from_stats(60, 12, 9, 52, 10, 7, equal_var=False)."""
    result = compare_summaries(7, 52.0, 10.0, 9, 60.0, 12.0)
    expected = stats.ttest_ind_from_stats(60.0, 12.0, 9, 52.0, 10.0, 7, equal_var=False)
    assert result.statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert result.p_value == pytest.approx(expected.pvalue, rel=1e-12)
