"""Recovery study: how well the app's index and dimension scores recover a known mindset.

Run from the repository root::

    .venv/bin/python -m bench.bench_recovery      # well under 2 minutes

Respondents are simulated from a known model (:mod:`analysis.simulation`) on the installed rep
questionnaire's newest version and scored with the app's own path (`survey.scoring.score_matrix`:
keyed recoding, `analysis.scoring.dimension_scores` and `analysis.scoring.mindset_index`; with
climate items, on the rep's own ``self`` items only, as the app scores a rep).

Model and where its parameters come from (details and references in :mod:`analysis.simulation`)
---------------------------------------------------------------------------------------------
- General factor g ~ N(0, 1) and six dimension latents ``theta_d = lambda_g g + sqrt(1 -
  lambda_g^2) s_d``; lambda_g = 0.7 (``GENERAL_LOADING``) is an assumption, a strong general
  mindset as the essay posits (second-order framing: Reise 2012).
- Teams: u_t ~ N(0, 0.3^2), ICC(1) of g = .09 (``TEAM_SD``), typical of organisational surveys
  (Bliese 2000: .05-.20).
- Management climate of a team, correlating .5 with its mean g (``CLIMATE_CORRELATION``, an
  assumption); reps' perceptions of it share ICC(1) = .2 (``CLIMATE_SHARED``, an assumption).
- Items: Samejima's (1969) graded-response model, a ~ U(1.0, 2.5), seven-point thresholds
  evenly from -2 to 2 around a location ~ N(0, 0.5^2) (Embretson & Reise 2000, ch. 5; Baker
  2001); reverse-keyed items reflected; "does not apply" at 5% on items that offer it (MCAR,
  an assumption).

Reports Pearson r of the 0..100 index with g, of each dimension score with its theta_d
(N_PEOPLE people in teams of INDIVIDUAL_TEAM_SIZE), the Spearman correlation of the observed
team mean index with the true team mean of g for teams of 5, 8 and 15 (N_TEAMS teams, averaged
over REPLICATIONS replications), and the CFA fit of the six-factor and second-order models on
N_CFA simulated people. Aims (issue 11): index r >= .90 with g, each dimension r >= .80.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from analysis.factor_model import CfaResult, fit_cfa
from analysis.simulation import (
    CLIMATE_CORRELATION,
    CLIMATE_SHARED,
    GENERAL_LOADING,
    NOT_APPLICABLE_RATE,
    TEAM_SD,
    grm_item_parameters,
    item_latents,
    management_climate,
    perceived_climate,
    simulate_answers,
    simulate_mindset,
    team_effects,
)
from questionnaires import Questionnaire, load_directory
from survey.scoring import score_matrix

SEED = 20261130
INSTRUMENT_KEY = "rep-mindset"
N_PEOPLE = 5_000
INDIVIDUAL_TEAM_SIZE = 10
TEAM_SIZES = (5, 8, 15)
N_TEAMS = 200
REPLICATIONS = 20
N_CFA = 2_000
SENSITIVITY_LOADINGS = (0.6, 0.7, 0.75, 0.8)
AIM_INDEX = 0.90
AIM_DIMENSION = 0.80


def rep_instrument() -> Questionnaire:
    """The newest installed version of the rep questionnaire."""
    versions = {v: q for (key, v), q in load_directory().items() if key == INSTRUMENT_KEY}
    return versions[max(versions)]


def has_climate(questionnaire: Questionnaire) -> bool:
    return any(item.perspective == "climate" for item in questionnaire.items)


def own_items(questionnaire: Questionnaire) -> np.ndarray:
    """Columns of the items a rep's own result is scored on (all but climate items)."""
    return np.array(
        [i for i, item in enumerate(questionnaire.items) if item.perspective != "climate"]
    )


@dataclass(frozen=True)
class Sample:
    """Simulated people of one study: their teams, true latents and observed answers."""

    team: np.ndarray
    team_mean: np.ndarray
    g: np.ndarray
    theta: np.ndarray
    climate: np.ndarray  # the teams' true management climate
    answers: np.ndarray


def simulate(
    rng: np.random.Generator,
    questionnaire: Questionnaire,
    a,
    b,
    n_teams: int,
    team_size: int,
    loading: float = GENERAL_LOADING,
) -> Sample:
    """Teams of ``team_size`` people: latents from the model, answers from the GRM."""
    team_mean = team_effects(rng, n_teams)
    team = np.repeat(np.arange(n_teams), team_size)
    mindset = simulate_mindset(rng, team, team_mean, len(questionnaire.dimensions), loading=loading)
    climate = management_climate(rng, team_mean)
    items = questionnaire.items
    latent = item_latents(
        mindset.theta,
        questionnaire.item_dimension_index(),
        perceived_climate(rng, climate, team),
        [item.perspective == "climate" for item in items],
    )
    answers = simulate_answers(
        rng,
        latent,
        a,
        b,
        questionnaire.scale.min,
        questionnaire.scale.max,
        questionnaire.reversed_mask(),
        [getattr(item, "not_applicable", False) for item in items],
    )
    return Sample(team, team_mean, mindset.g, mindset.theta, climate, answers)


def score(sample: Sample, questionnaire: Questionnaire):
    """The app's index and dimension positions (0..100) of each simulated person."""
    return score_matrix(
        sample.answers, questionnaire, "self" if has_climate(questionnaire) else None
    )


def climate_scores(sample: Sample, questionnaire: Questionnaire) -> np.ndarray:
    """Each person's mean keyed answer to the climate items (NaN where none answered)."""
    mask = np.array([item.perspective == "climate" for item in questionnaire.items])
    reflected = np.asarray(questionnaire.reversed_mask())[mask]
    scale = questionnaire.scale
    answers = sample.answers[:, mask]
    keyed = np.where(reflected, scale.min + scale.max - answers, answers)
    with np.errstate(invalid="ignore"):
        return np.nanmean(keyed, axis=1) if keyed.size else np.full(len(answers), np.nan)


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    kept = ~(np.isnan(x) | np.isnan(y))
    return float(np.corrcoef(x[kept], y[kept])[0, 1])


def team_means(values: np.ndarray, team: np.ndarray, n_teams: int) -> np.ndarray:
    kept = ~np.isnan(values)
    sums = np.bincount(team[kept], weights=values[kept], minlength=n_teams)
    return sums / np.bincount(team[kept], minlength=n_teams)


def icc1(values: np.ndarray, team: np.ndarray, team_size: int) -> float:
    """ICC(1) from a one-way ANOVA of equal-sized teams."""
    means = np.bincount(team, weights=values) / team_size
    n_teams = means.size
    ms_between = team_size * ((means - values.mean()) ** 2).sum() / (n_teams - 1)
    ms_within = ((values - means[team]) ** 2).sum() / (values.size - n_teams)
    return float((ms_between - ms_within) / (ms_between + (team_size - 1) * ms_within))


def individual_recovery(rng, questionnaire: Questionnaire, a, b) -> dict:
    """Correlations of the app's scores with the true latents for N_PEOPLE people."""
    n_teams = N_PEOPLE // INDIVIDUAL_TEAM_SIZE
    sample = simulate(rng, questionnaire, a, b, n_teams, INDIVIDUAL_TEAM_SIZE)
    index, positions = score(sample, questionnaire)
    return {
        "index_g": pearson(index, sample.g),
        "index_mean_theta": pearson(index, sample.theta.mean(axis=1)),
        "dimensions": [
            pearson(positions[:, d], sample.theta[:, d]) for d in range(positions.shape[1])
        ],
        "icc_g": icc1(sample.g, sample.team, INDIVIDUAL_TEAM_SIZE),
        "icc_index": icc1(index, sample.team, INDIVIDUAL_TEAM_SIZE),
        "scored": float(np.mean(~np.isnan(index))),
        "not_applicable": float(np.mean(np.isnan(sample.answers))),
    }


def loading_sensitivity(rng, questionnaire: Questionnaire, a, b) -> dict[float, tuple]:
    """r(index, g) and its error-free ceiling for other general loadings (not the model's:
    how strong the general factor must be for the index to reach the aim)."""
    n_teams = N_PEOPLE // INDIVIDUAL_TEAM_SIZE
    found = {}
    for loading in SENSITIVITY_LOADINGS:
        sample = simulate(rng, questionnaire, a, b, n_teams, INDIVIDUAL_TEAM_SIZE, loading)
        index, _ = score(sample, questionnaire)
        ceiling = index_ceiling(len(questionnaire.dimensions), loading)
        found[loading] = (pearson(index, sample.g), ceiling)
    return found


def team_recovery(rng, questionnaire: Questionnaire, a, b, team_size: int) -> dict:
    """Spearman rho per replication of team means with the true team means: the index with
    u_t and with the members' mean g; the climate items' mean with the team's climate."""
    rhos: dict[str, list[float]] = {"population": [], "members": [], "climate": []}
    for _ in range(REPLICATIONS):
        sample = simulate(rng, questionnaire, a, b, N_TEAMS, team_size)
        index, _ = score(sample, questionnaire)
        observed = team_means(index, sample.team, N_TEAMS)
        members_g = np.bincount(sample.team, weights=sample.g) / team_size
        rhos["population"].append(spearmanr(observed, sample.team_mean).statistic)
        rhos["members"].append(spearmanr(observed, members_g).statistic)
        if has_climate(questionnaire):
            climate = team_means(climate_scores(sample, questionnaire), sample.team, N_TEAMS)
            rhos["climate"].append(spearmanr(climate, sample.climate).statistic)
    return {
        name: (float(np.mean(values)), float(np.std(values))) if values else None
        for name, values in rhos.items()
    }


def cfa_fit(rng, questionnaire: Questionnaire, a, b) -> dict[str, CfaResult]:
    """The six-factor (correlated factors) and second-order CFA models, fitted with the app's
    :func:`analysis.factor_model.fit_cfa` to N_CFA simulated people's own items, keyed."""
    sample = simulate(rng, questionnaire, a, b, N_CFA // INDIVIDUAL_TEAM_SIZE, INDIVIDUAL_TEAM_SIZE)
    columns = own_items(questionnaire)
    items = [questionnaire.items[i] for i in columns]
    scale = questionnaire.scale
    answers = sample.answers[:, columns]
    keyed = np.where([item.reversed for item in items], scale.min + scale.max - answers, answers)
    frame = pd.DataFrame(keyed, columns=[item.id for item in items])
    factors = {
        dimension.key: [item.id for item in items if item.dimension == dimension.key]
        for dimension in questionnaire.dimensions
    }
    fitted = {
        structure: fit_cfa(frame, factors, structure=structure)
        for structure in ("correlated", "second_order")
    }
    # a wrong model, to show that the indices can tell: one factor behind all items
    fitted["one_factor"] = fit_cfa(frame, {"mindset": list(frame.columns)})
    return fitted


def index_ceiling(n_dims: int, loading: float = GENERAL_LOADING) -> float:
    """r of g with the mean of the thetas: what a perfectly measured index could reach."""
    return float(loading / np.sqrt(loading**2 + (1 - loading**2) / n_dims))


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
    print(
        f"'Does not apply' answers: {result['not_applicable']:.1%} of all answers;"
        f" people with an index: {result['scored']:.1%}"
    )


def print_sensitivity(found: dict[float, tuple]) -> None:
    print("\nSensitivity to the general loading (same items, same N):")
    print("| lambda_g | dimensions' correlation | r(index, g) | ceiling, error-free dimensions |")
    print("| --- | --- | --- | --- |")
    for loading, (r, ceiling) in found.items():
        print(f"| {loading} | {loading**2:.2f} | {r:.3f} | {ceiling:.3f} |")


def print_teams(results: dict) -> None:
    print(f"\nTeams: {N_TEAMS} teams per replication, {REPLICATIONS} replications, mean (SD)")
    climate = any(result["climate"] for result in results.values())
    print(
        "| team size | Spearman rho with team's true mean u_t | with members' mean g"
        " | ceiling: Pearson r of u_t with members' mean g |"
        + (" climate items' mean with true climate |" if climate else "")
    )
    print("| --- | --- | --- | --- |" + (" --- |" if climate else ""))
    for size, result in results.items():
        (pm, ps), (mm, ms) = result["population"], result["members"]
        line = f"| {size} | {pm:.3f} ({ps:.3f}) | {mm:.3f} ({ms:.3f}) | {team_ceiling(size):.3f} |"
        if climate:
            cm, cs = result["climate"]
            line += f" {cm:.3f} ({cs:.3f}) |"
        print(line)


def print_cfa(results: dict[str, CfaResult]) -> None:
    n = next(iter(results.values())).n
    print(
        f"\nCFA on {N_CFA:,} simulated people's own items, keyed; {n:,} answered every item"
        " (listwise deletion)"
    )
    print("| model | estimator | chi2 (df) | CFI | TLI | RMSEA [90% CI] | SRMR | converged |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    names = {
        "correlated": "six correlated factors",
        "second_order": "second-order (g over the six)",
        "one_factor": "one factor (misspecified, for contrast)",
    }
    for structure, result in results.items():
        fit = result.fit
        low, high = fit.rmsea_ci
        print(
            f"| {names[structure]} | {result.estimator} | {fit.chi2:.1f} ({fit.df}) |"
            f" {fit.cfi:.3f} | {fit.tli:.3f} | {fit.rmsea:.3f} [{low:.3f}, {high:.3f}] |"
            f" {fit.srmr:.3f} | {result.converged} |"
        )
    second = results["second_order"]
    loadings = ", ".join(f"{value:.2f}" for value in second.general_loadings.values())
    print(
        f"Second-order loadings of the dimensions on g: {loadings} (true {GENERAL_LOADING});"
        f" omega hierarchical {second.omega_hierarchical:.3f},"
        f" omega total {second.omega_total:.3f}"
    )
    items = [value for row in second.loadings.values() for value in row.values()]
    print(f"Standardised item loadings on their dimension: {min(items):.2f} to {max(items):.2f}")


def print_header(q: Questionnaire, a: np.ndarray, b: np.ndarray) -> None:
    climate = sum(item.perspective == "climate" for item in q.items)
    offered = sum(getattr(item, "not_applicable", False) for item in q.items)
    print(
        f"Instrument {q.key} v{q.version}: {len(q.items)} items ({climate} climate),"
        f" {len(q.dimensions)} dimensions, {sum(q.reversed_mask())} reverse-keyed,"
        f" {offered} offer 'does not apply', scale {q.scale.min}..{q.scale.max}; seed {SEED}"
    )
    print(
        f"Model: lambda_g = {GENERAL_LOADING}, team SD of g = {TEAM_SD}, climate r with team"
        f" mean g = {CLIMATE_CORRELATION}, climate ICC(1) = {CLIMATE_SHARED}, 'does not apply'"
        f" rate = {NOT_APPLICABLE_RATE}; GRM a in [{a.min():.2f}, {a.max():.2f}], thresholds in"
        f" [{b.min():.2f}, {b.max():.2f}]"
    )


def main() -> None:
    started = time.perf_counter()
    rng = np.random.default_rng(SEED)
    questionnaire = rep_instrument()
    n_categories = questionnaire.scale.max - questionnaire.scale.min + 1
    a, b = grm_item_parameters(rng, len(questionnaire.items), n_categories)
    print_header(questionnaire, a, b)
    print_individual(questionnaire, individual_recovery(rng, questionnaire, a, b))
    print_teams({size: team_recovery(rng, questionnaire, a, b, size) for size in TEAM_SIZES})
    print_sensitivity(loading_sensitivity(rng, questionnaire, a, b))
    simulated = time.perf_counter()
    print_cfa(cfa_fit(rng, questionnaire, a, b))
    print(
        f"\nRun time {time.perf_counter() - started:.1f} s"
        f" (CFA {time.perf_counter() - simulated:.1f} s)"
    )


if __name__ == "__main__":
    main()
