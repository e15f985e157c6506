"""Recovery study: how well the app's index and dimension scores recover a known mindset.

Run from the repository root::

    .venv/bin/python -m bench.bench_recovery      # a few seconds

Respondents are simulated from a known model and scored with the app's own path
(`survey.scoring.score_matrix`: keyed recoding, `analysis.scoring.dimension_scores` and
`analysis.scoring.mindset_index`), on the installed rep questionnaire (its newest version).

Model
-----
- Latent structure: a general mindset factor g ~ N(0, 1) and six dimension factors
  ``theta_d = LAMBDA_G * g + sqrt(1 - LAMBDA_G**2) * s_d`` with s_d ~ N(0, 1) independent, so
  every theta_d is N(0, 1) and two dimensions correlate LAMBDA_G**2 = .49. LAMBDA_G = 0.7 is an
  assumption of this study (a strong general factor, as the essay posits one mindset behind the
  six dimensions), not a calibrated value; the second-order / bifactor framing follows Reise, S. P.
  (2012), The rediscovery of bifactor measurement models, Multivariate Behavioral Research 47(5),
  667-696.
- Teams: people are nested in teams; a team's mean of g is u_t ~ N(0, 0.3**2) and a person's
  g = u_t + e with e ~ N(0, 1 - 0.3**2), so g stays N(0, 1) with ICC(1) = .09. ICC(1) values of
  about .05 to .20 are typical of organisational attitude surveys (Bliese, P. D. (2000).
  Within-group agreement, non-independence, and reliability. In K. J. Klein & S. W. J. Kozlowski
  (Eds.), Multilevel theory, research, and methods in organizations, pp. 349-381. Jossey-Bass).
- Items: Samejima's graded-response model (Samejima, F. (1969). Estimation of latent ability
  using a response pattern of graded scores. Psychometrika Monograph Supplement No. 17), logistic
  metric: ``P(X >= k + 1 | theta) = 1 / (1 + exp(-a (theta - b_k)))`` for k = 1..6 on the 1..7
  scale. Discriminations a ~ U(1.0, 2.5) and six ordered thresholds
  ``b_k = b_mean + linspace(-2, 2, 6) + N(0, 0.1**2)`` (sorted) with b_mean ~ N(0, 0.5**2), the
  range of GRM calibrations of Likert attitude and personality scales (Embretson, S. E., & Reise,
  S. P. (2000). Item response theory for psychologists. Erlbaum, ch. 5; Baker, F. B. (2001). The
  basics of item response theory, 2nd ed., ERIC, where a of 1.35-1.69 is "high" and above 1.7
  "very high" in the logistic metric). Each item measures the theta of its dimension.
- Reverse-keyed items (``questionnaire.reversed_mask()``): the answer is generated in the keyed
  direction and reflected (min + max - x, i.e. 8 - x), so scoring has to reverse it back.

Reports Pearson r of the 0..100 index with g and with the mean of the six thetas, of each
dimension score with its theta_d (N_PEOPLE people in teams of INDIVIDUAL_TEAM_SIZE), and the
Spearman correlation of the observed team mean index with the true team mean of g (u_t, and the
mean g of the team's sampled members) for teams of 5, 8 and 15 (N_TEAMS teams, averaged over
REPLICATIONS replications). Aims (issue 11): index r >= .90 with g, each dimension r >= .80.
"""

import time

import numpy as np
from scipy.stats import spearmanr

from questionnaires import Questionnaire, load_directory
from survey.scoring import score_matrix

SEED = 20261130
INSTRUMENT_KEY = "rep-mindset"
LAMBDA_G = 0.7
TEAM_SD = 0.3
DISCRIMINATION_RANGE = (1.0, 2.5)
THRESHOLD_SPREAD = 2.0
THRESHOLD_NOISE_SD = 0.1
THRESHOLD_MEAN_SD = 0.5
N_PEOPLE = 5_000
INDIVIDUAL_TEAM_SIZE = 10
TEAM_SIZES = (5, 8, 15)
N_TEAMS = 200
REPLICATIONS = 20
AIM_INDEX = 0.90
AIM_DIMENSION = 0.80


def rep_instrument() -> Questionnaire:
    """The newest installed version of the rep questionnaire."""
    versions = {v: q for (key, v), q in load_directory().items() if key == INSTRUMENT_KEY}
    return versions[max(versions)]


def item_parameters(rng: np.random.Generator, n_items: int, n_categories: int):
    """GRM discriminations (n_items) and ordered thresholds (n_items x n_categories - 1)."""
    a = rng.uniform(*DISCRIMINATION_RANGE, size=n_items)
    b_mean = rng.normal(0.0, THRESHOLD_MEAN_SD, size=(n_items, 1))
    steps = np.linspace(-THRESHOLD_SPREAD, THRESHOLD_SPREAD, n_categories - 1)
    noise = rng.normal(0.0, THRESHOLD_NOISE_SD, size=(n_items, n_categories - 1))
    return a, np.sort(b_mean + steps + noise, axis=1)


def latent_people(rng: np.random.Generator, n_teams: int, team_size: int, n_dims: int):
    """Team means u_t, each person's team, g and the thetas of the six dimensions."""
    team_mean = rng.normal(0.0, TEAM_SD, size=n_teams)
    team = np.repeat(np.arange(n_teams), team_size)
    g = team_mean[team] + rng.normal(0.0, np.sqrt(1 - TEAM_SD**2), size=team.size)
    specific = rng.normal(size=(team.size, n_dims))
    theta = LAMBDA_G * g[:, None] + np.sqrt(1 - LAMBDA_G**2) * specific
    return team_mean, team, g, theta


def grm_answers(rng, theta_items: np.ndarray, a: np.ndarray, b: np.ndarray, low: int):
    """Keyed-direction answers low..low+K from the GRM, people x items."""
    logits = a[None, :, None] * (theta_items[:, :, None] - b[None, :, :])
    at_least = 1.0 / (1.0 + np.exp(-logits))
    draw = rng.random(theta_items.shape)[:, :, None]
    return low + (draw < at_least).sum(axis=2)


def simulate_answers(rng, questionnaire: Questionnaire, theta: np.ndarray, a, b) -> np.ndarray:
    """Observed answers: GRM in the keyed direction, reverse-keyed items reflected."""
    low, high = questionnaire.scale.min, questionnaire.scale.max
    dims = np.asarray(questionnaire.item_dimension_index())
    keyed = grm_answers(rng, theta[:, dims], a, b, low)
    reflected = np.asarray(questionnaire.reversed_mask())
    return np.where(reflected, low + high - keyed, keyed).astype(np.float64)


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.corrcoef(x, y)[0, 1])


def icc1(values: np.ndarray, team: np.ndarray, team_size: int) -> float:
    """ICC(1) from a one-way ANOVA of equal-sized teams."""
    means = np.bincount(team, weights=values) / team_size
    n_teams = means.size
    ms_between = team_size * ((means - values.mean()) ** 2).sum() / (n_teams - 1)
    ms_within = ((values - means[team]) ** 2).sum() / (values.size - n_teams)
    return float((ms_between - ms_within) / (ms_between + (team_size - 1) * ms_within))


def individual_recovery(rng, questionnaire: Questionnaire, a, b) -> dict:
    """Correlations of the app's scores with the true latents for N_PEOPLE people."""
    n_dims = len(questionnaire.dimensions)
    n_teams = N_PEOPLE // INDIVIDUAL_TEAM_SIZE
    _, team, g, theta = latent_people(rng, n_teams, INDIVIDUAL_TEAM_SIZE, n_dims)
    index, positions = score_matrix(
        simulate_answers(rng, questionnaire, theta, a, b), questionnaire
    )
    return {
        "index_g": pearson(index, g),
        "index_mean_theta": pearson(index, theta.mean(axis=1)),
        "dimensions": [pearson(positions[:, d], theta[:, d]) for d in range(n_dims)],
        "icc_g": icc1(g, team, INDIVIDUAL_TEAM_SIZE),
        "icc_index": icc1(index, team, INDIVIDUAL_TEAM_SIZE),
    }


def team_recovery(rng, questionnaire: Questionnaire, a, b, team_size: int) -> dict:
    """Spearman rho of team mean index with u_t and with the members' mean g, per replication."""
    n_dims = len(questionnaire.dimensions)
    with_population, with_members = [], []
    for _ in range(REPLICATIONS):
        team_mean, team, g, theta = latent_people(rng, N_TEAMS, team_size, n_dims)
        index, _ = score_matrix(simulate_answers(rng, questionnaire, theta, a, b), questionnaire)
        observed = np.bincount(team, weights=index) / team_size
        members_g = np.bincount(team, weights=g) / team_size
        with_population.append(spearmanr(observed, team_mean).statistic)
        with_members.append(spearmanr(observed, members_g).statistic)
    return {
        "population": (float(np.mean(with_population)), float(np.std(with_population))),
        "members": (float(np.mean(with_members)), float(np.std(with_members))),
    }


def index_ceiling(n_dims: int) -> float:
    """r of g with the mean of the thetas: what a perfectly measured index could reach."""
    return LAMBDA_G / np.sqrt(LAMBDA_G**2 + (1 - LAMBDA_G**2) / n_dims)


def team_ceiling(team_size: int) -> float:
    """Pearson r of u_t with the members' true mean g: sampling of members alone."""
    return TEAM_SD / np.sqrt(TEAM_SD**2 + (1 - TEAM_SD**2) / team_size)


def verdict(value: float, aim: float) -> str:
    return "met" if value >= aim else "missed"


def print_individual(questionnaire: Questionnaire, result: dict) -> None:
    print(f"\nIndividuals: N = {N_PEOPLE:,} in teams of {INDIVIDUAL_TEAM_SIZE}")
    print("| score | true latent | Pearson r | aim | verdict |")
    print("| --- | --- | --- | --- | --- |")
    r = result["index_g"]
    print(f"| index (0..100) | g | {r:.3f} | >= {AIM_INDEX:.2f} | {verdict(r, AIM_INDEX)} |")
    print(f"| index (0..100) | mean of the 6 thetas | {result['index_mean_theta']:.3f} | - | - |")
    for dimension, r in zip(questionnaire.dimensions, result["dimensions"], strict=True):
        aim = f">= {AIM_DIMENSION:.2f}"
        print(f"| {dimension.name} | theta_d | {r:.3f} | {aim} | {verdict(r, AIM_DIMENSION)} |")
    ceiling = index_ceiling(len(questionnaire.dimensions))
    print(f"Ceiling of r(index, g) with error-free dimensions: {ceiling:.3f}")
    print(
        f"ICC(1) of true g: {result['icc_g']:.3f}; of the observed index: {result['icc_index']:.3f}"
    )


def print_teams(results: dict) -> None:
    print(f"\nTeams: {N_TEAMS} teams per replication, {REPLICATIONS} replications, mean (SD)")
    print(
        "| team size | Spearman rho with team's true mean u_t | with members' mean g"
        " | ceiling: Pearson r of u_t with members' mean g |"
    )
    print("| --- | --- | --- | --- |")
    for size, result in results.items():
        (pm, ps), (mm, ms) = result["population"], result["members"]
        ceiling = team_ceiling(size)
        print(f"| {size} | {pm:.3f} ({ps:.3f}) | {mm:.3f} ({ms:.3f}) | {ceiling:.3f} |")


def print_header(q: Questionnaire, a: np.ndarray, b: np.ndarray) -> None:
    print(
        f"Instrument {q.key} v{q.version}: {len(q.items)} items, {len(q.dimensions)} dimensions,"
        f" {sum(q.reversed_mask())} reverse-keyed, scale {q.scale.min}..{q.scale.max}; seed {SEED}"
    )
    print(
        f"Model: lambda_g = {LAMBDA_G}, team SD of g = {TEAM_SD}; GRM a in"
        f" [{a.min():.2f}, {a.max():.2f}], thresholds in [{b.min():.2f}, {b.max():.2f}]"
    )


def main() -> None:
    started = time.perf_counter()
    rng = np.random.default_rng(SEED)
    questionnaire = rep_instrument()
    n_categories = questionnaire.scale.max - questionnaire.scale.min + 1
    a, b = item_parameters(rng, len(questionnaire.items), n_categories)
    print_header(questionnaire, a, b)
    print_individual(questionnaire, individual_recovery(rng, questionnaire, a, b))
    print_teams({size: team_recovery(rng, questionnaire, a, b, size) for size in TEAM_SIZES})
    print(f"\nRun time {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
