"""Benchmark of a roster import of ``ROSTER_MAX_ROWS`` (20,000) people, step by step.

Run from the repository root (half a minute or so)::

    .venv/bin/python bench/bench_roster_import.py

Builds a fresh SQLite file in a temporary folder: one organisation with a top team "Global"
and a consultant. The file has 20,000 people under Global/Country 1..20/Territory 1..50 (1,020
teams to create), with a language column. With the Flask test client, the consultant uploads it
(``POST /clients/<id>/roster``: parsing and storing), opens the preview (``GET .../preview``:
planning and rendering) and confirms (``POST .../confirm``); the import runs as a job
(``roster_import``), here in the request's thread (``JOBS_IN_BACKGROUND`` off), so the confirm
is timed twice: the request alone (the job sent to nobody) and the job run by the runner. Then
a second file moves 2,000 of the people to another territory and changes 2,000 roles, and the
same three steps run again (updates rather than inserts).

Also timed without HTTP: ``parse_roster``, ``plan_import`` and ``apply_import`` with its commit,
on the first file into a second, empty organisation. Exits non-zero when a step fails or the
roster is not what the file says, never on a missed time target.
"""

from __future__ import annotations

import io
import re
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

import survey.clients.routes as client_routes  # noqa: E402
from bench._measure import Meter  # noqa: E402
from survey import create_app  # noqa: E402
from survey.accounts.passwords import hash_password  # noqa: E402
from survey.clients.roster import parse_roster  # noqa: E402
from survey.clients.roster_import import apply_import, plan_import  # noqa: E402
from survey.db import db  # noqa: E402
from survey.jobs import runner  # noqa: E402
from survey.models import Job, Organisation, Person, Team, User  # noqa: E402

COUNTRIES = 20
TERRITORIES = 50  # per country
PEOPLE = 20_000
CHANGED = 2_000  # moved, and as many with a new role, in the second file
CONSULTANT = "consultant@consultancy.example"
PASSWORD = "bench-password-not-for-production"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def roster_file(changed: bool) -> bytes:
    """The CSV: ``PEOPLE`` people spread over the territories; ``changed`` moves and promotes."""
    lines = ["Team path;E-mail;Role;Language"]
    for i in range(PEOPLE):
        territory = i % (COUNTRIES * TERRITORIES)
        if changed and i < CHANGED:
            territory = (territory + 1) % (COUNTRIES * TERRITORIES)
        country, place = divmod(territory, TERRITORIES)
        role = "manager" if (changed and CHANGED <= i < 2 * CHANGED) or i % 50 == 0 else "rep"
        language = ("en", "fr", "de", "")[i % 4]
        path = f"Global/Country {country + 1}/Territory {country + 1}.{place + 1}"
        lines.append(f"{path};person-{i}@client.example;{role};{language}")
    return ("\r\n".join(lines) + "\r\n").encode()


def build(app: Flask) -> tuple[int, int]:
    """Two organisations with a top team each, and their consultant; their ids."""
    with app.app_context():
        db.create_all()
        session = db.session
        organisations = [Organisation(name="Client"), Organisation(name="Client without HTTP")]
        session.add_all(organisations)
        session.flush()
        session.add_all(Team(organisation_id=each.id, name="Global") for each in organisations)
        consultant = User(
            email=CONSULTANT, role="consultant", password_hash=hash_password(PASSWORD)
        )
        consultant.organisations.extend(organisations)
        session.add(consultant)
        session.commit()
        return organisations[0].id, organisations[1].id


def csrf(page: str) -> str:
    match = CSRF_FIELD.search(page)
    if match is None:
        raise SystemExit("no CSRF token in the page")
    return match.group(1)


class Held:
    """Stands in for ``dispatch`` in the routes: keeps the job ids instead of running them."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def __call__(self, job_id: int, app: Flask | None = None) -> None:
        self.ids.append(job_id)


def import_over_http(
    app: Flask, client: FlaskClient, meter: Meter, organisation_id: int, data: bytes
) -> tuple[dict, list[str]]:
    """Upload, preview, confirm, run the job; each step's figures and any problem."""
    base = f"/clients/{organisation_id}/roster"
    figures: dict = {}
    problems: list[str] = []
    token = csrf(client.get(base).get_data(as_text=True))
    posted, figures["upload"] = meter.measure(
        lambda: client.post(
            base,
            data={"csrf_token": token, "roster": (io.BytesIO(data), "roster.csv")},
            content_type="multipart/form-data",
        )
    )
    if posted.status_code != 302:
        problems.append(f"upload: {posted.status_code}")
    preview, figures["preview"] = meter.measure(lambda: client.get(f"{base}/preview"))
    page = preview.get_data(as_text=True)
    if preview.status_code != 200:
        problems.append(f"preview: {preview.status_code}")
        return figures, problems
    upload_id = re.search(r'name="upload" value="([^"]+)"', page).group(1)
    held = Held()
    client_routes.dispatch, dispatch = held, client_routes.dispatch
    try:
        confirmed, figures["confirm"] = meter.measure(
            lambda: client.post(
                f"{base}/confirm", data={"csrf_token": csrf(page), "upload": upload_id}
            )
        )
    finally:
        client_routes.dispatch = dispatch
    if confirmed.status_code not in (302, 303) or len(held.ids) != 1:
        problems.append(f"confirm: {confirmed.status_code}, {len(held.ids)} jobs")
        return figures, problems
    state, figures["job"] = meter.measure(lambda: runner.run(app, held.ids[0]))
    if state != "done":
        problems.append(f"job: {state}")
    landed, figures["job page"] = meter.measure(lambda: client.get(confirmed.headers["Location"]))
    if landed.status_code not in (302, 303) or not landed.headers["Location"].endswith(
        f"/clients/{organisation_id}"
    ):
        problems.append(f"job page: {landed.status_code}, not sent to the organisation")
    return figures, problems


def without_http(app: Flask, meter: Meter, organisation_id: int, data: bytes) -> dict:
    """``parse_roster``, ``plan_import`` and ``apply_import`` with its commit, timed."""
    figures: dict = {}
    with app.test_request_context():
        session = db.session
        parsed, figures["parse_roster"] = meter.measure(lambda: parse_roster(data, len(data)))
        plan, figures["plan_import"] = meter.measure(
            lambda: plan_import(session, organisation_id, parsed.rows)
        )
        organisation = session.get(Organisation, organisation_id)

        def apply() -> None:
            apply_import(session, organisation, plan)
            session.commit()

        _, figures["apply_import + commit"] = meter.measure(apply)
    return figures


def people_of(app: Flask, organisation_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(Person)
            .where(Person.organisation_id == organisation_id)
        )


def ms(figures: dict) -> str:
    return (
        f"{figures['wall'] * 1000:>7,.0f} ms (CPU {figures['cpu'] * 1000:>6,.0f} ms), "
        f"{figures['sql']:>6,} SQL"
    )


def main() -> int:
    problems: list[str] = []
    first, second = roster_file(False), roster_file(True)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench-secret-key-not-for-production-0123456789",
                "DATABASE_URL": f"sqlite:///{folder}/bench.db",
                "PUBLIC_URL": "http://localhost",
                "JOBS_IN_BACKGROUND": False,
                "RATELIMIT_ENABLED": False,
            }
        )
        organisation_id, other_id = build(app)
        meter = Meter(app)
        client = app.test_client()
        login = client.post(
            "/login",
            data={
                "email": CONSULTANT,
                "password": PASSWORD,
                "csrf_token": csrf(client.get("/login").get_data(as_text=True)),
            },
        )
        if login.status_code != 302:
            raise SystemExit(f"login failed: {login.status_code}")
        runs = []
        for name, data in (("new roster", first), ("2,000 moved, 2,000 new roles", second)):
            figures, found = import_over_http(app, client, meter, organisation_id, data)
            problems += found
            runs.append((name, figures))
        if people_of(app, organisation_id) != PEOPLE:
            problems.append(f"{people_of(app, organisation_id)} people imported, not {PEOPLE}")
        direct = without_http(app, meter, other_id, first)
        if people_of(app, other_id) != PEOPLE:
            problems.append(f"{people_of(app, other_id)} people imported without HTTP")
        with app.app_context():
            jobs = db.session.scalar(select(func.count()).select_from(Job))
        if jobs != len(runs):
            problems.append(f"{jobs} jobs for {len(runs)} confirmations")

    print(f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, SQLite file, one process, test client")
    print(
        f"File: {PEOPLE:,} people, {COUNTRIES * (TERRITORIES + 1):,} teams below Global, "
        f"language column, {len(first) / 1024:,.0f} KiB\n"
    )
    for name, figures in runs:
        print(f"{name}:")
        for step, what in (
            ("upload", "POST roster (parse + store)"),
            ("preview", "GET preview (plan + page)"),
            ("confirm", "POST confirm (job asked)"),
            ("job", "roster_import job"),
            ("job page", "GET job page when done"),
        ):
            if step in figures:
                print(f"  {what:<30} {ms(figures[step])}")
    print("without HTTP, new roster into an empty organisation:")
    for step, figures in direct.items():
        print(f"  {step:<30} {ms(figures)}")
    for problem in problems:
        print("FAILED:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
