"""Benchmark of the team dashboard at 100,000 responses, ~200 teams and 4 waves (issue 4).

Run from the repository root (about a minute; two on a busy machine)::

    .venv/bin/python bench/bench_dashboard.py
    .venv/bin/python bench/bench_dashboard.py --profile bench/out/dashboard  # pyinstrument

Builds SQLite files in a temporary folder with Core bulk inserts: one organisation, a team tree
(Global Sales -> countries -> territories, plus Product and Marketing), one assessment on the
rep-mindset v1 questionnaire, 4 waves (the last one open), rep responses from a latent-trait model
like ``survey/demo.py`` (1-3 WHY-ladder rungs each, a few cooperation links) and an admin user.

For each build, a fresh app (empty caches) and the Flask test client, logged in as the admin, ask
for the top team's dashboard page and then, in a second fresh app, for its JSON API: the first
request, 20 more (median, p90), and 5 requests each just after a new response was added to the
latest wave (the cache invalidation path). Server time is the wall time around ``client.get`` in
this one process; the process's CPU time is printed beside it, as the wall time stretches when
other processes compete for the CPU. The page's first request is the first of the process, so it
also pays one-off costs (template compilation, loading Altair's schema). SQL statements are
counted per request with a ``before_cursor_execute`` listener; the chart specs are the JSON inside
the page's ``<script id="spec-...">`` blocks.

Builds: 100,000 responses on 203 teams (the target), 10,000 on the same tree and 10,000 on 53
teams, to compare statement counts and spec sizes as responses and teams grow. Exits non-zero
only when a request fails or the statement counts differ between builds, never on a missed time
target. ``--profile`` only profiles the page on the largest build: first, warm and after a new
response.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import event, insert  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from questionnaires import Questionnaire  # noqa: E402
from survey import create_app  # noqa: E402
from survey.db import db  # noqa: E402
from survey.demo import DEMO_WORDS  # noqa: E402
from survey.instruments import all_questionnaires  # noqa: E402
from survey.models import (  # noqa: E402
    Assessment,
    CooperationLink,
    LadderRung,
    Organisation,
    Response,
    Team,
    User,
    Wave,
)
from survey.models._columns import utcnow  # noqa: E402
from survey.models.response import MISSING  # noqa: E402

QUESTIONNAIRE = ("rep-mindset", 1)
N_WAVES = 4
WAVE_DAYS_AGO = (540, 360, 180, 7)  # the last wave opened a week ago and is still open
WAVE_SHARE = (0.27, 0.27, 0.27, 0.19)  # the open wave is still filling up
RUNGS = (1, 3)  # each response climbs 1 to 3 rungs of the WHY ladder
LINK_SHARE = 0.05  # responses naming one team they got help from or gave help to
MISSING_SHARE = 0.01
WARM_REQUESTS = 20
INVALIDATIONS = 5
ADMIN_EMAIL = "admin@bench.example"
ADMIN_PASSWORD = "bench-admin-password"
ENDPOINTS = ("page", "JSON API")
FIRST_TARGET_S = 2.0
WARM_TARGET_S = 0.3
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
SPEC_BLOCK = re.compile(r'<script type="application/json" id="spec-([^"]+)">(.*?)</script>', re.S)


@dataclass(frozen=True)
class Shape:
    """The size of one benchmark database."""

    label: str
    responses: int
    countries: int
    territories_per_country: int

    @property
    def teams(self) -> int:
        return 1 + self.countries * (1 + self.territories_per_country) + 2


SHAPES = (
    Shape("100k / 203 teams", 100_000, 10, 19),
    Shape("10k / 203 teams", 10_000, 10, 19),
    Shape("10k / 53 teams", 10_000, 5, 9),
)


@dataclass(frozen=True)
class Built:
    """Ids the requests need, and the territories new responses go to."""

    assessment_id: int
    top_team_id: int
    latest_wave_id: int
    territory_ids: np.ndarray


@dataclass(frozen=True)
class Sample:
    """One request: wall and CPU seconds in this process, SQL statements sent."""

    wall: float
    cpu: float
    statements: int


@dataclass(frozen=True)
class Timing:
    """The requests of one endpoint on one build, and the size of what it answered."""

    first: Sample
    warm: list[Sample]
    after_new: list[Sample]
    body_bytes: int
    spec_bytes: dict[str, int]

    @property
    def statements(self) -> tuple[int, ...]:
        """The distinct statement counts seen: first, warm and after-new requests."""
        return tuple(sorted({sample.statements for sample in self.all_samples}))

    @property
    def all_samples(self) -> list[Sample]:
        return [self.first, *self.warm, *self.after_new]


def wall_median(samples: list[Sample]) -> float:
    return statistics.median(sample.wall for sample in samples)


def wall_p90(samples: list[Sample]) -> float:
    return float(np.percentile([sample.wall for sample in samples], 90))


def cpu_median(samples: list[Sample]) -> float:
    return statistics.median(sample.cpu for sample in samples)


class StatementCounter:
    """Counts the SQL statements an engine sends, from the last ``reset``."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.count += 1

    def reset(self) -> None:
        self.count = 0


def packed_answers(
    rng: np.random.Generator, theta: np.ndarray, questionnaire: Questionnaire
) -> list[bytes]:
    """One packed row of answers per latent value, as in ``survey.demo._synthetic_response``."""
    scale = questionnaire.scale
    middle = (scale.min + scale.max) / 2
    sign = np.where(questionnaire.reversed_mask(), -1.0, 1.0)
    raw = middle + 1.3 * theta[:, None] * sign + rng.normal(0, 0.9, (theta.size, sign.size))
    answers = np.clip(np.rint(raw), scale.min, scale.max).astype(np.uint8)
    answers[rng.random(answers.shape) < MISSING_SHARE] = MISSING
    return [row.tobytes() for row in answers]


def ladder_rows(
    rng: np.random.Generator, response_ids: np.ndarray, theta: np.ndarray, q: Questionnaire
) -> list[dict]:
    """1-3 rungs per response; higher rungs of purpose-minded people point to purpose more often;
    each rung has words (the demo's, by target), as the WHY ladder asks for words first."""
    depth = rng.integers(RUNGS[0], RUNGS[1] + 1, response_ids.size)
    owner = np.repeat(np.arange(response_ids.size), depth)
    position = np.arange(owner.size) - np.repeat(np.cumsum(depth) - depth, depth) + 1
    purpose = np.array([t.key for t in q.ladder.targets if t.pole == "purpose"])
    contractual = np.array([t.key for t in q.ladder.targets if t.pole == "contractual"])
    p_purpose = 1 / (1 + np.exp(-1.5 * theta[owner])) * position / depth[owner]
    target = np.where(
        rng.random(owner.size) < p_purpose,
        rng.choice(purpose, owner.size),
        rng.choice(contractual, owner.size),
    )
    return [
        {"response_id": rid, "position": pos, "target": tgt, "words": DEMO_WORDS[tgt][pos % 3]}
        for rid, pos, tgt in zip(
            response_ids[owner].tolist(), position.tolist(), target.tolist(), strict=True
        )
    ]


def link_rows(
    rng: np.random.Generator,
    response_ids: np.ndarray,
    own_teams: np.ndarray,
    other_teams: np.ndarray,
) -> list[dict]:
    """One cooperation link for a few responses, to a team other than the respondent's."""
    chosen = np.flatnonzero(rng.random(response_ids.size) < LINK_SHARE)
    others = rng.choice(other_teams, chosen.size)
    keep = others != own_teams[chosen]
    directions = rng.choice(np.array(["received", "given"]), chosen.size)
    return [
        {"response_id": rid, "other_team_id": other, "direction": way}
        for rid, other, way in zip(
            response_ids[chosen[keep]].tolist(),
            others[keep].tolist(),
            directions[keep].tolist(),
            strict=True,
        )
    ]


def team_rows(organisation_id: int, shape: Shape) -> tuple[list[dict], list[int], list[int]]:
    """The team tree with explicit ids; also the territory ids and the department ids."""
    rows = [{"id": 1, "name": "Global Sales", "parent_id": None, "department": "sales"}]
    territories = []
    for country in range(1, shape.countries + 1):
        country_id = len(rows) + 1
        rows.append(
            {
                "id": country_id,
                "name": f"Country {country:02d}",
                "parent_id": 1,
                "department": "sales",
            }
        )
        for territory in range(1, shape.territories_per_country + 1):
            territories.append(len(rows) + 1)
            rows.append(
                {
                    "id": len(rows) + 1,
                    "name": f"Territory {country:02d}-{territory:02d}",
                    "parent_id": country_id,
                    "department": "sales",
                }
            )
    departments = [len(rows) + 1, len(rows) + 2]
    rows.append(
        {"id": departments[0], "name": "Product", "parent_id": None, "department": "product"}
    )
    rows.append(
        {"id": departments[1], "name": "Marketing", "parent_id": None, "department": "marketing"}
    )
    for row in rows:
        row.update(organisation_id=organisation_id, archived_at=None)
    return rows, territories, departments


def build_database(app: Flask, shape: Shape, seed: int) -> Built:
    """Fill the app's empty database with one organisation of ``shape``, in bulk."""
    rng = np.random.default_rng(seed)
    now = utcnow()
    with app.app_context():
        db.create_all()
        engine = db.engine
        questionnaire = all_questionnaires()[QUESTIONNAIRE]
    with engine.begin() as connection:
        connection.execute(
            insert(Organisation), [{"id": 1, "name": "Bench Solar", "created_at": now}]
        )
        teams, territories, departments = team_rows(1, shape)
        connection.execute(insert(Team), teams)
        connection.execute(
            insert(Assessment),
            [
                {
                    "id": 1,
                    "organisation_id": 1,
                    "name": "Sales mindset benchmark",
                    "mode": "anonymous",
                    "min_group_size": 5,
                    "rep_questionnaire_key": questionnaire.key,
                    "rep_questionnaire_version": questionnaire.version,
                    "rep_questionnaire_sha256": questionnaire.sha256,
                    "created_at": now,
                }
            ],
        )
        waves = [
            {
                "id": number,
                "assessment_id": 1,
                "name": f"Wave {number}",
                "opens_at": now - timedelta(days=days),
                "closes_at": now - timedelta(days=days) + timedelta(days=37),
            }
            for number, days in enumerate(WAVE_DAYS_AGO, start=1)
        ]
        connection.execute(insert(Wave), waves)

        territory_ids = np.array(territories)
        team_mean = rng.normal(-0.3, 0.4, territory_ids.size)
        team_drift = rng.uniform(-0.1, 0.4, territory_ids.size)
        team_code = rng.integers(0, territory_ids.size, shape.responses)
        wave_index = rng.choice(N_WAVES, shape.responses, p=WAVE_SHARE)
        theta = (
            team_mean[team_code]
            + team_drift[team_code] * wave_index
            + rng.normal(0, 0.7, shape.responses)
        )
        response_ids = rng.choice(2**62, shape.responses, replace=False) + 1
        own_teams = territory_ids[team_code]
        connection.execute(
            insert(Response),
            [
                {
                    "id": rid,
                    "wave_id": wave + 1,
                    "team_id": team,
                    "role": "rep",
                    "questionnaire_key": questionnaire.key,
                    "questionnaire_version": questionnaire.version,
                    "values": values,
                    "respondent_key": None,
                }
                for rid, wave, team, values in zip(
                    response_ids.tolist(),
                    wave_index.tolist(),
                    own_teams.tolist(),
                    packed_answers(rng, theta, questionnaire),
                    strict=True,
                )
            ],
        )
        connection.execute(insert(LadderRung), ladder_rows(rng, response_ids, theta, questionnaire))
        others = np.array(territories + departments)
        connection.execute(insert(CooperationLink), link_rows(rng, response_ids, own_teams, others))
        connection.execute(
            insert(User),
            [
                {
                    "email": ADMIN_EMAIL,
                    "password_hash": generate_password_hash(ADMIN_PASSWORD),
                    "role": "admin",
                    "team_id": None,
                    "created_at": now,
                }
            ],
        )
    return Built(1, 1, N_WAVES, territory_ids)


def add_response(app: Flask, built: Built, rng: np.random.Generator) -> None:
    """One new submission to the latest wave, with one rung, as the rep pages would store it."""
    response_id = int(rng.integers(1, 2**62))
    with app.app_context(), db.engine.begin() as connection:
        questionnaire = all_questionnaires()[QUESTIONNAIRE]
        connection.execute(
            insert(Response),
            [
                {
                    "id": response_id,
                    "wave_id": built.latest_wave_id,
                    "team_id": int(rng.choice(built.territory_ids)),
                    "role": "rep",
                    "questionnaire_key": questionnaire.key,
                    "questionnaire_version": questionnaire.version,
                    "values": packed_answers(rng, rng.normal(0, 1, 1), questionnaire)[0],
                    "respondent_key": None,
                }
            ],
        )
        connection.execute(
            insert(LadderRung),
            [{"response_id": response_id, "position": 1, "target": "customers", "words": None}],
        )


def bench_app(database_url: str) -> Flask:
    return create_app(
        {
            "SECRET_KEY": "bench-secret-key-not-for-production",
            "DATABASE_URL": database_url,
            "PUBLIC_URL": "http://localhost",
        }
    )


def logged_in_client(app: Flask) -> FlaskClient:
    """A test client with the admin logged in through the real form, CSRF token included."""
    client = app.test_client()
    token = CSRF_FIELD.search(client.get("/login").get_data(as_text=True)).group(1)
    answer = client.post(
        "/login", data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "csrf_token": token}
    )
    if answer.status_code != 302:
        raise RuntimeError(f"Login failed with status {answer.status_code}.")
    return client


def spec_sizes(html: str) -> dict[str, int]:
    """Bytes of each chart spec embedded in a dashboard page, by chart name."""
    return {name: len(body.encode()) for name, body in SPEC_BLOCK.findall(html)}


def timed_get(client: FlaskClient, url: str, counter: StatementCounter) -> tuple[Sample, bytes]:
    """One GET as a sample, and its body; a failed request raises."""
    counter.reset()
    cpu, start = time.process_time(), time.perf_counter()
    answer = client.get(url)
    sample = Sample(time.perf_counter() - start, time.process_time() - cpu, counter.count)
    if answer.status_code != 200:
        raise RuntimeError(f"GET {url} answered {answer.status_code}.")
    return sample, answer.get_data()


def measure(database_url: str, url: str, on_new_response: Callable[[Flask], None]) -> Timing:
    """First, warm and after-new-response requests of ``url`` on a fresh app (empty caches)."""
    app = bench_app(database_url)
    with app.app_context():
        counter = StatementCounter(db.engine)
    client = logged_in_client(app)
    first, body = timed_get(client, url, counter)
    warm = [timed_get(client, url, counter)[0] for _ in range(WARM_REQUESTS)]
    after_new = []
    for _ in range(INVALIDATIONS):
        on_new_response(app)
        after_new.append(timed_get(client, url, counter)[0])
    with app.app_context():
        db.engine.dispose()
    return Timing(first, warm, after_new, len(body), spec_sizes(body.decode()))


def bench_shape(shape: Shape, folder: Path, seed: int) -> tuple[Timing, Timing]:
    """Build one database, then time its dashboard page and its JSON API."""
    database_url = f"sqlite:///{folder / 'bench.db'}"
    start = time.perf_counter()
    built = build_database(bench_app(database_url), shape, seed)
    print(
        f"{shape.label}: built {shape.responses:,} responses on {shape.teams} teams, "
        f"{N_WAVES} waves in {time.perf_counter() - start:.1f} s"
    )
    rng = np.random.default_rng(seed + 1)
    wave = f"?wave={built.latest_wave_id - 1}"  # the latest closed wave, released when first read
    page = measure(
        database_url,
        f"/dashboard/{built.assessment_id}/{built.top_team_id}{wave}",
        lambda app: add_response(app, built, rng),
    )
    api = measure(
        database_url,
        f"/api/v1/assessments/{built.assessment_id}/teams/{built.top_team_id}{wave}",
        lambda app: add_response(app, built, rng),
    )
    return page, api


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1e3:,.0f}"


def median_ms(samples: list[Sample]) -> str:
    """Median wall time, and median CPU time in brackets, in ms."""
    return f"{milliseconds(wall_median(samples))} ({milliseconds(cpu_median(samples))})"


def print_table(results: dict[Shape, tuple[Timing, Timing]]) -> None:
    """One row per build and endpoint: times in ms (wall, CPU in brackets), statements, sizes."""
    header = (
        f"{'build':<17} {'endpoint':<8} {'first':>13} {'median':>10} {'p90':>5} "
        f"{'new response':>13} {'SQL':>6} {'spec bytes':>10} {'body bytes':>10}"
    )
    print(f"\n{header}\n{'-' * len(header)}")
    for shape, timings in results.items():
        for name, timing in zip(ENDPOINTS, timings, strict=True):
            first, median, after = (
                median_ms(samples) for samples in ([timing.first], timing.warm, timing.after_new)
            )
            specs = f"{sum(timing.spec_bytes.values()):,}" if timing.spec_bytes else "-"
            print(
                f"{shape.label:<17} {name:<8} {first:>13} {median:>10} "
                f"{milliseconds(wall_p90(timing.warm)):>5} {after:>13} "
                f"{'/'.join(map(str, timing.statements)):>6} {specs:>10} {timing.body_bytes:>10,}"
            )
    print(
        f"ms of server time, CPU time of this process in brackets; median and p90 of "
        f"{WARM_REQUESTS} warm requests; 'new response': median of {INVALIDATIONS} requests, each "
        "right after one new response in the latest wave; SQL: statements per request seen."
    )


def print_specs(results: dict[Shape, tuple[Timing, Timing]]) -> None:
    """Bytes of each chart spec in the page, one column per build."""
    names = list(next(iter(results.values()))[0].spec_bytes)
    print(f"\n{'chart spec bytes':<17}" + "".join(f"{s.label:>18}" for s in results))
    for name in [*names, "total"]:
        sizes = [
            sum(page.spec_bytes.values()) if name == "total" else page.spec_bytes.get(name, 0)
            for page, _ in results.values()
        ]
        print(f"{name:<17}" + "".join(f"{size:>18,}" for size in sizes))


def report(results: dict[Shape, tuple[Timing, Timing]]) -> list[str]:
    """Print the table, the spec sizes, the targets and the checks; return failed checks."""
    print_table(results)
    print_specs(results)
    target, *_ = results
    print()
    for name, timing in zip(ENDPOINTS, results[target], strict=True):
        first, median = timing.first.wall, wall_median(timing.warm)
        print(
            f"target {target.label} {name}: first {first:.2f} s "
            f"({'met' if first < FIRST_TARGET_S else 'MISSED'}: < {FIRST_TARGET_S:g} s), "
            f"median {median * 1e3:.0f} ms "
            f"({'met' if median < WARM_TARGET_S else 'MISSED'}: < {WARM_TARGET_S * 1e3:.0f} ms)"
        )
    failures = []
    for index, name in enumerate(ENDPOINTS):
        counts = {shape.label: results[shape][index].statements for shape in results}
        same = len(set(counts.values())) == 1
        print(f"SQL statements per {name} request, by build: {'same' if same else 'DIFFER'}")
        if not same:
            failures.append(f"{name}: SQL statement counts differ between builds: {counts}")
    return failures


def profile_page(database_url: str, built: Built, rng: np.random.Generator, out: Path) -> None:
    """pyinstrument profiles of the page: first request, a warm one, one after a new response."""
    from pyinstrument import Profiler

    out.mkdir(parents=True, exist_ok=True)
    app = bench_app(database_url)
    client = logged_in_client(app)
    url = f"/dashboard/{built.assessment_id}/{built.top_team_id}?wave={built.latest_wave_id - 1}"
    for name in ("first", "warm", "new-response"):
        if name == "new-response":
            add_response(app, built, rng)
        profiler = Profiler(interval=0.0005)
        with profiler:
            client.get(url)
        (out / f"page-{name}.txt").write_text(profiler.output_text(unicode=False, color=False))
        profiler.write_html(out / f"page-{name}.html")
    with app.app_context():
        db.engine.dispose()
    print(f"profiles of the page written to {out}/page-{{first,warm,new-response}}.{{txt,html}}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="FOLDER",
        help="only profile the page on the largest build (pyinstrument), writing to FOLDER",
    )
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    started = time.perf_counter()
    print(
        f"dashboard benchmark, {datetime.now():%Y-%m-%d %H:%M}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    if args.profile:
        with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as folder:
            database_url = f"sqlite:///{Path(folder) / 'bench.db'}"
            built = build_database(bench_app(database_url), SHAPES[0], 2026)
            profile_page(database_url, built, np.random.default_rng(2027), args.profile.resolve())
        return 0
    results = {}
    for seed, shape in enumerate(SHAPES, start=2026):
        with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as folder:
            results[shape] = bench_shape(shape, Path(folder), seed)
    failures = report(results)
    print(f"\ntotal {time.perf_counter() - started:.0f} s, load average {os.getloadavg()[0]:.1f}")
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
