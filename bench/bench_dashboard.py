"""Benchmark of the team dashboard at 100,000 responses, ~200 teams and 4 waves (issue 4).

Run from the repository root (about half a minute)::

    .venv/bin/python bench/bench_dashboard.py

Builds SQLite files in a temporary folder with Core bulk inserts: one organisation, a team tree
(Global Sales -> countries -> territories, plus Product and Marketing), one assessment on the
rep-mindset v1 questionnaire, 4 waves (the last one open), rep responses from a latent-trait model
like ``survey/demo.py`` (1-3 WHY-ladder rungs each, a few cooperation links) and an admin user.

For each build, a fresh app (empty caches) and the Flask test client, logged in as the admin, ask
for the top team's dashboard page and then, in a second fresh app, for its JSON API: the first
request, 20 more (median, p90), and 5 requests each just after a new response was added to the
latest wave (the cache invalidation path). Server time is the wall time around ``client.get`` in
this one process. SQL statements are counted per request with a ``before_cursor_execute``
listener; the chart specs are the JSON inside the page's ``<script id="spec-...">`` blocks.

Builds: 100,000 responses on 203 teams (the target), 10,000 on the same tree (spec sizes and
statement counts must not grow with responses) and 10,000 on 53 teams (nor with teams).
Exits non-zero only when a request fails or the statement count differs between builds, never
on a missed time target.
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
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
class Timing:
    """Server times (s) and SQL statement counts of one endpoint on one build."""

    first: float
    warm: list[float]
    after_new: list[float]
    statements_first: int
    statements_warm: set[int]
    statements_after_new: set[int]
    body_bytes: int
    spec_bytes: dict[str, int]

    @property
    def median(self) -> float:
        return statistics.median(self.warm)

    @property
    def p90(self) -> float:
        return float(np.percentile(self.warm, 90))

    @property
    def statements(self) -> tuple[int, ...]:
        counts = (self.statements_first, *self.statements_warm, *self.statements_after_new)
        return tuple(sorted(set(counts)))


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
    """1-3 rungs per response; higher rungs of purpose-minded people point to purpose more often."""
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
        {"response_id": rid, "position": pos, "target": tgt, "words": None}
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
        opened = [wave["opens_at"].date() + timedelta(days=3) for wave in waves]
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
                    "submitted_on": opened[wave],
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
                    "submitted_on": date.today(),
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


def timed_get(client: FlaskClient, url: str, counter: StatementCounter) -> tuple[float, int, bytes]:
    """(server seconds, SQL statements, body) of one GET; a failed request raises."""
    counter.reset()
    start = time.perf_counter()
    answer = client.get(url)
    elapsed = time.perf_counter() - start
    if answer.status_code != 200:
        raise RuntimeError(f"GET {url} answered {answer.status_code}.")
    return elapsed, counter.count, answer.get_data()


def measure(database_url: str, url: str, on_new_response: Callable[[Flask], None]) -> Timing:
    """First, warm and after-new-response times of ``url`` on a fresh app (empty caches)."""
    app = bench_app(database_url)
    with app.app_context():
        counter = StatementCounter(db.engine)
    client = logged_in_client(app)
    first, statements_first, body = timed_get(client, url, counter)
    warm = [timed_get(client, url, counter) for _ in range(WARM_REQUESTS)]
    after_new = []
    for _ in range(INVALIDATIONS):
        on_new_response(app)
        after_new.append(timed_get(client, url, counter))
    with app.app_context():
        db.engine.dispose()
    return Timing(
        first=first,
        warm=[seconds for seconds, _, _ in warm],
        after_new=[seconds for seconds, _, _ in after_new],
        statements_first=statements_first,
        statements_warm={count for _, count, _ in warm},
        statements_after_new={count for _, count, _ in after_new},
        body_bytes=len(body),
        spec_bytes=spec_sizes(body.decode()),
    )


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
    wave = f"?wave={built.latest_wave_id}"
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


def report(results: dict[Shape, tuple[Timing, Timing]]) -> list[str]:
    """Print the table and the checks; return the failed checks."""
    header = (
        f"{'build':<17} {'endpoint':<5} {'first ms':>9} {'median ms':>10} {'p90 ms':>7} "
        f"{'new resp. ms':>13} {'SQL/request':>12} {'spec bytes':>11} {'body bytes':>11}"
    )
    print()
    print(header)
    print("-" * len(header))
    for shape, timings in results.items():
        for name, timing in zip(("page", "api"), timings, strict=True):
            after = f"{milliseconds(statistics.median(timing.after_new))} (max {milliseconds(max(timing.after_new))})"
            specs = f"{sum(timing.spec_bytes.values()):,}" if name == "page" else "-"
            print(
                f"{shape.label:<17} {name:<5} {milliseconds(timing.first):>9} "
                f"{milliseconds(timing.median):>10} {milliseconds(timing.p90):>7} "
                f"{after:>13} {'/'.join(map(str, timing.statements)):>12} {specs:>11} "
                f"{timing.body_bytes:>11,}"
            )
    print(
        f"\n'new resp.': median (max) of {INVALIDATIONS} requests, each right after one new "
        f"response in the latest wave; median and p90 over {WARM_REQUESTS} warm requests."
    )
    target, *_ = results
    page, api = results[target]
    print(f"\nspec bytes per chart ({target.label}): {page.spec_bytes}")
    for name, timing in (("page", page), ("api", api)):
        first_ok = timing.first < FIRST_TARGET_S
        warm_ok = timing.median < WARM_TARGET_S
        print(
            f"target {target.label} {name}: first {timing.first:.2f} s "
            f"({'met' if first_ok else 'MISSED'} < {FIRST_TARGET_S} s), median "
            f"{timing.median * 1e3:.0f} ms ({'met' if warm_ok else 'MISSED'} < "
            f"{WARM_TARGET_S * 1e3:.0f} ms)"
        )
    failures = []
    for index, name in enumerate(("page", "api")):
        counts = {shape.label: results[shape][index].statements for shape in results}
        same = len(set(counts.values())) == 1
        print(
            f"SQL statements per {name} request by build: {counts}: {'constant' if same else 'GROWS'}"
        )
        if not same:
            failures.append(f"{name}: SQL statement count differs between builds: {counts}")
    spec_totals = {shape.label: sum(results[shape][0].spec_bytes.values()) for shape in results}
    print(f"spec bytes by build: {spec_totals}")
    return failures


def main() -> int:
    started = time.perf_counter()
    print(f"dashboard benchmark, {datetime.now():%Y-%m-%d %H:%M}, Python {sys.version.split()[0]}")
    results = {}
    for seed, shape in enumerate(SHAPES, start=2026):
        with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as folder:
            results[shape] = bench_shape(shape, Path(folder), seed)
    failures = report(results)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
