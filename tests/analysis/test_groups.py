"""Per-group summaries: reference values, agreement with pandas, undefined rows, bad input."""

import re

import numpy as np
import pandas as pd
import pytest

from analysis.groups import group_summaries

# Student's (1908) sleep data, R's `sleep` data set: extra hours of sleep under two drugs.
SLEEP_DRUG_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_DRUG_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def test_group_summaries_match_the_reference_intervals():
    groups = np.repeat([0, 1], 10)
    table = group_summaries(groups, np.array([SLEEP_DRUG_1 + SLEEP_DRUG_2]).T, ["extra"])
    # scipy.stats.ttest_1samp(SLEEP_DRUG_1, 0).confidence_interval(), and the same for drug 2;
    # np.std(..., ddof=1) for the SDs.
    expected = pd.DataFrame(
        {
            "group": [0, 1],
            "n": [10, 10],
            "mean": [0.75, 2.33],
            "sd": [1.7890096577591623, 2.002248735796829],
            "ci_low": [-0.5297804135262321, 0.8976775393767051],
            "ci_high": [2.029780413526232, 3.7623224606232943],
        }
    )
    pd.testing.assert_frame_equal(
        table[expected.columns], expected, check_exact=False, rtol=1e-12, atol=1e-12
    )
    assert table["measure"].tolist() == ["extra", "extra"]
    assert table["undefined_reason"].isna().all()


def test_group_summaries_use_the_requested_confidence():
    values = np.array([SLEEP_DRUG_1]).T
    table = group_summaries(np.zeros(10, dtype=int), values, ["extra"], confidence=0.90)
    # scipy.stats.t.interval(0.90, 9, loc=0.75, scale=1.7890096577591623 / np.sqrt(10))
    assert table.loc[0, "ci_low"] == pytest.approx(-0.2870552787292595, abs=1e-12)
    assert table.loc[0, "ci_high"] == pytest.approx(1.7870552787292593, abs=1e-12)


def test_group_summaries_agree_with_pandas_groupby_on_many_groups():
    rng = np.random.default_rng(7)
    measures = ["index", "motivation", "cooperation"]
    groups = rng.integers(0, 300, 20_000)
    values = rng.normal(50, 15, (20_000, 3))
    values[rng.random(values.shape) < 0.1] = np.nan
    table = group_summaries(groups, values, measures)
    assert len(table) == 300 * 3
    # pandas: DataFrame.groupby(...).count() / .mean() / .std() (ddof=1, NaN skipped)
    reference = pd.DataFrame(values, columns=measures).groupby(groups)
    for column, statistic in [("n", "count"), ("mean", "mean"), ("sd", "std")]:
        wide = table.pivot(index="group", columns="measure", values=column)[measures]
        np.testing.assert_allclose(wide, getattr(reference, statistic)(), rtol=1e-10)


def test_group_summaries_keep_precision_far_from_zero():
    values = np.array([[1e9 + 1], [1e9 + 2], [1e9 + 3]])
    table = group_summaries(np.zeros(3, dtype=int), values, ["index"])
    assert table.loc[0, "sd"] == 1.0  # np.std([1, 2, 3], ddof=1)


def test_groups_too_small_say_why_instead_of_giving_numbers():
    values = np.array([[4.0, np.nan], [5.0, np.nan], [6.0, 3.0]])
    table = group_summaries(np.array([0, 0, 2]), values, ["index", "incentives"])
    assert table[["group", "measure", "n"]].to_numpy().tolist() == [
        [0, "index", 2],
        [0, "incentives", 0],
        [2, "index", 1],
        [2, "incentives", 1],
    ]
    assert table["undefined_reason"].tolist() == [
        pd.NA,
        "no answers",
        "only 1 answer: no spread and no interval",
        "only 1 answer: no spread and no interval",
    ]
    undefined = table["undefined_reason"].notna()
    assert table.loc[undefined, ["sd", "ci_low", "ci_high"]].isna().all().all()
    assert table.loc[~undefined, ["mean", "sd", "ci_low", "ci_high"]].notna().all().all()
    assert np.isnan(table.loc[1, "mean"])
    assert table.loc[2, "mean"] == 6.0


def test_a_constant_group_has_a_zero_width_interval():
    table = group_summaries(np.zeros(4, dtype=int), np.full((4, 1), 5.0), ["index"])
    assert table.loc[0, ["sd", "ci_low", "ci_high"]].tolist() == [0.0, 5.0, 5.0]


@pytest.mark.parametrize(
    ("groups", "values", "measures", "message"),
    [
        (
            [0.5, 1.0],
            [[1.0], [2.0]],
            ["a"],
            "groups must be a one-dimensional array of integer codes",
        ),
        (
            [0, 1],
            [1.0, 2.0],
            ["a"],
            "values must be a two-dimensional array (responses x measures)",
        ),
        (
            [0, 1, 1],
            [[1.0], [2.0]],
            ["a"],
            "groups and values must have the same number of rows, got 3 and 2",
        ),
        (np.array([], dtype=int), np.empty((0, 1)), ["a"], "values has no responses"),
        (
            [0, 1],
            [[1.0], [2.0]],
            ["a", "b"],
            "measures must name each column of values: got 2 names for 1 columns",
        ),
        ([0, 1], np.empty((2, 0)), [], "values has no measures"),
        ([0, -1], [[1.0], [2.0]], ["a"], "group codes must be non-negative"),
        ([0, 1], [[1.0], [np.inf]], ["a"], "values must be finite or NaN (missing)"),
    ],
)
def test_group_summaries_reject_bad_input(groups, values, measures, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        group_summaries(groups, values, measures)


@pytest.mark.parametrize("confidence", [0.0, 1.0, 95])
def test_confidence_must_lie_strictly_between_0_and_1(confidence):
    message = f"confidence must be between 0 and 1, got {confidence}"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        group_summaries([0], [[1.0]], ["a"], confidence=confidence)
