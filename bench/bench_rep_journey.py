"""Benchmark of the rep's survey page and final submit against bare Flask, with wrk and gunicorn.

Run from the repository root (about two minutes)::

    .venv/bin/python bench/bench_rep_journey.py

Each server runs under gunicorn (2 sync workers) on 127.0.0.1 and a fresh SQLite file in WAL
mode in a temporary folder; wrk (``bench/rep_journey.lua``) loads it for a fixed time after a
short warm-up. Measured in one run:

1. bare page: 30 seven-point radio groups in a Jinja loop, no database (``bench/bare_app.py``);
2. our page: ``GET /r/<token>/1`` of a real invitation with a draft, session cookie sent;
3. bare page with our page's 8 items, for context;
4. bare submit: one 30-answer submission stored in one transaction (a row plus 30 answer rows);
5. our submit: ``POST /r/<token>/<last>`` with ``action=submit``, a new prepared invitation (with a
   complete draft) per request, the session cookie and its CSRF token.

Prints the rates, the ratios 2/1 and 5/4 against the 0.7 target, and the checks: only the
expected status codes, and as many stored responses as 302s seen (plus requests still in flight
when wrk stopped, which the server finishes). Exits non-zero only on such errors, never on a
missed target.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.bare_app import SUBMITTED_ITEMS, Submission, sqlite_engine  # noqa: E402
from questionnaires import load_directory  # noqa: E402
from survey.config import DEFAULTS  # noqa: E402
from survey.db import Base, make_engine  # noqa: E402
from survey.invitations import invite_unnamed  # noqa: E402
from survey.models import (  # noqa: E402
    Assessment,
    Draft,
    Invitation,
    Organisation,
    Response,
    Team,
    Wave,
)
from survey.models._columns import utcnow  # noqa: E402
from survey.rep.pages import plan_pages  # noqa: E402

WRK = "/usr/bin/wrk"
WRK_SCRIPT = Path(__file__).with_name("rep_journey.lua")
GUNICORN = Path(sys.executable).with_name("gunicorn")
WORKERS = 2
TARGET_RATIO = 0.7
BARE_ITEMS = 30
SCALE_POINTS = 7
QUESTIONNAIRE = ("rep-mindset", 1)
ITEMS_PER_PAGE = DEFAULTS["ITEMS_PER_PAGE"]
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
RADIO = 'type="radio"'
START_TIMEOUT_S = 60


@dataclass(frozen=True)
class WrkResult:
    """What one wrk run saw: rate, status counts, socket errors and requests left in flight."""

    rate: float
    requests: int
    statuses: dict[int, int]
    socket_errors: int
    in_flight: int
    exhausted: int
    p50_ms: float
    p99_ms: float


@dataclass(frozen=True)
class SurveyLinks:
    """Tokens of invitations whose drafts hold every answer, and the number of the last page."""

    page_token: str
    check_token: str
    submit_tokens: list[str]
    last_page: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http(port: int, method: str, path: str, body: str = "", cookie: str = ""):
    """One request on loopback; returns (status, headers, text)."""
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str], probe_path: str, log: Path) -> Iterator[int]:
    """Serve ``app_spec`` with gunicorn on a free loopback port until the block ends."""
    port = free_port()
    command = [str(GUNICORN), "-w", str(WORKERS), "-b", f"127.0.0.1:{port}"]
    command += ["--chdir", str(ROOT), app_spec]
    with log.open("w") as log_file:
        server = subprocess.Popen(command, env=env, stdout=log_file, stderr=log_file)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn {app_spec} exited:\n{log.read_text()[-2000:]}")
            try:
                if http(port, "GET", probe_path)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn {app_spec} did not answer {probe_path} in time")
            time.sleep(0.2)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def run_wrk(
    port: int,
    args: argparse.Namespace,
    seconds: float,
    method: str,
    path: str,
    body: str = "",
    cookie: str = "",
    tokens_file: Path | None = None,
) -> WrkResult:
    """Run wrk with the counting script against ``path`` (``{token}`` is replaced per request)."""
    command = [WRK, "-t", str(args.threads), "-c", str(args.connections)]
    command += ["-d", f"{seconds:g}s", "--timeout", "5s", "-s", str(WRK_SCRIPT)]
    command += [f"http://127.0.0.1:{port}/", "--", method, path, body, cookie]
    command += [str(tokens_file or ""), str(args.threads)]
    finished = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=True
    )
    line = next(line for line in finished.stdout.splitlines() if line.startswith("wrk-result "))
    result = json.loads(line.removeprefix("wrk-result "))
    statuses = {int(status): count for status, count in result["statuses"].items()}
    errors = result["errors"]
    return WrkResult(
        rate=result["requests"] / (result["duration_us"] / 1e6),
        requests=result["requests"],
        statuses=statuses,
        socket_errors=errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
        in_flight=result["sent"] - sum(statuses.values()),
        exhausted=result["exhausted"],
        p50_ms=result["latency_p50_us"] / 1000,
        p99_ms=result["latency_p99_us"] / 1000,
    )


def prepare_survey_database(database_url: str, submissions: int) -> SurveyLinks:
    """An open wave with ``submissions + 2`` invitations, each with a complete draft."""
    questionnaire = load_directory()[QUESTIONNAIRE]
    pages = plan_pages(questionnaire, ITEMS_PER_PAGE)
    ladder = questionnaire.ladder
    state = {
        "answers": {item.id: 6 for item in questionnaire.items},
        "ladder": [{"target": ladder.targets[0].key, "words": ""}] * max(1, ladder.min_rungs),
        "reached": len(pages),
    }
    engine = make_engine(database_url)
    Base.metadata.create_all(engine)
    now = utcnow()
    with Session(engine, expire_on_commit=False) as session:
        organisation = Organisation(name="Bench Solar")
        sales = Team(organisation=organisation, name="Global")
        france = Team(organisation=organisation, name="France", parent=sales)
        product = Team(organisation=organisation, name="Product", department="product")
        assessment = Assessment(
            organisation=organisation,
            name="Mindset",
            mode="anonymous",
            rep_questionnaire_key=questionnaire.key,
            rep_questionnaire_version=questionnaire.version,
            rep_questionnaire_sha256=questionnaire.sha256,
        )
        wave = Wave(
            assessment=assessment,
            name="Wave 1",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=30),
        )
        session.add_all([organisation, sales, france, product, assessment, wave])
        session.flush()
        links = invite_unnamed(session, wave, france.id, submissions + 2, "rep", now, 30)
        session.flush()
        invitation_ids = session.scalars(
            select(Invitation.id).where(Invitation.wave_id == wave.id).order_by(Invitation.id)
        ).all()
        session.execute(
            insert(Draft), [{"invitation_id": id_, "state": state} for id_ in invitation_ids]
        )
        session.commit()
    engine.dispose()
    tokens = [link.token for link in links]
    return SurveyLinks(tokens[0], tokens[1], tokens[2:], len(pages))


def count_rows(engine, model) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def check_run(name: str, result: WrkResult, expected_status: int) -> list[str]:
    """Problems of one run: other statuses, socket errors, tokens running out."""
    problems = []
    others = {status: n for status, n in result.statuses.items() if status != expected_status}
    if others:
        problems.append(f"{name}: unexpected statuses {others} (expected only {expected_status})")
    if result.socket_errors:
        problems.append(f"{name}: {result.socket_errors} socket errors")
    if result.exhausted:
        problems.append(f"{name}: ran out of links {result.exhausted} times; raise --invitations")
    return problems


def check_stored(name: str, result: WrkResult, stored: int) -> tuple[str, list[str]]:
    """Stored submissions against the 302s seen: none lost, none doubled."""
    redirects = result.statuses.get(302, 0)
    line = (
        f"{name}: {stored} stored for {redirects} 302s"
        f" (+{result.in_flight} in flight when wrk stopped)"
    )
    if not redirects <= stored <= redirects + result.in_flight:
        return line, [f"{line}: the counts do not match"]
    return line, []


Measured = tuple[dict[str, WrkResult], list[str], list[str]]  # results, problems, notes


def bench_bare(args: argparse.Namespace, temp: Path, env: dict[str, str]) -> Measured:
    """Runs 1, 3 and 4 against ``bench/bare_app.py`` on a fresh SQLite file."""
    database_url = f"sqlite:///{temp / 'bare.db'}"
    env = {**env, "BENCH_DATABASE_URL": database_url}
    body = urlencode({f"q-{n}": str(1 + n % SCALE_POINTS) for n in range(1, SUBMITTED_ITEMS + 1)})
    results, problems, notes = {}, [], []
    with gunicorn("bench.bare_app:create_app()", env, "/page/1", temp / "bare.log") as port:
        for items in (BARE_ITEMS, ITEMS_PER_PAGE):
            status, _headers, html = http(port, "GET", f"/page/{items}")
            if status != 200 or html.count(RADIO) != items * SCALE_POINTS:
                raise RuntimeError(f"the bare page of {items} items is not what was expected")
        run_wrk(port, args, args.warmup, "GET", f"/page/{BARE_ITEMS}")
        for key, items in (("bare_page", BARE_ITEMS), ("bare_page_8", ITEMS_PER_PAGE)):
            results[key] = run_wrk(port, args, args.duration, "GET", f"/page/{items}")
        results["bare_submit"] = run_wrk(port, args, args.duration, "POST", "/submit", body)
        time.sleep(1)  # let the workers finish what wrk left in flight
    for key in results:
        problems += check_run(key, results[key], 302 if key == "bare_submit" else 200)
    engine = sqlite_engine(database_url)
    stored = count_rows(engine, Submission)
    engine.dispose()
    line, mismatch = check_stored("bare submit", results["bare_submit"], stored)
    notes.append(line)
    return results, problems + mismatch, notes


def bench_survey(args: argparse.Namespace, temp: Path, env: dict[str, str]) -> Measured:
    """Runs 2 and 5 against the app on a fresh SQLite file with prepared invitations."""
    database_url = f"sqlite:///{temp / 'survey.db'}"
    links = prepare_survey_database(database_url, args.invitations)
    tokens_file = temp / "tokens.txt"
    tokens_file.write_text("\n".join(links.submit_tokens) + "\n")
    env = {**env, "SURVEY_DATABASE_URL": database_url}
    page_path = f"/r/{links.page_token}/1"
    results, problems, notes = {}, [], []
    with gunicorn("survey:create_app()", env, page_path, temp / "survey.log") as port:
        status, headers, html = http(port, "GET", page_path)
        match = CSRF_FIELD.search(html)
        cookie = headers.get("Set-Cookie", "").split(";", 1)[0]
        if status != 200 or html.count(RADIO) != ITEMS_PER_PAGE * SCALE_POINTS or not match:
            raise RuntimeError(f"{page_path} is not a page of {ITEMS_PER_PAGE} items with a form")
        body = urlencode({"csrf_token": match.group(1), "action": "submit"})
        submit_path = f"/r/{{token}}/{links.last_page}"
        status, headers, _ = http(
            port, "POST", submit_path.format(token=links.check_token), body, cookie
        )
        if status != 302 or not headers.get("Location", "").endswith("/thanks"):
            raise RuntimeError(f"the check submission got {status}, not a redirect to /thanks")
        run_wrk(port, args, args.warmup, "GET", page_path, cookie=cookie)
        results["our_page"] = run_wrk(port, args, args.duration, "GET", page_path, cookie=cookie)
        results["our_submit"] = run_wrk(
            port, args, args.duration, "POST", submit_path, body, cookie, tokens_file
        )
        time.sleep(1)  # let the workers finish what wrk left in flight
    for key in results:
        problems += check_run(key, results[key], 302 if key == "our_submit" else 200)
    engine = make_engine(database_url)
    stored = count_rows(engine, Response) - 1  # the check submission
    with Session(engine) as session:
        used = session.scalar(select(func.count()).where(Invitation.used_on.is_not(None))) - 1
    engine.dispose()
    line, mismatch = check_stored("our submit", results["our_submit"], stored)
    notes.append(f"{line}; {used} invitations used")
    if used != stored:
        mismatch.append(f"our submit: {used} invitations used for {stored} stored responses")
    return results, problems + mismatch, notes


ROWS = (
    ("bare_page", f"1 bare page, {BARE_ITEMS} items ({BARE_ITEMS * SCALE_POINTS} radios)"),
    ("our_page", f"2 our page /r/<token>/1, {ITEMS_PER_PAGE} items ({ITEMS_PER_PAGE * 7} radios)"),
    ("bare_page_8", f"3 bare page, {ITEMS_PER_PAGE} items (context)"),
    ("bare_submit", f"4 bare submit, {SUBMITTED_ITEMS} answer rows, 1 transaction"),
    ("our_submit", "5 our submit, action=submit"),
)


RATIOS = (
    ("our_page", "bare_page", "page"),
    ("our_submit", "bare_submit", "submit"),
)


def report(results: dict[str, WrkResult]) -> list[str]:
    """The table of rates and latencies, the two target ratios and the 8-item context ratio."""
    lines = [f"{'measure':<46} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'requests':>9}"]
    for key, label in ROWS:
        result = results[key]
        lines.append(
            f"{label:<46} {result.rate:>8.0f} {result.p50_ms:>7.1f} {result.p99_ms:>7.1f}"
            f" {result.requests:>9}"
        )
    for ours, bare, what in RATIOS:
        ratio = results[ours].rate / results[bare].rate
        verdict = "met" if ratio >= TARGET_RATIO else "missed"
        lines.append(
            f"ratio {what} 2/1, 5/4 (ours / bare): {ratio:.2f}  >= {TARGET_RATIO}: {verdict}"
        )
    context = results["our_page"].rate / results["bare_page_8"].rate
    lines.append(f"context: our page / bare page of {ITEMS_PER_PAGE} items (2/3): {context:.2f}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds per measured run")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per server")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--invitations", type=int, default=25_000, help="prepared submit links")
    args = parser.parse_args()

    env = {**os.environ, "SURVEY_SECRET_KEY": secrets.token_hex(32)}
    env["SURVEY_PUBLIC_URL"] = "http://127.0.0.1"
    print(
        f"Rep journey benchmark, {date.today()}: gunicorn -w {WORKERS} (sync), SQLite WAL, "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s after "
        f"{args.warmup:g}s warm-up; load average before: {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="bench-rep-") as temp_name:
        temp = Path(temp_name)
        bare, bare_problems, bare_notes = bench_bare(args, temp, env)
        ours, our_problems, our_notes = bench_survey(args, temp, env)
    print("\n".join(report({**bare, **ours})))
    for note in bare_notes + our_notes:
        print(note)
    problems = bare_problems + our_problems
    for problem in problems:
        print(f"ERROR {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
