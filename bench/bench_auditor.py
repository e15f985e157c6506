"""Benchmark of the disclosure auditor alone on 10,000 random trees (issue 9).

Run from the repository root (a minute or two)::

    .venv/bin/python bench/bench_auditor.py [--trees 10000] [--seed 1]

Each case is one wave of one organisation: a random tree of 5 to 60 teams (each team's parent
drawn among the teams before it), 0 to 12 answers per team, and three releases of the wave the
way the app makes them: after 40%, 70% and all of the answers, with one team moved to a random
new parent before each later release and one earlier answer erased before the final one. Each
release publishes the cells that :func:`analysis.privacy.suppress` shows, and
:func:`analysis.disclosure.protect` withholds more against the releases before it. It prints
the time of the auditor's calls (``protect`` per release, then ``find_disclosure`` on the
union), their spread, what was withheld, and checks that no union discloses anything (exit 1
if one does).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.disclosure import find_disclosure, protect
from analysis.privacy import suppress

K = 5
SHARES = (0.4, 0.7, 1.0)


def one_case(rng: np.random.Generator) -> tuple[float, int, int, int, bool]:
    """Time the auditor on one random story; return seconds, groups, atoms, withheld, safe."""
    n_teams = int(rng.integers(5, 61))
    parents = [None] + [int(rng.integers(0, i)) for i in range(1, n_teams)]
    own = rng.integers(0, 13, n_teams)
    answers = np.repeat(np.arange(n_teams), own)
    order = rng.permutation(answers.size)
    erased = int(order[0]) if answers.size else None
    rows: list[np.ndarray] = []
    published: list[bool] = []
    seconds, withheld_total = 0.0, 0
    for seq, share in enumerate(SHARES):
        if seq:  # a team moves before each later release
            team = int(rng.integers(1, n_teams))
            new_parent = int(rng.integers(0, n_teams))
            chain, node = set(), new_parent
            while node is not None:
                chain.add(node)
                node = parents[node]
            if team not in chain:
                parents[team] = new_parent
        taken = order[: round(share * answers.size)]
        present = np.zeros(answers.size, dtype=bool)
        present[taken] = True
        if seq == len(SHARES) - 1 and erased is not None:
            present[erased] = False
        own_now = np.bincount(answers[present], minlength=n_teams)
        decision = suppress(
            dict(enumerate(parents)), {(t, 0): int(c) for t, c in enumerate(own_now)}, K
        )
        candidates = []
        for team in range(n_teams):
            if decision.decision(team, 0).visible:
                inside = np.zeros(answers.size, dtype=bool)
                for member in range(n_teams):
                    node = member
                    while node is not None and node != team:
                        node = parents[node]
                    if node == team:
                        inside |= answers == member
                candidates.append(inside & present)
        new = len(candidates)
        rows += candidates
        published += [False] * new
        if not rows:
            continue
        matrix = np.array(rows, dtype=bool)
        started = time.perf_counter()
        out = protect(matrix, np.ones(answers.size, dtype=np.int64), K, np.array(published))
        seconds += time.perf_counter() - started
        withheld_total += int(out.sum())
        rows = [row for row, drop in zip(rows, out, strict=True) if not drop]
        published = [True] * len(rows)
    matrix = np.array(rows, dtype=bool) if rows else np.zeros((0, answers.size), dtype=bool)
    started = time.perf_counter()
    safe = find_disclosure(matrix, np.ones(answers.size, dtype=np.int64), K) is None
    seconds += time.perf_counter() - started
    return seconds, len(rows), answers.size, withheld_total, safe


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trees", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    times, withheld, unsafe, groups = [], 0, 0, 0
    for _ in range(args.trees):
        seconds, kept, _, out, safe = one_case(rng)
        times.append(seconds)
        withheld += out
        groups += kept
        unsafe += not safe
    times.sort()
    print(f"{args.trees} random trees, k = {K}, three releases each (moves, one erasure)")
    print(
        f"auditor time: total {sum(times):.2f} s, median {statistics.median(times) * 1e3:.2f} ms, "
        f"p99 {times[int(0.99 * len(times)) - 1] * 1e3:.2f} ms, max {times[-1] * 1e3:.1f} ms"
    )
    print(f"groups published {groups}, withheld by the auditor {withheld}")
    print(f"unions that disclose something under k: {unsafe}")
    return 1 if unsafe else 0


if __name__ == "__main__":
    raise SystemExit(main())
