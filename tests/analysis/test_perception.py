"""The perception gap: a manager's score against the interval of the team's mean."""

import re

import numpy as np
import pandas as pd
import pytest

from analysis.groups import group_summaries
from analysis.perception import perception_gap, perception_gaps

# Student's (1908) sleep data, drug 2 (R's `sleep`, group 2), standing in for a team's scores.
TEAM = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
# scipy.stats.ttest_1samp(TEAM, 0).confidence_interval()
TEAM_CI = (0.8976775393767051, 3.7623224606232943)


def exactly(message: str) -> str:
    return f"^{re.escape(message)}$"


@pytest.mark.parametrize(
    ("manager_score", "outside"),
    [
        (4.0, True),  # above the upper bound 3.762
        (3.7, False),  # inside, though 1.37 above the mean
        (0.8, True),  # below the lower bound 0.898
        (0.9, False),
    ],
)
def test_gap_and_whether_the_manager_lies_outside_the_interval(manager_score, outside):
    result = perception_gap(manager_score, TEAM)
    assert result.team_ci == pytest.approx(TEAM_CI, rel=1e-12)
    assert result.team_mean == pytest.approx(2.33)
    assert result.gap == pytest.approx(manager_score - 2.33)
    assert result.outside_interval is outside
    assert (result.team_n, result.undefined_reason) == (10, None)


def test_a_team_with_one_answer_has_no_interval():
    result = perception_gap(5.0, [3.0, np.nan])
    assert (result.team_n, result.gap) == (1, 2.0)
    assert result.outside_interval is None
    assert result.undefined_reason == "fewer than 2 team answers: no interval"


def test_the_interval_level_follows_confidence():
    # scipy.stats.ttest_1samp(TEAM, 0).confidence_interval(0.5): (1.8851, 2.7749)
    assert perception_gap(2.8, TEAM, confidence=0.5).outside_interval is True
    assert perception_gap(2.8, TEAM).outside_interval is False


@pytest.mark.parametrize("score", [np.nan, np.inf])
def test_the_managers_score_must_be_a_number(score):
    message = f"manager_score must be a finite number, got {score}"
    with pytest.raises(ValueError, match=exactly(message)):
        perception_gap(score, TEAM)


def test_many_managers_at_once_from_the_summary_table():
    groups = np.repeat([0, 1, 2], [10, 1, 3])
    scores = np.array([[*TEAM, 3.0, 2.0, 2.5, np.nan]]).T
    summaries = group_summaries(groups, scores, ["management style"])
    managers = pd.DataFrame(
        {
            "group": [0, 1, 2, 3, 0],
            "measure": ["management style"] * 5,
            "manager_score": [4.0, 5.0, np.nan, 1.0, 3.0],
        }
    )
    table = perception_gaps(summaries, managers)
    assert table["gap"].iloc[[0, 1, 4]].tolist() == pytest.approx([4.0 - 2.33, 2.0, 3.0 - 2.33])
    assert table["outside_interval"].tolist() == [True, pd.NA, pd.NA, pd.NA, False]
    assert table["undefined_reason"].tolist() == [
        pd.NA,
        "fewer than 2 team answers: no interval",
        "no score from the manager",
        "fewer than 2 team answers: no interval",
        pd.NA,
    ]
    assert table["n"].tolist() == [10, 1, 2, 0, 10]
    assert table.loc[0, ["ci_low", "ci_high"]].tolist() == pytest.approx(TEAM_CI)
    single = perception_gap(4.0, TEAM)
    assert table.loc[0, "gap"] == pytest.approx(single.gap, rel=1e-12)
    assert table.loc[0, "outside_interval"] == single.outside_interval


@pytest.mark.parametrize(
    ("summaries", "managers", "message"),
    [
        (
            pd.DataFrame({"group": [0], "measure": ["index"], "n": [3]}),
            pd.DataFrame({"group": [0], "measure": ["index"], "manager_score": [1.0]}),
            "summaries lacks columns: ci_high, ci_low, mean",
        ),
        (
            group_summaries([0, 0], [[1.0], [2.0]], ["index"]),
            pd.DataFrame({"group": [0], "score": [1.0]}),
            "manager_scores lacks columns: manager_score, measure",
        ),
        (
            pd.concat([group_summaries([0, 0], [[1.0], [2.0]], ["index"])] * 2),
            pd.DataFrame({"group": [0], "measure": ["index"], "manager_score": [1.0]}),
            "summaries must hold one row per group and measure",
        ),
        (
            group_summaries([0, 0], [[1.0], [2.0]], ["index"]),
            pd.DataFrame({"group": [0], "measure": ["index"], "manager_score": [np.inf]}),
            "manager_score must be finite or NaN (not answered)",
        ),
    ],
)
def test_bad_tables_are_rejected(summaries, managers, message):
    with pytest.raises(ValueError, match=exactly(message)):
        perception_gaps(summaries, managers)
