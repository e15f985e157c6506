"""Benchmark of the rep's survey page and final submit against bare Flask, with wrk and gunicorn.

Run from the repository root (about a minute per database; PostgreSQL on 127.0.0.1:5432)::

    .venv/bin/python bench/bench_rep_journey.py [--databases sqlite postgresql]

Per database (SQLite: WAL files in a temporary folder; PostgreSQL: the databases
``bench_rep_journey`` and ``bench_rep_journey_bare``, created for the run and dropped after it),
two servers run under gunicorn (2 sync workers each, ``SURVEY_ENV=production``) on 127.0.0.1:
the bare baseline (``bench/bare_response_app.py``: Flask + SQLAlchemy, no session, no CSRF, no
app code) and the app. wrk (``bench/rep_journey.lua``) loads one of them at a time. Like is
compared with like:

1. bare page: the questionnaire's first 8 items (our first page's items, texts and scale
   labels, answers checked) in a Jinja loop, after reading the rows a rep's page needs (the
   invitation by its token's hash with its wave and draft, one ORM statement, the draft unsealed);
2. our page: ``GET /r/<token>/1`` of a confidential invitation with a draft, session cookie sent;
3. bare page of 30 items without a database, the former baseline, for context only;
4. bare submit: the response that a prepared draft holds, posted whole and stored as the app
   stores it (a ``response`` row with its respondent key, 3 ladder rungs, 2 cooperation links,
   one transaction);
5. our submit: ``POST /r/<token>/<last>`` with ``action=submit`` and the same 2 cooperation
   links, a new prepared invitation (whose draft holds every other answer and the 3 rungs) per
   request, the session cookie and its CSRF token: the same rows;
6. bare submit of the same rows through Core inserts built once, as ours stores them;
7. bare page of 8 items without a database, for context only.

The runs that are compared are interleaved in short slices (1, 2, 3, then 3, 2, 1, ...; 4, 5, 6,
then 6, 5, 4, ...), so that load from other processes on the machine weighs on both sides of a ratio
alike; each rate is all requests of a run over all its seconds. Prints the rates, the server CPU
time per request (gunicorn master and workers, from /proc; far less moved by other processes than
the rates), the ratios 2/1, 5/4 and 5/6 against the 0.7 target, by CPU time and by rate, and the
checks: only the expected status codes, and as many stored submissions as 302s seen (plus requests
still in flight when a slice ended, which the server finishes). Exits non-zero only when a check
fails, never on a missed target.
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
from datetime import date
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench._measure import postgres_databases  # noqa: E402
from bench._prepare import (  # noqa: E402
    ITEMS_PER_PAGE,
    PreparedWave,
    bare_body,
    prepare_wave,
    submit_fields,
)
from survey.db import make_engine  # noqa: E402
from survey.models import Invitation, Response  # noqa: E402

WRK = "/usr/bin/wrk"
WRK_SCRIPT = Path(__file__).with_name("rep_journey.lua")
GUNICORN = Path(sys.executable).with_name("gunicorn")
WORKERS = 2
TARGET_RATIO = 0.7
CONTEXT_ITEMS = 30
SCALE_POINTS = 7
RUNGS = 3
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
RADIO = 'type="radio"'
START_TIMEOUT_S = 60
MAX_COOKIE_UPDATES = 5
PG_DATABASES = ("bench_rep_journey", "bench_rep_journey_bare")
ROWS = (
    ("bare_page", f"1 bare page, {ITEMS_PER_PAGE} items, same rows read"),
    ("our_page", f"2 our page /r/<token>/1, {ITEMS_PER_PAGE} items"),
    ("bare_page_30", f"3 bare page, {CONTEXT_ITEMS} items (context)"),
    ("bare_submit", f"4 bare submit, same rows ({RUNGS} rungs, 2 links)"),
    ("our_submit", "5 our submit, action=submit"),
    ("bare_submit_core", "6 bare submit, same rows, Core inserts"),
    ("bare_page_static", f"7 bare page, {ITEMS_PER_PAGE} items, no database (context)"),
)
RATIOS = (
    ("our_page", "bare_page", "page ratio, 2 / 1 (same rows read)"),
    ("our_submit", "bare_submit_core", "submit ratio, 5 / 6 (same rows, same Core inserts)"),
    ("our_submit", "bare_submit", "submit ratio against the ORM baseline, 5 / 4"),
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


def write_token_files(folder: Path, tokens: list[str], parts: int) -> tuple[Path, ...]:
    """``tokens`` split into ``parts`` files of one token a line, one file per slice."""
    size = len(tokens) // parts
    files = []
    for index in range(parts):
        path = folder / f"tokens-{index}.txt"
        path.write_text("\n".join(tokens[index * size : (index + 1) * size]) + "\n")
        files.append(path)
    return tuple(files)


def check_bare_pages(server: Server, token: str) -> None:
    """The bare pages hold their radios; the one that reads a draft shows its answers."""
    paths = [(f"/page/{items}", items) for items in (ITEMS_PER_PAGE, CONTEXT_ITEMS)]
    for path, items in [*paths, (f"/read/{token}", ITEMS_PER_PAGE)]:
        status, _headers, html = http(server.port, "GET", path)
        if status != 200 or html.count(RADIO) != items * SCALE_POINTS:
            raise RuntimeError(f"the bare page {path} is not what was expected")
        if html.count("checked") != items:
            raise RuntimeError(f"the bare page {path} does not show {items} answers")


def session_and_submit(server: Server, wave: PreparedWave) -> tuple[str, str]:
    """The session cookie and submit body from the page, checked by one real submission.

    The page is fetched until the server stops updating the cookie, as a browser would keep
    the updated one; wrk then sends that same cookie with every request.
    """
    page_path = f"/r/{wave.tokens[0]}/1"
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
    body = urlencode({"csrf_token": match.group(1), "action": "submit", **submit_fields(wave)})
    path = f"/r/{wave.tokens[1]}/{wave.last_page}"
    status, headers, _ = http(server.port, "POST", path, body, cookie)
    if status != 302 or not headers.get("Location", "").endswith("/thanks"):
        raise RuntimeError(f"the check submission got {status}, not a redirect to /thanks")
    return cookie, body


def count_rows(database_url: str, model, *where) -> int:
    """Rows of ``model`` (that match ``where``) in a database."""
    engine = make_engine(database_url)
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


def report(kind: str, results: dict[str, WrkResult]) -> list[str]:
    """The table, the two target ratios of rates, and the same ratios of server CPU per request."""
    header = (
        f"{kind:<11}{'measure':<46} {'req/s':>6} {'cpu ms/req':>10} {'p50 ms':>7} {'p99 ms':>7}"
    )
    lines = [header]
    for key, label in ROWS:
        result = results[key]
        lines.append(
            f"{kind:<11}{label:<46} {result.rate:>6.0f} {result.cpu_ms:>10.2f}"
            f" {result.p50_ms:>7.1f} {result.p99_ms:>7.1f}"
        )
    for ours, bare, what in RATIOS:
        ratio = results[ours].rate / results[bare].rate
        by_cpu = results[bare].cpu_ms / results[ours].cpu_ms
        verdict = "met" if by_cpu >= TARGET_RATIO else "missed"
        lines.append(
            f"{kind}: {what}: by server CPU per request (bare / ours) {by_cpu:.2f}"
            f" (target {TARGET_RATIO}: {verdict}); by rate (ours / bare) {ratio:.2f}"
        )
    for bare, what in (("bare_page_30", "3 / 2"), ("bare_page_static", "7 / 2")):
        context = results[bare].cpu_ms / results["our_page"].cpu_ms
        lines.append(f"{kind}: context, {what} by server CPU per request: {context:.2f}")
    return lines


def measure(
    args: argparse.Namespace, urls: tuple[str, str], temp: Path
) -> tuple[dict[str, WrkResult], list[str], list[str]]:
    """Serve both apps, run the five loads, stop the servers; results, checks and problems."""
    survey_url, bare_url = urls
    wave = prepare_wave(survey_url, args.invitations + 2, confidential=True, rungs=RUNGS)
    bare_wave = prepare_wave(bare_url, 1, confidential=True, rungs=RUNGS)
    token_files = write_token_files(temp, wave.tokens[2:], args.rounds)
    env = {**os.environ, "SURVEY_ENV": "production", "SURVEY_SECRET_KEY": secrets.token_hex(32)}
    env |= {"SURVEY_PUBLIC_URL": "http://127.0.0.1", "SURVEY_DATABASE_URL": survey_url}
    env |= {"BENCH_DATABASE_URL": bare_url, "BENCH_WAVE_ID": str(bare_wave.wave_id)}
    env["BENCH_TEAM_ID"] = str(bare_wave.team_id)
    page_path = f"/r/{wave.tokens[0]}/1"
    with ExitStack() as servers:
        bare = servers.enter_context(
            gunicorn("bench.bare_response_app:create_app()", env, "/", temp / "bare.log")
        )
        ours = servers.enter_context(
            gunicorn("survey.wsgi:app", env, "/health", temp / "survey.log")
        )
        check_bare_pages(bare, bare_wave.tokens[0])
        cookie, submit_body = session_and_submit(ours, wave)
        pages = {
            "bare_page": Load(bare, "GET", f"/read/{bare_wave.tokens[0]}"),
            "our_page": Load(ours, "GET", page_path, cookie=cookie),
            "bare_page_30": Load(bare, "GET", f"/page/{CONTEXT_ITEMS}"),
            "bare_page_static": Load(bare, "GET", f"/page/{ITEMS_PER_PAGE}"),
        }
        submits = {
            "bare_submit": Load(bare, "POST", "/submit", bare_body(bare_wave)),
            "our_submit": Load(
                ours, "POST", f"/r/{{token}}/{wave.last_page}", submit_body, cookie, token_files
            ),
            "bare_submit_core": Load(bare, "POST", "/submit-core", bare_body(bare_wave)),
        }
        for load in pages.values():
            run_wrk(load, args, args.warmup, 0)
        results = interleave(pages, args) | interleave(submits, args)
        time.sleep(1)  # the workers finish what the last slices left in flight
    problems = [
        problem
        for key, result in results.items()
        for problem in check_run(key, result, 302 if "submit" in key else 200)
    ]
    bare_line, bare_mismatch = check_stored(
        "bare submits",
        combine([results["bare_submit"], results["bare_submit_core"]]),
        count_rows(bare_url, Response),
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
    parser.add_argument(
        "--databases", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"]
    )
    parser.add_argument("--rounds", type=int, default=5, help="slices per measured run")
    parser.add_argument("--slice", type=int, default=2, help="seconds per slice")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per page load")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--invitations", type=int, default=10_000, help="prepared submit links")
    args = parser.parse_args()

    print(
        f"Rep journey benchmark, {date.today()}: gunicorn -w {WORKERS} (sync); "
        f"wrk -t{args.threads} -c{args.connections}, {args.rounds} interleaved slices of "
        f"{args.slice} s per run; load average before: {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    lines, problems = [], []
    for kind in args.databases:
        with tempfile.TemporaryDirectory(prefix="bench-rep-") as temp:
            folder = Path(temp)
            if kind == "sqlite":
                urls = (f"sqlite:///{folder / 'survey.db'}", f"sqlite:///{folder / 'bare.db'}")
                results, checks, found = measure(args, urls, folder)
            else:
                with postgres_databases(*PG_DATABASES) as urls:
                    results, checks, found = measure(args, urls, folder)
        lines += report(kind, results) + [f"{kind} {check}" for check in checks]
        problems += [f"{kind} {problem}" for problem in found]
        print(f"{kind}: done; load average {os.getloadavg()[0]:.2f}", flush=True)
    print("\n".join(lines))
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    for problem in problems:
        print(f"ERROR {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
