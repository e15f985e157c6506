"""ICC(1), ICC(2) and the reliability of a team mean (Bliese 2000) from team summaries, against
pingouin's intraclass correlations and SciPy's one-way ANOVA on the raw data behind them."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pingouin
import pytest
from scipy.stats import f_oneway

from analysis.team_reliability import mean_reliability, team_effects


def _teams(sizes: list[int], seed: int, team_sd: float = 6.0) -> list[np.ndarray]:
    """Index scores of people in teams: a team effect (SD ``team_sd``) plus a person's (SD 15)."""
    rng = np.random.default_rng(seed)
    return [rng.normal(50 + rng.normal(0, team_sd), 15, size) for size in sizes]


def _summaries(teams: list[np.ndarray]) -> tuple[list[int], list[float], list[float]]:
    return (
        [len(team) for team in teams],
        [float(team.mean()) for team in teams],
        [float(team.std(ddof=1)) if len(team) > 1 else math.nan for team in teams],
    )


# pingouin 0.7.0 calls DataFrame.dropna(inplace=True), which pandas 3.1 deprecates.
@pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")
def test_a_balanced_design_gives_pingouins_icc1_and_icc1k():
    teams = _teams([8] * 12, seed=1, team_sd=10.0)
    long = pd.DataFrame(
        [
            {"team": t, "member": i, "score": score}
            for t, team in enumerate(teams)
            for i, score in enumerate(team)
        ]
    )
    # Expected: pingouin.intraclass_corr(data=long, targets="team", raters="member",
    # ratings="score"), rows "ICC(1,1)" and "ICC(1,k)" (Shrout & Fleiss), and their F.
    table = pingouin.intraclass_corr(
        data=long, targets="team", raters="member", ratings="score"
    ).set_index("Type")
    effects = team_effects(*_summaries(teams))
    assert effects.teams == 12 and effects.people == 96 and effects.n0 == pytest.approx(8)
    assert effects.icc1 == pytest.approx(table.loc["ICC(1,1)", "ICC"], abs=1e-12)
    assert effects.icc2 == pytest.approx(table.loc["ICC(1,k)", "ICC"], abs=1e-12)
    assert effects.msb / effects.msw == pytest.approx(table.loc["ICC(1,1)", "F"], rel=1e-10)
    # ICC(2) is the Spearman-Brown reliability of a mean of the common size.
    assert mean_reliability(effects.icc1, 8) == pytest.approx(effects.icc2, abs=1e-12)


def test_unequal_teams_give_scipys_f_and_the_textbook_n0():
    sizes = [5, 8, 15, 3, 11, 6, 9, 1]
    teams = _teams(sizes, seed=2, team_sd=12.0)
    effects = team_effects(*_summaries(teams))
    # Expected: scipy.stats.f_oneway(*teams).statistic, the F = MSB / MSW of the raw scores.
    assert effects.msb / effects.msw == pytest.approx(f_oneway(*teams).statistic, rel=1e-10)
    everyone = np.concatenate(teams)
    # Expected: the mean squares computed directly from the raw scores.
    msw = sum(((team - team.mean()) ** 2).sum() for team in teams) / (len(everyone) - len(sizes))
    assert effects.msw == pytest.approx(msw, rel=1e-10)
    # Expected: n0 = (N - sum n^2 / N) / (J - 1) by hand: (58 - 562 / 58) / 7.
    assert effects.n0 == pytest.approx((58 - 562 / 58) / 7)
    icc1 = (effects.msb - effects.msw) / (effects.msb + (effects.n0 - 1) * effects.msw)
    assert effects.icc1 == pytest.approx(icc1)
    assert effects.icc2 == pytest.approx(1 - effects.msw / effects.msb)
    assert mean_reliability(effects.icc1, effects.n0) == pytest.approx(effects.icc2)


def test_the_issues_reliabilities_of_teams_of_5_8_and_15():
    # Expected: 5 x .08 / (1 + 4 x .08) = .303, 8 x .08 / 1.56 = .410, 15 x .08 / 2.12 = .566.
    assert [round(mean_reliability(0.08, n), 2) for n in (5, 8, 15)] == [0.30, 0.41, 0.57]
    assert mean_reliability(0.08, 1) == pytest.approx(0.08)


def test_teams_that_differ_less_than_chance_have_a_negative_icc1_and_no_reliable_mean():
    teams = [np.array([40.0, 60.0, 50.0]), np.array([41.0, 59.0, 50.5]), np.array([39, 61, 49.0])]
    effects = team_effects(*_summaries(teams))
    assert effects.icc1 < 0 and effects.icc2 < 0
    assert mean_reliability(effects.icc1, 15) == 0.0


def test_no_estimate_without_two_teams_or_any_spread():
    assert math.isnan(team_effects([8], [50.0], [10.0]).icc1)
    assert math.isnan(team_effects([1, 1, 1], [40.0, 50.0, 60.0], [math.nan] * 3).icc1)
    assert math.isnan(team_effects([5, 5], [50.0, 50.0], [10.0, 12.0]).icc2)
    assert math.isnan(mean_reliability(math.nan, 8))


@pytest.mark.parametrize(
    "sizes, means, sds",
    [
        ([0, 5], [50.0, 50.0], [1.0, 1.0]),
        ([5, 5], [50.0], [1.0]),
        ([5, 5], [50.0, 50.0], [-1.0, 1]),
    ],
)
def test_impossible_summaries_are_refused(sizes, means, sds):
    with pytest.raises(ValueError):
        team_effects(sizes, means, sds)
