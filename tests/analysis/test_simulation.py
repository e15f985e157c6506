"""The simulation model of analysis.simulation: shapes, seeds, keying, and its known marginals."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit
from scipy.stats import chisquare

from analysis.simulation import (
    CLIMATE_CORRELATION,
    CLIMATE_SHARED,
    GENERAL_LOADING,
    NOT_APPLICABLE_RATE,
    TEAM_SD,
    Mindset,
    grm_answers,
    grm_category_probabilities,
    grm_item_parameters,
    item_latents,
    management_climate,
    perceived_climate,
    simulate_answers,
    simulate_mindset,
    team_effects,
)


def icc1(values: np.ndarray, team: np.ndarray, team_size: int) -> float:
    """ICC(1) of equal-sized teams from a one-way ANOVA (Bliese 2000, eq. 1)."""
    means = np.bincount(team, weights=values) / team_size
    ms_between = team_size * np.var(means, ddof=1)
    ms_within = ((values - means[team]) ** 2).sum() / (values.size - means.size)
    return float((ms_between - ms_within) / (ms_between + (team_size - 1) * ms_within))


def people(seed: int, n_teams: int = 2_000, team_size: int = 10, n_dimensions: int = 6):
    rng = np.random.default_rng(seed)
    team_mean = team_effects(rng, n_teams)
    team = np.repeat(np.arange(n_teams), team_size)
    return rng, team, team_mean, simulate_mindset(rng, team, team_mean, n_dimensions)


def test_shapes_and_types():
    rng, _, team_mean, mindset = people(1, n_teams=30, team_size=4)
    assert team_mean.shape == (30,)
    assert mindset.g.shape == (120,) and mindset.theta.shape == (120, 6)
    a, b = grm_item_parameters(rng, 12, 7)
    assert a.shape == (12,) and b.shape == (12, 6)
    assert np.all(np.diff(b, axis=1) > 0)
    assert np.all((a >= 1.0) & (a <= 2.5))
    dims = np.arange(12) % 6
    latent = item_latents(mindset.theta, dims)
    assert latent.shape == (120, 12)
    np.testing.assert_array_equal(latent[:, 7], mindset.theta[:, 1])
    answers = simulate_answers(rng, latent, a, b, 1, 7, np.zeros(12, dtype=bool))
    assert answers.shape == (120, 12) and answers.dtype == np.float64
    assert set(np.unique(answers)) <= set(range(1, 8))
    assert grm_category_probabilities(latent, a, b).shape == (120, 12, 7)


def test_a_seed_fixes_everything_and_another_seed_changes_it():
    def run(seed):
        rng, team, _, mindset = people(seed, n_teams=50, team_size=5)
        a, b = grm_item_parameters(rng, 18, 7)
        climate = perceived_climate(rng, management_climate(rng, np.zeros(50)), team)
        latent = item_latents(mindset.theta, np.arange(18) % 6, climate, np.arange(18) >= 15)
        reversed_items = np.arange(18) % 2 == 1
        return simulate_answers(rng, latent, a, b, 1, 7, reversed_items, np.arange(18) < 3)

    np.testing.assert_array_equal(run(7), run(7))
    assert not np.array_equal(run(7), run(8), equal_nan=True)


def test_reverse_keyed_items_are_answered_in_their_keyed_direction_then_reflected():
    rng = np.random.default_rng(3)
    latent = rng.normal(size=(500, 4))
    a, b = grm_item_parameters(rng, 4, 7)
    plain = simulate_answers(np.random.default_rng(9), latent, a, b, 1, 7, [False] * 4)
    mixed = simulate_answers(np.random.default_rng(9), latent, a, b, 1, 7, [False, True] * 2)
    np.testing.assert_array_equal(mixed[:, 0::2], plain[:, 0::2])
    np.testing.assert_array_equal(mixed[:, 1::2], 8 - plain[:, 1::2])
    # agreeing with a reverse-keyed item points away from the latent
    assert np.corrcoef(mixed[:, 1], latent[:, 1])[0, 1] < -0.5
    assert np.corrcoef(mixed[:, 0], latent[:, 0])[0, 1] > 0.5


def test_the_general_factor_and_dimensions_have_the_documented_correlations():
    _, team, _, mindset = people(11, n_teams=20_000, team_size=10)
    g, theta = mindset.g, mindset.theta
    assert g.mean() == pytest.approx(0, abs=0.01)
    assert g.std() == pytest.approx(1, abs=0.01)
    assert theta.std(axis=0) == pytest.approx(np.ones(6), abs=0.01)
    correlations = np.corrcoef(np.column_stack([g, theta]), rowvar=False)
    # corr(theta_d, g) = lambda_g; corr(theta_d, theta_e) = lambda_g^2 (second-order model)
    assert correlations[0, 1:] == pytest.approx(np.full(6, GENERAL_LOADING), abs=0.01)
    between = correlations[1:, 1:][np.triu_indices(6, 1)]
    assert between == pytest.approx(np.full(15, GENERAL_LOADING**2), abs=0.015)
    # ICC(1) of g = team_sd^2 (Bliese 2000)
    assert icc1(g, team, 10) == pytest.approx(TEAM_SD**2, abs=0.01)


def test_shifting_the_general_factor_moves_each_dimension_by_its_loading():
    _, _, _, mindset = people(4, n_teams=10, team_size=3)
    moved = mindset.shifted(0.5)
    np.testing.assert_allclose(moved.g, mindset.g + 0.5)
    np.testing.assert_allclose(moved.theta, mindset.theta + GENERAL_LOADING * 0.5)
    per_person = mindset.shifted(np.arange(30) / 10)
    np.testing.assert_allclose(per_person.theta[:, 2] - mindset.theta[:, 2], 0.07 * np.arange(30))
    assert isinstance(moved, Mindset) and moved.loading == mindset.loading


def test_category_probabilities_are_samejimas_from_scipys_logistic():
    rng = np.random.default_rng(5)
    a, b = grm_item_parameters(rng, 5, 7)
    theta = np.array([-2.5, -0.3, 0.0, 1.1, 3.0])
    latent = np.tile(theta[:, None], (1, 5))
    p = grm_category_probabilities(latent, a, b)
    at_least = expit(a[None, :, None] * (latent[:, :, None] - b[None, :, :]))
    expected = np.concatenate(
        [1 - at_least[:, :, :1], -np.diff(at_least, axis=2), at_least[:, :, -1:]], axis=2
    )
    np.testing.assert_allclose(p, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(p.sum(axis=2), 1.0)
    assert np.all(p >= 0)


def test_drawn_answers_follow_the_category_probabilities():
    rng = np.random.default_rng(6)
    a, b = np.array([1.7]), np.array([[-2.1, -1.2, -0.4, 0.3, 1.0, 2.2]])
    theta = 0.4
    n = 200_000
    answers = grm_answers(rng, np.full((n, 1), theta), a, b, 1)[:, 0]
    at_least = expit(1.7 * (theta - b[0]))  # P(X >= 2 .. 7)
    expected = -np.diff(np.concatenate([[1.0], at_least, [0.0]]))
    observed = np.bincount(answers, minlength=8)[1:]
    assert observed.sum() == n
    assert chisquare(observed, expected * n).pvalue > 0.001
    assert observed / n == pytest.approx(expected, abs=0.005)


def test_not_applicable_only_where_offered_at_the_documented_rate():
    rng = np.random.default_rng(8)
    latent = rng.normal(size=(40_000, 6))
    a, b = grm_item_parameters(rng, 6, 7)
    offered = np.array([True, False, True, False, False, True])
    answers = simulate_answers(rng, latent, a, b, 1, 7, np.zeros(6, dtype=bool), offered)
    rate = np.isnan(answers).mean(axis=0)
    assert np.all(rate[~offered] == 0)
    assert rate[offered] == pytest.approx(np.full(3, NOT_APPLICABLE_RATE), abs=0.004)
    none = simulate_answers(
        rng, latent, a, b, 1, 7, np.zeros(6, dtype=bool), offered, not_applicable_rate=0.0
    )
    assert not np.isnan(none).any()


def test_climate_correlates_with_the_teams_mean_g_and_is_shared_within_teams():
    rng = np.random.default_rng(10)
    n_teams, size = 40_000, 8
    team_mean = team_effects(rng, n_teams)
    climate = management_climate(rng, team_mean)
    assert climate.std() == pytest.approx(1, abs=0.01)
    assert np.corrcoef(climate, team_mean)[0, 1] == pytest.approx(CLIMATE_CORRELATION, abs=0.01)
    team = np.repeat(np.arange(n_teams), size)
    seen = perceived_climate(rng, climate, team)
    assert seen.std() == pytest.approx(1, abs=0.01)
    assert icc1(seen, team, size) == pytest.approx(CLIMATE_SHARED, abs=0.01)


def test_climate_items_measure_the_climate_not_the_dimension():
    theta = np.arange(12.0).reshape(4, 3)
    climate = np.array([-1.0, 0.0, 1.0, 2.0])
    latent = item_latents(theta, [0, 1, 2, 1], climate, [False, False, True, False])
    np.testing.assert_array_equal(latent[:, 2], climate)
    np.testing.assert_array_equal(latent[:, 3], theta[:, 1])
    with pytest.raises(ValueError, match="perceived climate"):
        item_latents(theta, [0, 1, 2, 1], None, [False, False, True, False])


def test_parameters_out_of_range_are_refused():
    rng = np.random.default_rng(0)
    latent = np.zeros((3, 2))
    a, b = grm_item_parameters(rng, 2, 5)
    with pytest.raises(ValueError, match="needs 6 thresholds"):
        simulate_answers(rng, latent, a, b, 1, 7, [False, False])
    with pytest.raises(ValueError, match="loading"):
        simulate_mindset(rng, [0], [0.0], 6, loading=1.2)
    with pytest.raises(ValueError, match="correlation"):
        management_climate(rng, [0.0], correlation=2.0)
    with pytest.raises(ValueError, match="at least 2 categories"):
        grm_item_parameters(rng, 2, 1)
