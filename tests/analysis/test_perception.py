"""The perception gap: a manager's score against the interval of the team's mean."""

import re

import numpy as np
import pandas as pd
import pytest

from analysis.groups import group_summaries
from analysis.perception import perception_gaps

# Student's (1908) sleep data, drug 2 (R's `sleep`, group 2), standing in for a team's scores.
TEAM = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
# scipy.stats.ttest_1samp(TEAM, 0).confidence_interval()
TEAM_CI = (0.8976775393767051, 3.7623224606232943)


def exactly(message: str) -> str:
    return f"^{re.escape(message)}$"


def one_team(manager_score: float, *, confidence: float = 0.95) -> pd.Series:
    summaries = group_summaries([0] * len(TEAM), np.array([TEAM]).T, ["m"], confidence=confidence)
    managers = pd.DataFrame({"group": [0], "measure": ["m"], "manager_score": [manager_score]})
    return perception_gaps(summaries, managers).iloc[0]


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
    result = one_team(manager_score)
    assert (result["ci_low"], result["ci_high"]) == pytest.approx(TEAM_CI, rel=1e-12)
    assert result["mean"] == pytest.approx(2.33)
    assert result["gap"] == pytest.approx(manager_score - 2.33)
    assert bool(result["outside_interval"]) is outside
    assert result["n"] == 10
    assert pd.isna(result["undefined_reason"])


def test_the_interval_level_follows_the_summaries_confidence():
    # scipy.stats.ttest_1samp(TEAM, 0).confidence_interval(0.5): (1.8851, 2.7749)
    assert bool(one_team(2.8, confidence=0.5)["outside_interval"]) is True
    assert bool(one_team(2.8)["outside_interval"]) is False


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
