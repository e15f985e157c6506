"""Benchmark of analysis/: scoring, per-team summaries and alpha at a million responses.

Run from the repository root::

    .venv/bin/python -m bench.bench_analysis

Generates 1,000,000 synthetic responses x 30 seven-point items (six dimensions of five items,
every other item reverse-keyed, a latent trait per respondent around a team effect plus item
noise, 2% of answers missing at random) from 1,000 teams. Times the app's path over them:
dimension scores, the mindset index, per-team summaries of the index and the six dimensions,
and Cronbach's alpha of the six dimensions; reports wall time and peak memory. Then compares
`analysis.reliability.scale_reliability` with `pingouin.cronbach_alpha` on 100,000 x 30 in the same
run (as one scale of all 30 items): speed ratio and largest absolute difference, which must stay
within 1e-9.
"""

import os
import resource
import time
import tracemalloc

import numpy as np
import pandas as pd

from analysis.groups import group_summaries
from analysis.reliability import scale_reliability
from analysis.scoring import dimension_scores, mindset_index, recode

N_RESPONSES = 1_000_000
N_TEAMS = 1_000
N_DIMENSIONS = 6
ITEMS_PER_DIMENSION = 5
SCALE_MIN, SCALE_MAX = 1, 7
MISSING_SHARE = 0.02
MIN_ANSWERED_SHARE = 0.5
REFERENCE_ROWS = 100_000
TOLERANCE = 1e-9
REPEATS = 5
MEASURES = ["index", *(f"dimension_{d}" for d in range(N_DIMENSIONS))]

ITEM_DIMENSION = np.repeat(np.arange(N_DIMENSIONS), ITEMS_PER_DIMENSION)
REVERSED_ITEMS = np.arange(ITEM_DIMENSION.size) % 2 == 1


def synthetic_survey(
    n_responses: int, missing_share: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Likert answers (float32, NaN missing) and team codes from a latent-trait model."""
    rng = np.random.default_rng(seed)
    n_items = ITEM_DIMENSION.size
    team_effect = rng.normal(0.0, 0.5, N_TEAMS)
    teams = rng.integers(0, N_TEAMS, n_responses)
    direction = np.where(REVERSED_ITEMS, -1.0, 1.0)
    answers = np.empty((n_responses, n_items), dtype=np.float32)
    for start in range(0, n_responses, 100_000):
        rows = slice(start, min(start + 100_000, n_responses))
        size = rows.stop - rows.start
        trait = team_effect[teams[rows], None] + rng.normal(0.0, 1.0, (size, 1))
        latent = 4.0 + direction * trait + rng.normal(0.0, 1.0, (size, n_items))
        chunk = np.clip(np.rint(latent), SCALE_MIN, SCALE_MAX)
        chunk[rng.random((size, n_items)) < missing_share] = np.nan
        answers[rows] = chunk
    return answers, teams


def score(answers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dimension scores and the mindset index of every response."""
    scores = dimension_scores(
        answers,
        ITEM_DIMENSION,
        N_DIMENSIONS,
        REVERSED_ITEMS,
        SCALE_MIN,
        SCALE_MAX,
        MIN_ANSWERED_SHARE,
    )
    return scores, mindset_index(scores, SCALE_MIN, SCALE_MAX)


def summarise(teams: np.ndarray, scores: np.ndarray, index: np.ndarray) -> pd.DataFrame:
    """Per-team n, mean, SD and interval of the index and each dimension."""
    return group_summaries(teams, np.column_stack([index, scores]), MEASURES)


def reliability(answers: np.ndarray) -> list:
    """Cronbach's alpha of each dimension (pairwise), keyed by the reversed items."""
    return scale_reliability(answers, ITEM_DIMENSION, N_DIMENSIONS, reversed_items=REVERSED_ITEMS)


def analyse(answers: np.ndarray, teams: np.ndarray) -> tuple[pd.DataFrame, list]:
    """The app's path: scores, index, per-team summaries and alpha of every dimension."""
    scores, index = score(answers)
    return summarise(teams, scores, index), reliability(answers)


def best_time(function, repeats: int = REPEATS) -> tuple[float, float]:
    """Shortest wall time and shortest process CPU time of ``repeats`` calls, in seconds.

    CPU time leaves out the time spent waiting for a core that another process holds (the
    analysis runs BLAS on one thread); contention for caches and memory still inflates it.
    """
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return min(wall), min(cpu)


def best_times_interleaved(first, second, repeats: int = 3 * REPEATS) -> tuple[float, float]:
    """Shortest wall times of two functions called in turn, so both see the same machine load."""
    times = ([], [])
    for _ in range(repeats):
        for function, spent in zip((first, second), times, strict=True):
            start = time.perf_counter()
            function()
            spent.append(time.perf_counter() - start)
    return min(times[0]), min(times[1])


def one_scale_alpha(matrix: np.ndarray, missing: str) -> float:
    """Alpha of all the matrix's columns taken as one scale."""
    one_scale = np.zeros(matrix.shape[1], dtype=int)
    return scale_reliability(matrix, one_scale, 1, missing=missing)[0].alpha


def compare_with_pingouin(answers: np.ndarray) -> float:
    """Print our alpha against pingouin's on the same data; return the largest difference."""
    start = time.perf_counter()
    import pingouin

    print(f"pingouin import: {time.perf_counter() - start:.2f} s (why the app does not use it)")
    largest = 0.0
    for label, missing in (
        ("with 2% missing, pairwise", "pairwise"),
        ("with 2% missing, listwise", "listwise"),
        ("complete", "pairwise"),
    ):
        matrix = answers if label != "complete" else np.nan_to_num(answers, nan=SCALE_MIN)
        frame = pd.DataFrame(matrix)
        ours = one_scale_alpha(matrix, missing)
        theirs = float(pingouin.cronbach_alpha(frame, nan_policy=missing)[0])
        our_time, their_time = best_times_interleaved(
            lambda m=matrix, p=missing: one_scale_alpha(m, p),
            lambda f=frame, p=missing: pingouin.cronbach_alpha(f, nan_policy=p),
        )
        difference = abs(ours - theirs)
        largest = max(largest, difference)
        print(
            f"alpha {REFERENCE_ROWS:,} x {answers.shape[1]} {label}: "
            f"ours {our_time * 1e3:.1f} ms, pingouin {their_time * 1e3:.1f} ms, "
            f"pingouin/ours {their_time / our_time:.1f}x, alpha {ours:.12f}, "
            f"|difference| {difference:.1e}"
        )
    return largest


def main() -> int:
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} before generating data")
    answers, teams = synthetic_survey(N_RESPONSES, MISSING_SHARE, seed=2024)
    print(
        f"data: {N_RESPONSES:,} responses x {answers.shape[1]} items ({answers.dtype}, "
        f"{answers.nbytes / 2**20:.0f} MiB), {N_TEAMS:,} teams, "
        f"{np.isnan(answers).mean():.1%} missing"
    )
    start, start_cpu = time.perf_counter(), time.process_time()
    summaries, alphas = analyse(answers, teams)
    first, first_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    best, best_cpu = best_time(lambda: analyse(answers, teams))
    print(f"scoring + {N_TEAMS:,} team summaries + alpha of {N_DIMENSIONS} dimensions:")
    print(
        f"  first run: wall {first:.3f} s, CPU {first_cpu:.3f} s; "
        f"best of {REPEATS}: wall {best:.3f} s, CPU {best_cpu:.3f} s"
    )
    scores, index = score(answers)
    for label, step in (
        ("dimension_scores + mindset_index", lambda: score(answers)),
        ("group_summaries", lambda: summarise(teams, scores, index)),
        ("scale_reliability (pairwise)", lambda: reliability(answers)),
    ):
        wall, cpu = best_time(step)
        print(f"  {label}: best wall {wall:.3f} s, CPU {cpu:.3f} s")

    tracemalloc.start()
    analyse(answers, teams)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory: {peak / 2**20:.0f} MiB allocated by the analysis on top of the data")
    print(f"  process peak RSS (data, generation and analysis): {max_rss:.0f} MiB")
    print(f"  team summary rows: {len(summaries):,}")
    print("  alpha per dimension: " + ", ".join(f"{a.alpha:.3f}" for a in alphas))

    reference = recode(answers[:REFERENCE_ROWS], REVERSED_ITEMS, SCALE_MIN, SCALE_MAX).astype(
        np.float64
    )
    largest = compare_with_pingouin(reference)
    agrees = largest <= TOLERANCE
    print(f"largest |alpha difference| {largest:.1e}: {'within' if agrees else 'OUTSIDE'} 1e-9")
    return 0 if agrees else 1


if __name__ == "__main__":
    raise SystemExit(main())
