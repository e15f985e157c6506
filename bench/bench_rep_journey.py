"""Benchmark of the rep's survey page and final submit against bare Flask, with wrk and gunicorn.

Run from the repository root (about a minute and a half)::

    .venv/bin/python bench/bench_rep_journey.py

Two servers run under gunicorn (2 sync workers each) on 127.0.0.1, each on a fresh SQLite file
in WAL mode in a temporary folder: the bare baseline (``bench/bare_app.py``) and the app. wrk
(``bench/rep_journey.lua``) loads one of them at a time. Measured in one run:

1. bare page: 30 seven-point radio groups in a Jinja loop, no database;
2. our page: ``GET /r/<token>/1`` of a real invitation with a draft, session cookie sent;
3. bare page with our page's 8 items, for context;
4. bare submit: one 30-answer submission stored in one transaction (a row plus 30 answer rows);
5. our submit: ``POST /r/<token>/<last>`` with ``action=submit``, a new prepared invitation (with a
   complete draft) per request, the session cookie and its CSRF token.

The runs that are compared are interleaved in short slices (1, 2, 3, then 3, 2, 1, ...; 4, 5,
then 5, 4, ...), so that load from other processes on the machine weighs on both sides of a ratio
alike; each rate is all requests of a run over all its seconds. Prints the rates, the server CPU
time per request (gunicorn master and workers, from /proc; far less moved by other processes than
the rates), the ratios 2/1 and 5/4 against the 0.7 target, and the same ratios by CPU time, and
the checks: only the expected status codes, and as many
stored submissions as 302s seen (plus requests still in flight when a slice ended, which the
server finishes). Exits non-zero only when a check fails, never on a missed target.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402
from sqlalchemy.orm import DeclarativeBase, Session  # noqa: E402

from bench._prepare import sealed_drafts  # noqa: E402
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
MAX_COOKIE_UPDATES = 5
ROWS = (
    ("bare_page", f"1 bare page, {BARE_ITEMS} items ({BARE_ITEMS * SCALE_POINTS} radios)"),
    (
        "our_page",
        f"2 our page /r/<token>/1, {ITEMS_PER_PAGE} items ({ITEMS_PER_PAGE * SCALE_POINTS} radios)",
    ),
    ("bare_page_8", f"3 bare page, {ITEMS_PER_PAGE} items (context)"),
    ("bare_submit", f"4 bare submit, {SUBMITTED_ITEMS} answer rows, 1 transaction"),
    ("our_submit", "5 our submit, action=submit"),
)
RATIOS = (
    ("our_page", "bare_page", "page ratio, 2 / 1"),
    ("our_submit", "bare_submit", "submit ratio, 5 / 4"),
)


@dataclass(frozen=True)
class Server:
    """A gunicorn master on a loopback port."""

    port: int
    pid: int


@dataclass(frozen=True)
class Load:
    """What wrk sends to one server; ``{token}`` in the path takes a line of a tokens file."""

    server: Server
    method: str
    path: str
    body: str = ""
    cookie: str = ""
    token_files: tuple[Path, ...] = ()  # one file per slice


@dataclass(frozen=True)
class WrkResult:
    """What wrk saw: requests, status counts, socket errors, requests left in flight."""

    seconds: float
    requests: int
    cpu_seconds: float  # used by the gunicorn master and workers
    statuses: dict[int, int]
    socket_errors: int
    in_flight: int
    exhausted: int
    p50_ms: float
    p99_ms: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_ms(self) -> float:
        """Server CPU time per request: unlike the rate, barely moved by other processes."""
        return 1000 * self.cpu_seconds / self.requests


@dataclass(frozen=True)
class SurveyLinks:
    """Tokens of invitations whose drafts hold every answer, and the number of the last page."""

    page_token: str
    check_token: str
    submit_tokens: list[str]
    last_page: int


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http(
    port: int, method: str, path: str, body: str = "", cookie: str = ""
) -> tuple[int, dict[str, str], str]:
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
def gunicorn(app_spec: str, env: dict[str, str], probe_path: str, log: Path) -> Iterator[Server]:
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
        yield Server(port, server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process and its children (gunicorn's workers), from /proc."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    ticks = 0
    for process in (pid, *map(int, children)):
        fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def run_wrk(load: Load, args: argparse.Namespace, seconds: int, slice_index: int) -> WrkResult:
    """One wrk run of ``seconds`` with the counting script."""
    tokens_file = load.token_files[slice_index] if load.token_files else ""
    command = [WRK, "-t", str(args.threads), "-c", str(args.connections)]
    command += ["-d", f"{seconds}s", "--timeout", "5s", "-s", str(WRK_SCRIPT)]
    command += [f"http://127.0.0.1:{load.server.port}/", "--", load.method, load.path]
    command += [load.body, load.cookie, str(tokens_file), str(args.threads)]
    cpu_before = cpu_seconds(load.server.pid)
    finished = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=True
    )
    cpu = cpu_seconds(load.server.pid) - cpu_before
    line = next(line for line in finished.stdout.splitlines() if line.startswith("wrk-result "))
    result = json.loads(line.removeprefix("wrk-result "))
    statuses = {int(status): count for status, count in result["statuses"].items()}
    errors = result["errors"]
    return WrkResult(
        seconds=result["duration_us"] / 1e6,
        requests=result["requests"],
        cpu_seconds=cpu,
        statuses=statuses,
        socket_errors=errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
        in_flight=result["sent"] - sum(statuses.values()),
        exhausted=result["exhausted"],
        p50_ms=result["latency_p50_us"] / 1000,
        p99_ms=result["latency_p99_us"] / 1000,
    )


def combine(slices: list[WrkResult]) -> WrkResult:
    """The slices of one run as one result: totals, and the median of their percentiles."""
    statuses: Counter[int] = Counter()
    for part in slices:
        statuses.update(part.statuses)
    return WrkResult(
        seconds=sum(part.seconds for part in slices),
        requests=sum(part.requests for part in slices),
        cpu_seconds=sum(part.cpu_seconds for part in slices),
        statuses=dict(statuses),
        socket_errors=sum(part.socket_errors for part in slices),
        in_flight=sum(part.in_flight for part in slices),
        exhausted=sum(part.exhausted for part in slices),
        p50_ms=statistics.median(part.p50_ms for part in slices),
        p99_ms=statistics.median(part.p99_ms for part in slices),
    )


def interleave(loads: dict[str, Load], args: argparse.Namespace) -> dict[str, WrkResult]:
    """Run every load for ``args.rounds`` slices, in forward then reverse order each round."""
    slices: dict[str, list[WrkResult]] = {name: [] for name in loads}
    names = list(loads)
    for round_index in range(args.rounds):
        for name in names if round_index % 2 == 0 else reversed(names):
            slices[name].append(run_wrk(loads[name], args, args.slice, round_index))
    return {name: combine(parts) for name, parts in slices.items()}


def prepare_survey_database(database_url: str, submissions: int) -> SurveyLinks:
    """An open wave with ``submissions + 2`` invitations, each with a complete draft."""
    questionnaire = load_directory()[QUESTIONNAIRE]
    pages = plan_pages(questionnaire, ITEMS_PER_PAGE)
    ladder = questionnaire.ladder
    state = {
        "answers": {item.id: 6 for item in questionnaire.items},
        "ladder": [{"target": ladder.targets[0].key, "words": "Customers who trust us"}]
        * max(1, ladder.min_rungs),
        "ladder_done": True,
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
        drafts = sealed_drafts(session, wave.id, [link.token for link in links], state)
        session.execute(insert(Draft), drafts)
        session.commit()
    engine.dispose()
    tokens = [link.token for link in links]
    return SurveyLinks(tokens[0], tokens[1], tokens[2:], len(pages))


def write_token_files(folder: Path, tokens: list[str], parts: int) -> tuple[Path, ...]:
    """``tokens`` split into ``parts`` files of one token a line, one file per slice."""
    size = len(tokens) // parts
    files = []
    for index in range(parts):
        path = folder / f"tokens-{index}.txt"
        path.write_text("\n".join(tokens[index * size : (index + 1) * size]) + "\n")
        files.append(path)
    return tuple(files)


def check_bare_pages(server: Server) -> None:
    for items in (BARE_ITEMS, ITEMS_PER_PAGE):
        status, _headers, html = http(server.port, "GET", f"/page/{items}")
        if status != 200 or html.count(RADIO) != items * SCALE_POINTS:
            raise RuntimeError(f"the bare page of {items} items is not what was expected")


def session_and_submit(server: Server, links: SurveyLinks) -> tuple[str, str]:
    """The session cookie and submit body from the page, checked by one real submission.

    The page is fetched until the server stops updating the cookie, as a browser would keep
    the updated one; wrk then sends that same cookie with every request.
    """
    page_path = f"/r/{links.page_token}/1"
    cookie = ""
    for _ in range(MAX_COOKIE_UPDATES):
        status, headers, html = http(server.port, "GET", page_path, cookie=cookie)
        if "Set-Cookie" not in headers:
            break
        cookie = headers["Set-Cookie"].split(";", 1)[0]
    else:
        raise RuntimeError(f"{page_path} sets a new session cookie on every request")
    match = CSRF_FIELD.search(html)
    if status != 200 or html.count(RADIO) != ITEMS_PER_PAGE * SCALE_POINTS or not match:
        raise RuntimeError(f"{page_path} is not a page of {ITEMS_PER_PAGE} items with a form")
    body = urlencode({"csrf_token": match.group(1), "action": "submit"})
    path = f"/r/{links.check_token}/{links.last_page}"
    status, headers, _ = http(server.port, "POST", path, body, cookie)
    if status != 302 or not headers.get("Location", "").endswith("/thanks"):
        raise RuntimeError(f"the check submission got {status}, not a redirect to /thanks")
    return cookie, body


def count_rows(database_url: str, model: type[DeclarativeBase], *where) -> int:
    """Rows of ``model`` (that match ``where``) in a SQLite file."""
    engine = sqlite_engine(database_url)
    with Session(engine) as session:
        total = session.scalar(select(func.count()).select_from(model).where(*where))
    engine.dispose()
    return total


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
    line = f"{name}: {stored} stored for {redirects} 302s (+{result.in_flight} in flight)"
    if not redirects <= stored <= redirects + result.in_flight:
        return line, [f"{line}: the counts do not match"]
    return line, []


def report(results: dict[str, WrkResult]) -> list[str]:
    """The table, the two target ratios of rates, and the same ratios of server CPU per request."""
    header = f"{'measure':<48} {'req/s':>6} {'cpu ms/req':>10} {'p50 ms':>7} {'p99 ms':>7}"
    lines = [header]
    for key, label in ROWS:
        result = results[key]
        lines.append(
            f"{label:<48} {result.rate:>6.0f} {result.cpu_ms:>10.2f}"
            f" {result.p50_ms:>7.1f} {result.p99_ms:>7.1f}"
        )
    for ours, bare, what in RATIOS:
        ratio = results[ours].rate / results[bare].rate
        verdict = "met" if ratio >= TARGET_RATIO else "missed"
        by_cpu = results[bare].cpu_ms / results[ours].cpu_ms
        lines.append(
            f"{what}: {ratio:.2f} (target {TARGET_RATIO}: {verdict});"
            f" by server CPU per request: {by_cpu:.2f}"
        )
    same_size = results["our_page"].rate / results["bare_page_8"].rate
    lines.append(f"context, 2 / 3 (our page / bare page of the same size): {same_size:.2f}")
    return lines


def measure(
    args: argparse.Namespace, temp: Path
) -> tuple[dict[str, WrkResult], list[str], list[str]]:
    """Serve both apps, run the five loads, stop the servers; results, checks and problems."""
    bare_url = f"sqlite:///{temp / 'bare.db'}"
    survey_url = f"sqlite:///{temp / 'survey.db'}"
    links = prepare_survey_database(survey_url, args.invitations)
    token_files = write_token_files(temp, links.submit_tokens, args.rounds)
    env = {**os.environ, "SURVEY_SECRET_KEY": secrets.token_hex(32)}
    env |= {"SURVEY_PUBLIC_URL": "http://127.0.0.1", "SURVEY_DATABASE_URL": survey_url}
    env["BENCH_DATABASE_URL"] = bare_url
    page_path = f"/r/{links.page_token}/1"
    answers = {f"q-{n}": str(1 + n % SCALE_POINTS) for n in range(1, SUBMITTED_ITEMS + 1)}
    with ExitStack() as servers:
        bare = servers.enter_context(
            gunicorn("bench.bare_app:create_app()", env, "/page/1", temp / "bare.log")
        )
        ours = servers.enter_context(
            gunicorn("survey:create_app()", env, page_path, temp / "survey.log")
        )
        check_bare_pages(bare)
        cookie, submit_body = session_and_submit(ours, links)
        pages = {
            "bare_page": Load(bare, "GET", f"/page/{BARE_ITEMS}"),
            "our_page": Load(ours, "GET", page_path, cookie=cookie),
            "bare_page_8": Load(bare, "GET", f"/page/{ITEMS_PER_PAGE}"),
        }
        submits = {
            "bare_submit": Load(bare, "POST", "/submit", urlencode(answers)),
            "our_submit": Load(
                ours, "POST", f"/r/{{token}}/{links.last_page}", submit_body, cookie, token_files
            ),
        }
        for load in pages.values():
            run_wrk(load, args, args.warmup, 0)
        results = interleave(pages, args) | interleave(submits, args)
        time.sleep(1)  # the workers finish what the last slices left in flight
    problems = [
        problem
        for key, result in results.items()
        for problem in check_run(key, result, 302 if key.endswith("submit") else 200)
    ]
    bare_line, bare_mismatch = check_stored(
        "bare submit", results["bare_submit"], count_rows(bare_url, Submission)
    )
    # Less the check submission; one invitation used per stored response, or work was doubled.
    stored = count_rows(survey_url, Response) - 1
    used = count_rows(survey_url, Invitation, Invitation.used.is_(True)) - 1
    our_line, our_mismatch = check_stored("our submit", results["our_submit"], stored)
    if used != stored:
        our_mismatch.append(f"our submit: {used} invitations used for {stored} responses")
    our_line += f"; {used} invitations used"
    return results, [bare_line, our_line], problems + bare_mismatch + our_mismatch


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=5, help="slices per measured run")
    parser.add_argument("--slice", type=int, default=2, help="seconds per slice")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per page load")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--invitations", type=int, default=25_000, help="prepared submit links")
    args = parser.parse_args()

    print(
        f"Rep journey benchmark, {date.today()}: gunicorn -w {WORKERS} (sync), SQLite WAL; "
        f"wrk -t{args.threads} -c{args.connections}, {args.rounds} interleaved slices of "
        f"{args.slice} s per run; load average before: {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="bench-rep-") as temp:
        results, checks, problems = measure(args, Path(temp))
    print("\n".join(report(results)))
    print("\n".join(checks))
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    for problem in problems:
        print(f"ERROR {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
