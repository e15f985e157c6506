"""Simulated respondents: a known mindset and the answers a graded-response model gives it.

Shared by the recovery study (``bench/bench_recovery.py``), which checks how well the app's
scores recover a known mindset, and the demo organisation (``survey/demo.py``). Every function
is pure: randomness comes only from the ``numpy.random.Generator`` passed in, so a seed fixes
the result.

The model
---------
- **General factor and dimensions** (second-order structure; Reise, S. P. (2012). The
  rediscovery of bifactor measurement models. Multivariate Behavioral Research, 47(5),
  667-696): a person's general mindset g, and each dimension's latent
  ``theta_d = lambda_g g + sqrt(1 - lambda_g^2) s_d`` with independent s_d ~ N(0, 1). With g
  ~ N(0, 1) every theta_d is N(0, 1), correlates ``lambda_g`` with g and ``lambda_g^2`` with
  another dimension. :data:`GENERAL_LOADING` = 0.7 is an assumption (a strong general mindset,
  as the essay posits one mindset behind the six dimensions), not a calibrated value.
- **Teams** (Bliese, P. D. (2000). Within-group agreement, non-independence, and reliability.
  In K. J. Klein & S. W. J. Kozlowski (Eds.), Multilevel theory, research, and methods in
  organizations, pp. 349-381. Jossey-Bass): a team's mean of g is u_t ~ N(0, tau^2) and a
  member's ``g = u_t + e``, e ~ N(0, 1 - tau^2), so g stays N(0, 1) and ICC(1) = tau^2.
  :data:`TEAM_SD` tau = 0.3 gives ICC(1) = .09, inside the .05-.20 Bliese reports as typical of
  organisational surveys.
- **Management climate**: items on how the rep is managed (perspective "climate") measure the
  team's climate, not the rep's stance. Assumption of this model: a team's climate
  ``c_t = rho u_t / tau + sqrt(1 - rho^2) f_t``, f_t ~ N(0, 1), so c_t ~ N(0, 1) and
  correlates rho (:data:`CLIMATE_CORRELATION` = 0.5) with the team's mean g: managers shape
  their team's mindset and the reverse, but climate is not the reps' mindset. A rep perceives
  ``sqrt(w) c_t + sqrt(1 - w) v``, v ~ N(0, 1), so perceptions agree within a team with ICC(1)
  = w (:data:`CLIMATE_SHARED` = 0.2, an assumption: the top of Bliese's .05-.20, above the
  ICC of g, as every rep of a team rates the same manager).
- **Items**: Samejima's graded-response model (Samejima, F. (1969). Estimation of latent
  ability using a response pattern of graded scores. Psychometrika Monograph Supplement
  No. 17), logistic metric, ``P(X >= k + 1 | theta) = 1 / (1 + exp(-a (theta - b_k)))`` for
  the K - 1 thresholds of a K-point scale. :func:`grm_item_parameters` draws a ~ U(1.0, 2.5)
  and ``b_k = b_mean + linspace(-2, 2, K - 1) + N(0, 0.1^2)`` (sorted) with b_mean ~ N(0,
  0.5^2): the range of GRM calibrations of Likert attitude and personality scales (Embretson,
  S. E., & Reise, S. P. (2000). Item response theory for psychologists. Erlbaum, ch. 5;
  Baker, F. B. (2001). The basics of item response theory, 2nd ed., ERIC, calls a of
  1.35-1.69 "high" and above 1.7 "very high" in the logistic metric).
- **Keying**: an item is answered in its keyed direction and a reverse-keyed one is reflected
  (``min + max - x``), so scoring has to reverse it back.
- **Does not apply**: an item that offers "does not apply" gets it (NaN) with probability
  :data:`NOT_APPLICABLE_RATE` = .05, missing completely at random (Rubin, D. B. (1976).
  Inference and missing data. Biometrika, 63(3), 581-592). An assumption: an item that fairly
  does not apply to a few reps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

GENERAL_LOADING = 0.7
"""lambda_g: loading of each dimension's latent on the general mindset (an assumption)."""
TEAM_SD = 0.3
"""tau: standard deviation of teams' mean g; ICC(1) of g = tau^2 (Bliese 2000)."""
CLIMATE_CORRELATION = 0.5
"""rho: correlation of a team's management climate with its mean g (an assumption)."""
CLIMATE_SHARED = 0.2
"""w: ICC(1) of reps' perceptions of their team's climate (an assumption)."""
NOT_APPLICABLE_RATE = 0.05
"""Share of "does not apply" answers to an item that offers it (an assumption)."""
DISCRIMINATION_RANGE = (1.0, 2.5)
"""GRM discriminations are drawn uniformly from this range (Embretson & Reise 2000, ch. 5)."""
THRESHOLD_SPREAD = 2.0
"""The thresholds of an item step evenly from -spread to +spread around its mean location."""
THRESHOLD_NOISE_SD = 0.1
THRESHOLD_MEAN_SD = 0.5


@dataclass(frozen=True)
class Mindset:
    """People's latent mindset: the general factor ``g`` (people) and the dimensions' latents
    ``theta`` (people x dimensions), ``theta = loading g + sqrt(1 - loading^2) specific``."""

    g: np.ndarray
    theta: np.ndarray
    loading: float

    def shifted(self, delta: ArrayLike) -> Mindset:
        """The same people with g moved by ``delta`` (one value, or one per person): each
        theta_d moves by ``loading x delta``, their specific parts stay."""
        step = np.broadcast_to(np.asarray(delta, dtype=np.float64), self.g.shape)
        return Mindset(self.g + step, self.theta + self.loading * step[:, None], self.loading)


def team_effects(rng: np.random.Generator, n_teams: int, team_sd: float = TEAM_SD) -> np.ndarray:
    """Teams' mean g, u_t ~ N(0, team_sd^2) (Bliese 2000)."""
    return rng.normal(0.0, team_sd, size=n_teams)


def simulate_mindset(
    rng: np.random.Generator,
    team: ArrayLike,
    team_mean: ArrayLike,
    n_dimensions: int,
    *,
    loading: float = GENERAL_LOADING,
    team_sd: float = TEAM_SD,
) -> Mindset:
    """Latent mindset of people in teams: ``g = team_mean[team] + N(0, 1 - team_sd^2)`` and
    ``theta_d = loading g + sqrt(1 - loading^2) s_d``, s_d ~ N(0, 1) (Reise 2012).

    ``team`` holds each person's team (0-based codes into ``team_mean``). With ``team_mean``
    from :func:`team_effects` g is N(0, 1) with ICC(1) = team_sd^2 (Bliese 2000); a team mean
    may carry any other offset (a country's, say).
    """
    if not 0 <= loading <= 1:
        raise ValueError(f"loading must be from 0 to 1, got {loading!r}")
    if not 0 <= team_sd < 1:
        raise ValueError(f"team_sd must be at least 0 and below 1, got {team_sd!r}")
    codes = np.asarray(team, dtype=np.int64)
    means = np.asarray(team_mean, dtype=np.float64)
    g = means[codes] + rng.normal(0.0, np.sqrt(1.0 - team_sd**2), size=codes.size)
    specific = rng.normal(size=(codes.size, n_dimensions))
    theta = loading * g[:, None] + np.sqrt(1.0 - loading**2) * specific
    return Mindset(g, theta, loading)


def management_climate(
    rng: np.random.Generator,
    team_mean: ArrayLike,
    *,
    team_sd: float = TEAM_SD,
    correlation: float = CLIMATE_CORRELATION,
) -> np.ndarray:
    """Teams' management climate ``c_t = rho team_mean / team_sd + sqrt(1 - rho^2) f_t``.

    With ``team_mean`` ~ N(0, team_sd^2) (:func:`team_effects`), c_t is N(0, 1) and correlates
    ``correlation`` with the team's mean g: this model's assumption (module docstring).
    """
    if not -1 <= correlation <= 1:
        raise ValueError(f"correlation must be from -1 to 1, got {correlation!r}")
    means = np.asarray(team_mean, dtype=np.float64)
    noise = rng.normal(size=means.shape)
    return correlation * means / team_sd + np.sqrt(1.0 - correlation**2) * noise


def perceived_climate(
    rng: np.random.Generator,
    climate: ArrayLike,
    team: ArrayLike,
    *,
    shared: float = CLIMATE_SHARED,
) -> np.ndarray:
    """Each person's view of their team's climate, ``sqrt(shared) c_t + sqrt(1 - shared) v``,
    v ~ N(0, 1): N(0, 1) for c_t ~ N(0, 1), with ICC(1) = ``shared`` within a team."""
    if not 0 <= shared <= 1:
        raise ValueError(f"shared must be from 0 to 1, got {shared!r}")
    codes = np.asarray(team, dtype=np.int64)
    values = np.asarray(climate, dtype=np.float64)[codes]
    return np.sqrt(shared) * values + np.sqrt(1.0 - shared) * rng.normal(size=codes.size)


def item_latents(
    theta: ArrayLike,
    item_dimension: ArrayLike,
    climate: ArrayLike | None = None,
    climate_items: ArrayLike | None = None,
) -> np.ndarray:
    """People x items: the latent each item measures, its dimension's theta, or for a climate
    item (``climate_items`` True) the person's perceived ``climate``."""
    latent = np.asarray(theta, dtype=np.float64)[:, np.asarray(item_dimension, dtype=np.int64)]
    if climate_items is not None and np.any(climate_items):
        if climate is None:
            raise ValueError("climate items need each person's perceived climate")
        mask = np.asarray(climate_items, dtype=bool)
        latent[:, mask] = np.asarray(climate, dtype=np.float64)[:, None]
    return latent


def grm_item_parameters(
    rng: np.random.Generator,
    n_items: int,
    n_categories: int,
    *,
    discrimination_range: tuple[float, float] = DISCRIMINATION_RANGE,
    threshold_spread: float = THRESHOLD_SPREAD,
    threshold_noise_sd: float = THRESHOLD_NOISE_SD,
    threshold_mean_sd: float = THRESHOLD_MEAN_SD,
) -> tuple[np.ndarray, np.ndarray]:
    """GRM discriminations a (n_items) and ordered thresholds b (n_items x n_categories - 1):
    ``a ~ U(range)``, ``b_k = b_mean + linspace(-spread, spread, K - 1) + N(0, noise^2)``
    sorted, ``b_mean ~ N(0, mean_sd^2)`` (Embretson & Reise 2000, ch. 5)."""
    if n_categories < 2:
        raise ValueError(f"a scale needs at least 2 categories, got {n_categories!r}")
    a = rng.uniform(*discrimination_range, size=n_items)
    b_mean = rng.normal(0.0, threshold_mean_sd, size=(n_items, 1))
    steps = np.linspace(-threshold_spread, threshold_spread, n_categories - 1)
    noise = rng.normal(0.0, threshold_noise_sd, size=(n_items, n_categories - 1))
    return a, np.sort(b_mean + steps + noise, axis=1)


def grm_category_probabilities(latent: ArrayLike, a: ArrayLike, b: ArrayLike) -> np.ndarray:
    """Samejima's (1969) graded-response model: P(X = k | theta), k = 0 .. K - 1.

    ``latent`` is people x items (each item's theta), ``a`` the items' discriminations and
    ``b`` their ordered thresholds (items x K - 1). Returns people x items x K: the
    differences of ``P(X >= k) = 1 / (1 + exp(-a (theta - b_k)))`` with P(X >= 0) = 1 and
    P(X >= K) = 0.

    Examples
    --------
    >>> p = grm_category_probabilities([[0.0]], [1.0], [[-1.0, 1.0]])
    >>> [round(float(x), 4) for x in p[0, 0]]
    [0.2689, 0.4621, 0.2689]
    """
    theta = np.asarray(latent, dtype=np.float64)
    slopes = np.asarray(a, dtype=np.float64)
    thresholds = np.asarray(b, dtype=np.float64)
    logits = slopes[None, :, None] * (theta[:, :, None] - thresholds[None, :, :])
    at_least = 1.0 / (1.0 + np.exp(-logits))
    ones = np.ones((*theta.shape, 1))
    bounded = np.concatenate([ones, at_least, np.zeros_like(ones)], axis=2)
    return bounded[:, :, :-1] - bounded[:, :, 1:]


def grm_answers(
    rng: np.random.Generator, latent: ArrayLike, a: ArrayLike, b: ArrayLike, scale_min: int
) -> np.ndarray:
    """Answers ``scale_min .. scale_min + K - 1`` (people x items, int) drawn from the GRM's
    category probabilities (:func:`grm_category_probabilities`), in the items' keyed direction.
    """
    probabilities = grm_category_probabilities(latent, a, b)
    below = np.cumsum(probabilities, axis=2)[:, :, :-1]  # P(X <= k), k = 0 .. K - 2
    draw = rng.random(probabilities.shape[:2])[:, :, None]
    return scale_min + (draw >= below).sum(axis=2)


def simulate_answers(
    rng: np.random.Generator,
    latent: ArrayLike,
    a: ArrayLike,
    b: ArrayLike,
    scale_min: int,
    scale_max: int,
    reversed_items: ArrayLike,
    not_applicable_items: ArrayLike | None = None,
    *,
    not_applicable_rate: float = NOT_APPLICABLE_RATE,
) -> np.ndarray:
    """Observed answers (people x items, float, NaN for "does not apply"): GRM answers in the
    keyed direction (:func:`grm_answers`), reverse-keyed items reflected to ``min + max - x``,
    and each item that offers "does not apply" answered so at ``not_applicable_rate``, at
    random (Rubin 1976).
    """
    if not 0 <= not_applicable_rate <= 1:
        raise ValueError(f"not_applicable_rate must be from 0 to 1, got {not_applicable_rate!r}")
    n_thresholds = np.asarray(b).shape[-1]
    if n_thresholds != scale_max - scale_min:
        raise ValueError(
            f"a scale of {scale_min}..{scale_max} needs {scale_max - scale_min} thresholds per"
            f" item, got {n_thresholds}"
        )
    keyed = grm_answers(rng, latent, a, b, scale_min)
    reflected = np.asarray(reversed_items, dtype=bool)
    answers = np.where(reflected, scale_min + scale_max - keyed, keyed).astype(np.float64)
    if not_applicable_items is not None:
        offered = np.asarray(not_applicable_items, dtype=bool)
        skipped = (rng.random(answers.shape) < not_applicable_rate) & offered[None, :]
        answers[skipped] = np.nan
    return answers
