"""Each dimension against the last wave and the rest of the organisation, checked against scipy.

Every expected number names the scipy call that produced it: fixed numbers were computed once
with the call in their comment; the others are computed here with the call shown.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from analysis.change import PAIRED, WELCH, classify_change
from analysis.dimension_comparison import (
    PairedSummary,
    Summary,
    against_rest,
    dimension_changes,
    further,
    pooled,
    rest_of,
)

# Raw answers of one dimension: Paris and Lyon make up France, the only top team.
PARIS = [61.0, 55.5, 70.2, 66.1, 58.3, 63.9]
LYON = [48.2, 52.7, 45.1, 60.4, 50.0, 47.6, 55.3, 49.9]


def summary(values) -> Summary:
    array = np.asarray(values, dtype=float)
    sd = float(array.std(ddof=1)) if array.size > 1 else math.nan
    return Summary(array.size, float(array.mean()), sd)


def test_the_rest_is_derived_exactly_from_the_whole_and_the_part():
    rest = rest_of(summary(PARIS + LYON), summary(PARIS))
    assert rest.n == len(LYON)
    assert rest.mean == pytest.approx(np.mean(LYON))  # numpy.mean(LYON)
    assert rest.sd == pytest.approx(np.std(LYON, ddof=1))  # numpy.std(LYON, ddof=1)


def test_pooling_groups_gives_the_summary_of_their_answers_together():
    groups = [PARIS[:2], PARIS[2:], LYON, [57.0]]  # a group of one answer has no SD
    together = pooled([summary(group) for group in groups])
    everyone = [x for group in groups for x in group]
    assert together.n == len(everyone)
    assert together.mean == pytest.approx(np.mean(everyone))
    assert together.sd == pytest.approx(np.std(everyone, ddof=1))
    assert math.isnan(pooled([]).mean)


def test_a_team_is_compared_with_the_rest_by_welch_on_the_rest_s_own_answers():
    teams = {
        "France": {"Cooperation": summary(PARIS + LYON)},
        "Paris": {"Cooperation": summary(PARIS)},
    }
    found = against_rest(teams, {"France": "France", "Paris": "France"}, k=5)
    assert set(found) == {("Paris", "Cooperation")}  # France is the whole organisation
    result, verdict = found["Paris", "Cooperation"]
    # scipy.stats.ttest_ind(PARIS, LYON, equal_var=False): t 4.0813, p 0.0020777, df 10.3028
    assert result.statistic == pytest.approx(4.081274288170931)
    assert result.p_value == pytest.approx(0.0020776530795899866)
    assert result.df == pytest.approx(10.302818787064181)
    assert result.difference == pytest.approx(np.mean(PARIS) - np.mean(LYON))
    assert (result.n_after, result.n_before, result.test) == (len(PARIS), len(LYON), WELCH)
    assert verdict.label == "further towards purpose, larger than chance variation"


def test_the_rest_family_is_every_team_and_dimension_adjusted_together():
    rng = np.random.default_rng(7)
    answers = {
        team: {
            dimension: rng.normal(mean, 12, size)
            for dimension, mean in (("Cooperation", centre), ("Incentives", 50))
        }
        for team, centre, size in (("North", 62, 30), ("South", 50, 40), ("West", 45, 25))
    }
    teams = {
        team: {dimension: summary(values) for dimension, values in dims.items()}
        for team, dims in answers.items()
    }
    # Sales, the top team, holds North and South, and West is inside South; Product is a
    # top team of its own, never part of Sales's rest.
    teams["South"] = {
        dimension: summary(np.concatenate([answers["South"][dimension], values]))
        for dimension, values in answers["West"].items()
    }
    teams["Sales"] = {
        dimension: summary(np.concatenate([answers[team][dimension] for team in answers]))
        for dimension in ("Cooperation", "Incentives")
    }
    teams["Product"] = {"Cooperation": summary(rng.normal(70, 12, 30))}
    tops = dict.fromkeys(("Sales", "North", "South", "West"), "Sales") | {"Product": "Product"}
    found = against_rest(teams, tops, k=5)
    everyone = {
        dimension: np.concatenate([answers[team][dimension] for team in answers])
        for dimension in ("Cooperation", "Incentives")
    }
    mine = {
        "North": answers["North"],
        "South": {d: np.concatenate([answers["South"][d], answers["West"][d]]) for d in everyone},
        "West": answers["West"],
    }
    keys = sorted(found)
    assert keys == sorted((team, d) for team in mine for d in everyone)
    expected_p = []
    for team, dimension in keys:
        own = mine[team][dimension]
        others = np.array([x for x in everyone[dimension] if x not in set(own)])
        # scipy.stats.ttest_ind(team's answers, everyone else's, equal_var=False)
        expected = stats.ttest_ind(own, others, equal_var=False)
        assert found[team, dimension][0].p_value == pytest.approx(expected.pvalue)
        expected_p.append(expected.pvalue)
    # scipy.stats.false_discovery_control(p, method="bh") over all six (team, dimension)
    adjusted = stats.false_discovery_control(expected_p, method="bh")
    for key, p in zip(keys, adjusted, strict=True):
        assert found[key][1].p_adjusted == pytest.approx(p)


def test_no_rest_test_under_k_people_nor_without_the_top_team():
    teams = {"France": {"Cooperation": summary(PARIS + LYON[:3])}, "Paris": {}}
    teams["Paris"]["Cooperation"] = summary(PARIS)
    tops = {"France": "France", "Paris": "France"}
    assert against_rest(teams, tops, k=5) == {}  # the rest has 3 people
    assert against_rest(teams, tops, k=3) != {}
    assert against_rest({"Paris": teams["Paris"]}, tops, k=3) == {}


def test_wave_changes_use_welch_or_the_stored_pairs_and_one_family():
    before = {
        "North": {"Cooperation": Summary(40, 45.0, 12.0), "Incentives": Summary(40, 50.0, 9.0)},
        "South": {"Cooperation": Summary(25, 51.0, 11.0)},
    }
    after = {
        "North": {"Cooperation": Summary(30, 52.0, 10.0), "Incentives": Summary(30, 51.0, 9.5)},
        "South": {"Cooperation": Summary(22, 50.0, 10.0)},
        "East": {"Cooperation": Summary(9, 49.0, 8.0)},  # not shown before: not compared
    }
    pairs_x = np.array([40.0, 52.5, 47.1, 61.0, 55.2, 43.8, 50.3])
    pairs_y = np.array([44.2, 58.0, 47.9, 66.4, 60.1, 45.0, 57.2])
    changes = pairs_y - pairs_x
    paired = {
        "South": {"Cooperation": PairedSummary(7, changes.mean(), changes.std(ddof=1))},
        "North": {"Incentives": None},  # not stored for this dimension: Welch
    }
    found = dimension_changes(before, after, paired)
    assert sorted(found) == [
        ("North", "Cooperation"),
        ("North", "Incentives"),
        ("South", "Cooperation"),
    ]
    welch, verdict = found["North", "Cooperation"]
    # scipy.stats.ttest_ind_from_stats(52.0, 10.0, 30, 45.0, 12.0, 40, equal_var=False):
    # t 2.658441, p 0.0098028
    assert welch.test == WELCH
    assert welch.statistic == pytest.approx(2.658440838594625)
    assert welch.p_value == pytest.approx(0.009802777703810996)
    pair, _ = found["South", "Cooperation"]
    expected = stats.ttest_rel(pairs_y, pairs_x)  # scipy.stats.ttest_rel(after, before)
    assert pair.test == PAIRED
    assert pair.p_value == pytest.approx(expected.pvalue)
    assert found["North", "Incentives"][0].test == WELCH
    # scipy.stats.false_discovery_control(p, method="bh") over the three (team, dimension)
    p = [found[key][0].p_value for key in sorted(found)]
    adjusted = stats.false_discovery_control(p, method="bh")
    for key, expected_p in zip(sorted(found), adjusted, strict=True):
        assert found[key][1].p_adjusted == pytest.approx(expected_p)
    assert verdict.label == "moved towards purpose, larger than chance variation"
    assert dimension_changes(before, after)["South", "Cooperation"][0].test == WELCH


def test_a_difference_between_groups_is_worded_as_further_not_moved():
    assert further(classify_change(-6.0, 0.2, 40)).label == (
        "further towards contractual, not distinguishable from chance"
    )
    assert further(classify_change(0.0, 0.9, 40)).label == (
        "the same, not distinguishable from chance"
    )
    assert further(classify_change(3.0, 0.01, 3)).label == "too few answers to tell"
