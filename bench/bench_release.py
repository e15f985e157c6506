"""Benchmark of releases: 203 teams x 10 waves x 100,000 responses, auditor included (issue 9).

Run from the repository root (a minute or two)::

    .venv/bin/python bench/bench_release.py

Builds one SQLite file with Core bulk inserts (the tree, answer model, WHY rungs and cooperation
links of ``bench/bench_dashboard.py``, on 10 waves of 10,000 responses each), then releases every
wave the way the app does (:func:`survey.releases.build.make_release`): first an interim release
with 60% of the wave's answers in, then the final one with all of them, which the auditor checks
against the interim one. It prints, per release, the wall and CPU time of making it (scoring,
suppression, auditor, the stored figures of every team) and the stored size, then the totals and
the process's peak memory (``ru_maxrss``, data generation included) and what ``tracemalloc``
saw the releases allocate. Exits non-zero only when a release fails, never on a missed target.

``BENCH_MODE=confidential`` makes the assessment confidential and gives every response a
pseudonym, the same for the same place in the same team from wave to wave, so that each final
release pairs its wave with the one before (issue 10): both waves are audited again with the
pairs, and the table also shows how many teams' pairs are stored.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, insert, select  # noqa: E402

from bench.bench_dashboard import (  # noqa: E402
    QUESTIONNAIRE,
    Shape,
    ladder_rows,
    link_rows,
    packed_answers,
    team_rows,
)
from survey import create_app  # noqa: E402
from survey.db import db  # noqa: E402
from survey.instruments import all_questionnaires  # noqa: E402
from survey.models import (  # noqa: E402
    Assessment,
    CooperationLink,
    LadderRung,
    Organisation,
    Release,
    Response,
    Team,
    Wave,
)
from survey.models._columns import utcnow  # noqa: E402
from survey.releases.build import make_release  # noqa: E402

SHAPE = Shape("100k / 203 teams / 10 waves", 100_000, 10, 19)
WAVES = int(__import__("os").environ.get("BENCH_WAVES", 10))
MODE = __import__("os").environ.get("BENCH_MODE", "anonymous")
INTERIM_SHARE = 0.6
TARGET_SECONDS = 5.0
TARGET_BYTES = 1 << 30


def build(app, seed: int = 7) -> None:
    """One organisation, 10 closed waves, ``SHAPE.responses`` responses spread over them."""
    rng = np.random.default_rng(seed)
    now = utcnow()
    with app.app_context():
        db.create_all()
        questionnaire = all_questionnaires()[QUESTIONNAIRE]
        with db.engine.begin() as connection:
            connection.execute(
                insert(Organisation), [{"id": 1, "name": "Bench", "created_at": now}]
            )
            teams, territories, departments = team_rows(1, SHAPE)
            connection.execute(insert(Team), teams)
            connection.execute(
                insert(Assessment),
                [
                    {
                        "id": 1,
                        "organisation_id": 1,
                        "name": "Release benchmark",
                        "mode": MODE,
                        "min_group_size": 5,
                        "rep_questionnaire_key": questionnaire.key,
                        "rep_questionnaire_version": questionnaire.version,
                        "rep_questionnaire_sha256": questionnaire.sha256,
                        "created_at": now,
                    }
                ],
            )
            connection.execute(
                insert(Wave),
                [
                    {
                        "id": number,
                        "assessment_id": 1,
                        "name": f"Wave {number}",
                        "opens_at": now - timedelta(days=40 * (WAVES - number) + 60),
                        "closes_at": now - timedelta(days=40 * (WAVES - number) + 30),
                    }
                    for number in range(1, WAVES + 1)
                ],
            )
            territory_ids = np.array(territories)
            team_code = rng.integers(0, territory_ids.size, SHAPE.responses)
            theta = rng.normal(-0.3, 0.4, territory_ids.size)[team_code] + rng.normal(
                0, 0.7, SHAPE.responses
            )
            wave_of = rng.integers(1, WAVES + 1, SHAPE.responses)
            ids = rng.choice(2**62, SHAPE.responses, replace=False) + 1
            own = territory_ids[team_code]
            keys = _pseudonyms(wave_of, own) if MODE == "confidential" else [None] * own.size
            rungs = ladder_rows(rng, ids, theta, questionnaire)
            top = {row["response_id"]: row["target"] for row in rungs}  # positions ascend
            connection.execute(
                insert(Response),
                [
                    {
                        "id": rid,
                        "wave_id": wave,
                        "team_id": team,
                        "role": "rep",
                        "questionnaire_key": questionnaire.key,
                        "questionnaire_version": questionnaire.version,
                        "values": values,
                        "respondent_key": key,
                        "ladder_top": top.get(rid),
                    }
                    for rid, wave, team, key, values in zip(
                        ids.tolist(),
                        wave_of.tolist(),
                        own.tolist(),
                        keys,
                        packed_answers(rng, theta, questionnaire),
                        strict=True,
                    )
                ],
            )
            connection.execute(insert(LadderRung), rungs)
            others = np.array(territories + departments)
            connection.execute(insert(CooperationLink), link_rows(rng, ids, own, others))


def _pseudonyms(wave_of: np.ndarray, team: np.ndarray) -> list[str]:
    """``t{team}-{i}`` for the i-th response of a team in a wave: the same pseudonym is the
    same person, in the same team, wave after wave (as many as both waves have)."""
    order = np.lexsort((team, wave_of))
    first = np.ones(order.size, dtype=bool)
    first[1:] = (wave_of[order][1:] != wave_of[order][:-1]) | (team[order][1:] != team[order][:-1])
    starts = np.flatnonzero(first)
    rank = np.arange(order.size) - np.repeat(starts, np.diff(np.append(starts, order.size)))
    keys = np.empty(order.size, dtype=object)
    keys[order] = [f"t{t}-{r}" for t, r in zip(team[order].tolist(), rank.tolist(), strict=True)]
    return keys.tolist()


def hold_back(app, wave_id: int, share: float, seed: int) -> list[dict]:
    """Take all but ``share`` of a wave's responses out until its final release; return them.

    They come back without their WHY rungs and cooperation links (``ladder_top`` stays).
    """
    columns = [column for column in Response.__table__.columns]
    with app.app_context():
        rows = [
            dict(row._mapping)
            for row in db.session.execute(select(*columns).where(Response.wave_id == wave_id))
        ]
        rng = np.random.default_rng(seed)
        later = [rows[i] for i in rng.permutation(len(rows))[int(share * len(rows)) :]]
        db.session.execute(delete(Response).where(Response.id.in_([row["id"] for row in later])))
        db.session.commit()
        return later


def release(app, wave_id: int, final: bool, later: list[dict] | None = None) -> tuple:
    with app.app_context():
        if later:  # the held-back answers come in before the final release
            db.session.execute(insert(Response), later)
            db.session.commit()
        assessment = db.session.get(Assessment, 1)
        wave = db.session.get(Wave, wave_id)
        wall, cpu = time.perf_counter(), time.process_time()
        made = make_release(db.session, assessment, wave, final)
        db.session.commit()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        shown = sum(cell["visible"] for cell in made.payload["cells"].values())
        paired = len(made.payload.get("paired_teams", []))
        size = len(json.dumps(made.payload))
        return wall, cpu, shown, len(made.payload["cells"]), size, paired


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{folder}/bench.db",
                "SECRET_KEY": "bench-release-secret-key-0123456789",
            }
        )
        started = time.perf_counter()
        build(app)
        print(f"built {SHAPE.label} in {time.perf_counter() - started:.1f} s")
        tracemalloc.start()
        total_wall = total_cpu = 0.0
        print(f"mode: {MODE}")
        print("| wave | release | wall s | CPU s | teams shown | pairs shown | stored KB |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for wave_id in range(1, WAVES + 1):
            later = hold_back(app, wave_id, INTERIM_SHARE, wave_id)
            for final, held in ((False, None), (True, later)):
                wall, cpu, shown, teams, size, paired = release(app, wave_id, final, held)
                total_wall += wall
                total_cpu += cpu
                kind = "final" if final else "interim"
                print(
                    f"| {wave_id} | {kind} | {wall:.3f} | {cpu:.3f} | {shown}/{teams} | "
                    f"{paired} | {size / 1024:.0f} |"
                )
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        with app.app_context():
            count = len(db.session.scalars(select(Release.id)).all())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"\n{count} releases of {WAVES} waves: {total_wall:.2f} s wall, {total_cpu:.2f} s CPU")
    print(
        f"memory: tracemalloc peak during releases {peak / 2**20:.0f} MiB; "
        f"process peak RSS {rss / 2**20:.0f} MiB"
    )
    met = total_wall < TARGET_SECONDS and rss < TARGET_BYTES
    print(f"target under {TARGET_SECONDS:.0f} s and 1 GB: {'met' if met else 'missed'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
