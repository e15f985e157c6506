"""Load and faults on the rep's final submit, under gunicorn in production mode, per database.

Run from the repository root (about two and a half minutes; PostgreSQL on 127.0.0.1:5432)::

    .venv/bin/python bench/load_submissions.py

For SQLite (WAL, a file in a temporary folder) and then PostgreSQL (databases ``bench_load``
and ``bench_load_bare``, created for the run and dropped after it), the app is served as in
production, ``gunicorn --workers 4 'survey.wsgi:app'`` with ``SURVEY_ENV=production`` and a
random secret key, next to the bare baseline ``bench/bare_response_app.py`` under the same
gunicorn settings. The wave is confidential and every invitation is a person's, so each stored
response carries its respondent's key: a lost or a doubled response shows by name.

1. load: 200 respondents at once (threads), each GETs its last page (cookie and CSRF token) and
   POSTs ``action=submit`` with its cooperation answers; its draft holds every other answer.
2. throughput: wrk (``bench/rep_journey.lua``) on the bare ``POST /submit`` and on ours, in
   interleaved slices (bare, ours, then ours, bare, ...); the ratio ours / bare aims at 0.7.
3. fault: 200 more respondents; once a quarter of them are confirmed, one worker is killed with
   SIGKILL. A client whose request got no answer sends the same request once more. Gunicorn must
   start a new worker; 20 confirmed submissions are then sent again and must be refused.

Then the database is counted. Checks, each a failure (exit 1) if broken: no confirmed response
lost, no respondent with two responses, no 5xx; in the load phase every respondent confirmed and
as many stored as confirmed; one used invitation per stored response; after the fault, every
stored but unconfirmed response is one whose request was cut by the kill; the refused re-sends.
The throughput ratio (rates of the interleaved runs, and server CPU time per request of master
and workers, which other processes on the machine barely move) is printed against its target
and never fails the run.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from http.client import HTTPException
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench._measure import postgres_databases  # noqa: E402
from bench._prepare import (  # noqa: E402
    PreparedWave,
    bare_body,
    prepare_wave,
    submit_fields,
)
from bench._serve import App, child_pids, open_sockets, serve  # noqa: E402
from bench.bench_rep_journey import (  # noqa: E402
    CSRF_FIELD,
    Load,
    Server,
    WrkResult,
    combine,
    http,
    interleave,
    run_wrk,
    write_token_files,
)
from survey.db import make_engine  # noqa: E402
from survey.models import Invitation, Response  # noqa: E402

WORKERS = 4
RESPONDENTS = 200
RUNGS = 3
TARGET_RATIO = 0.7
KILL_AFTER_SHARE = 0.25
RESENT = 20
PHASE_TIMEOUT_S = 60
KILL_WAIT_S = 20
RESPAWN_TIMEOUT_S = 30
REFUSED = (404, 409)  # an already used link: not open (404) or just submitted (409)
APP_SPEC = "survey.wsgi:app"
BARE_SPEC = "bench.bare_response_app:create_app()"
PG_DATABASES = ("bench_load", "bench_load_bare")


@dataclass
class Outcome:
    """What one respondent's client saw; filled in by its thread."""

    token: str
    pseudonym: str
    statuses: list[int] = field(default_factory=list)  # every answer, in order
    last: int | None = None  # the last request's status; None if it got no answer
    location: str = ""
    cookie: str = ""
    body: str = ""
    posts: int = 0
    posts_unanswered: int = 0  # submissions cut (connection reset, timeout)
    gets_unanswered: int = 0
    done: bool = False

    @property
    def confirmed(self) -> bool:
        return self.last == 302 and self.location.endswith("/thanks")


@dataclass(frozen=True)
class Kill:
    """The worker killed during the fault phase, and what followed."""

    pid: int
    confirmed_before: int
    respawned: bool


@dataclass(frozen=True)
class Phase:
    """The checks of one phase of respondents against the rows stored for them."""

    name: str
    clients: int
    confirmed: int
    stored: int
    lost: int
    duplicates: int
    server_errors: int
    cut: int
    resent: int
    refused_after_resend: int
    stored_unconfirmed: int
    unexplained_stored: int
    no_answer: int
    unfinished: int
    other_statuses: dict[int, int]


@dataclass(frozen=True)
class DatabaseRun:
    """Everything measured and checked on one database."""

    kind: str
    load: Phase
    fault: Phase
    kill: Kill
    resends: Counter[int]
    bare: WrkResult
    bare_with_warmup: WrkResult
    ours: WrkResult
    wrk_stored: int
    bare_stored: int
    responses: int
    used_invitations: int
    duplicated_keys: int


def open_form(port: int, path: str, fields: dict[str, str]) -> tuple[int, str, str]:
    """GET the page: its status, session cookie and submit body (empty unless it is the form).

    Raises ``OSError`` or ``HTTPException`` when the request gets no answer.
    """
    status, headers, html = http(port, "GET", path)
    match = CSRF_FIELD.search(html)
    if status != 200 or match is None or "Set-Cookie" not in headers:
        return status, "", ""
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    body = urlencode({"csrf_token": match.group(1), "action": "submit", **fields})
    return status, cookie, body


def respond(port: int, wave: PreparedWave, outcome: Outcome) -> None:
    """One respondent: open the last page, submit; a request without answer is sent once more.

    A cut submission is sent again as it was (same cookie, same body), as a browser would
    after the user clicks again.
    """
    path = f"/r/{outcome.token}/{wave.last_page}"
    for _attempt in range(2):
        try:
            if not outcome.body:
                status, outcome.cookie, outcome.body = open_form(port, path, submit_fields(wave))
                outcome.statuses.append(status)
                outcome.last = status
                if not outcome.body:
                    break
            outcome.posts += 1
            status, headers, _ = http(port, "POST", path, outcome.body, outcome.cookie)
            outcome.statuses.append(status)
            outcome.last = status
            outcome.location = headers.get("Location", "")
            break
        except (OSError, HTTPException):
            outcome.last = None
            if outcome.posts:
                outcome.posts_unanswered += 1
            else:
                outcome.gets_unanswered += 1
    outcome.done = True


def run_respondents(
    port: int,
    wave: PreparedWave,
    tokens: list[tuple[str, str]],
    during: Callable[[list[Outcome]], Kill | None],
) -> tuple[list[Outcome], Kill | None]:
    """All respondents at once, one thread each; ``during`` runs while they work."""
    outcomes = [Outcome(token, pseudonym) for token, pseudonym in tokens]
    start = threading.Barrier(len(outcomes) + 1)

    def client(outcome: Outcome) -> None:
        start.wait(timeout=PHASE_TIMEOUT_S)
        respond(port, wave, outcome)

    threads = [threading.Thread(target=client, args=(o,), daemon=True) for o in outcomes]
    for thread in threads:
        thread.start()
    start.wait(timeout=PHASE_TIMEOUT_S)
    happened = during(outcomes)
    deadline = time.monotonic() + PHASE_TIMEOUT_S
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    return outcomes, happened


def kill_a_worker(server: Server) -> Callable[[list[Outcome]], Kill]:
    """A ``during`` action: SIGKILL one worker once ``KILL_AFTER_SHARE`` are confirmed.

    Then it waits for gunicorn to start a new worker in its place.
    """

    def action(outcomes: list[Outcome]) -> Kill:
        deadline = time.monotonic() + KILL_WAIT_S
        while sum(o.confirmed for o in outcomes) < KILL_AFTER_SHARE * len(outcomes):
            if time.monotonic() > deadline:
                break
            time.sleep(0.002)
        confirmed = sum(o.confirmed for o in outcomes)
        # The worker holding a client's connection, rather than one waiting for the next.
        victim = max(child_pids(server.pid), key=open_sockets)
        os.kill(victim, signal.SIGKILL)
        workers = wait_for_respawn(server, victim)
        return Kill(victim, confirmed, len(workers) == WORKERS and victim not in workers)

    return action


def wait_for_respawn(server: Server, victim: int) -> list[int]:
    """The master's workers once it has replaced ``victim`` (or when the wait ends)."""
    deadline = time.monotonic() + RESPAWN_TIMEOUT_S
    while True:
        workers = child_pids(server.pid)
        if (len(workers) == WORKERS and victim not in workers) or time.monotonic() > deadline:
            return workers
        time.sleep(0.1)


def resend(port: int, wave: PreparedWave, outcomes: list[Outcome]) -> Counter[int]:
    """Send confirmed submissions again with their own cookie and body; statuses counted."""
    statuses: Counter[int] = Counter()
    for outcome in [o for o in outcomes if o.confirmed][:RESENT]:
        path = f"/r/{outcome.token}/{wave.last_page}"
        statuses[http(port, "POST", path, outcome.body, outcome.cookie)[0]] += 1
    return statuses


def stored_keys(database_url: str) -> tuple[Counter[str], int]:
    """Responses per respondent key, and the number of used invitations."""
    engine = make_engine(database_url)
    with Session(engine) as session:
        keys = Counter(
            dict(
                session.execute(
                    select(Response.respondent_key, func.count()).group_by(Response.respondent_key)
                ).all()
            )
        )
        used = session.scalar(
            select(func.count()).select_from(Invitation).where(Invitation.used.is_(True))
        )
    engine.dispose()
    return keys, used


def count_responses(database_url: str) -> int:
    """Rows in the ``response`` table."""
    engine = make_engine(database_url)
    with Session(engine) as session:
        total = session.scalar(select(func.count()).select_from(Response))
    engine.dispose()
    return total


def judge(name: str, outcomes: list[Outcome], keys: Counter[str]) -> Phase:
    """Compare what the clients were told with the responses stored under their keys."""
    confirmed = {o.pseudonym for o in outcomes if o.confirmed}
    stored = {o.pseudonym for o in outcomes if keys[o.pseudonym]}
    stored_unconfirmed = [o for o in outcomes if o.pseudonym in stored - confirmed]
    known = {200, 302, *REFUSED}
    other = Counter(s for o in outcomes for s in o.statuses if s not in known and s < 500)
    return Phase(
        name=name,
        clients=len(outcomes),
        confirmed=len(confirmed),
        stored=len(stored),
        lost=len(confirmed - stored),
        duplicates=sum(keys[o.pseudonym] > 1 for o in outcomes),
        server_errors=sum(s >= 500 for o in outcomes for s in o.statuses),
        cut=sum(o.posts_unanswered + o.gets_unanswered for o in outcomes),
        resent=sum(o.posts == 2 for o in outcomes),
        refused_after_resend=sum(o.posts == 2 and o.last in REFUSED for o in outcomes),
        stored_unconfirmed=len(stored_unconfirmed),
        # Stored but not confirmed is expected only of a submission whose answer was cut.
        unexplained_stored=sum(not o.posts_unanswered for o in stored_unconfirmed),
        no_answer=sum(o.done and o.last is None for o in outcomes),
        unfinished=sum(not o.done for o in outcomes),
        other_statuses=dict(other),
    )


def problems_of(run: DatabaseRun) -> list[str]:
    """Every broken invariant of one database's run."""
    problems = []
    for phase in (run.load, run.fault):
        where = f"{run.kind} {phase.name}"
        for label, count in (
            ("confirmed responses lost", phase.lost),
            ("respondents with two responses", phase.duplicates),
            ("5xx answers", phase.server_errors),
            ("clients still waiting at the deadline", phase.unfinished),
            (
                "stored, unconfirmed responses whose submission was not cut",
                phase.unexplained_stored,
            ),
        ):
            if count:
                problems.append(f"{where}: {count} {label}")
        if phase.other_statuses:
            problems.append(f"{where}: unexpected statuses {phase.other_statuses}")
    if not run.load.clients == run.load.confirmed == run.load.stored:
        problems.append(
            f"{run.kind} load: {run.load.confirmed} confirmed and {run.load.stored} stored "
            f"for {run.load.clients} respondents"
        )
    if not run.kill.respawned:
        problems.append(f"{run.kind} fault: gunicorn did not replace the killed worker")
    if set(run.resends) - set(REFUSED):
        problems.append(f"{run.kind} fault: re-sent submissions answered {dict(run.resends)}")
    if run.duplicated_keys:
        problems.append(f"{run.kind}: {run.duplicated_keys} respondent keys with two responses")
    if run.used_invitations != run.responses:
        problems.append(
            f"{run.kind}: {run.used_invitations} used invitations for {run.responses} responses"
        )
    for label, result, stored in (
        ("our submit", run.ours, run.wrk_stored),
        ("bare submit", run.bare_with_warmup, run.bare_stored),
    ):
        others = {status: n for status, n in result.statuses.items() if status != 302}
        redirects = result.statuses.get(302, 0)
        if others or result.socket_errors or result.exhausted:
            problems.append(
                f"{run.kind} {label}: statuses {others}, {result.socket_errors} socket errors, "
                f"{result.exhausted} requests without a link (raise --invitations)"
            )
        if not redirects <= stored <= redirects + result.in_flight:
            problems.append(
                f"{run.kind} {label}: {stored} stored for {redirects} 302s "
                f"(+{result.in_flight} in flight)"
            )
    return problems


def check_submission(server: Server, wave: PreparedWave, token: str) -> tuple[str, str]:
    """One real submission through the app; its cookie and body serve wrk's requests."""
    path = f"/r/{token}/{wave.last_page}"
    status, cookie, body = open_form(server.port, path, submit_fields(wave))
    if not body:
        raise RuntimeError(f"GET {path} answered {status} without the submit form")
    status, headers, _ = http(server.port, "POST", path, body, cookie)
    if status != 302 or not headers.get("Location", "").endswith("/thanks"):
        raise RuntimeError(f"the check submission got {status}, not a redirect to /thanks")
    return cookie, body


def no_fault(_outcomes: list[Outcome]) -> None:
    return None


def run_database(
    kind: str, urls: tuple[str, str], args: argparse.Namespace, folder: Path
) -> DatabaseRun:
    """Prepare both databases, serve both apps, run the three phases, count what was stored."""
    url, bare_url = urls
    wave = prepare_wave(url, 1 + 2 * RESPONDENTS + args.invitations, confidential=True, rungs=RUNGS)
    bare_wave = prepare_wave(bare_url, 0, rungs=RUNGS)
    pairs = list(zip(wave.tokens, wave.pseudonyms, strict=True))
    load_pairs = pairs[1 : 1 + RESPONDENTS]
    fault_pairs = pairs[1 + RESPONDENTS : 1 + 2 * RESPONDENTS]
    wrk_pairs = pairs[1 + 2 * RESPONDENTS :]
    token_files = write_token_files(folder, [token for token, _ in wrk_pairs], args.rounds)
    env = {**os.environ, "SURVEY_ENV": "production", "SURVEY_SECRET_KEY": secrets.token_hex(32)}
    env |= {"SURVEY_DATABASE_URL": url, "SURVEY_PUBLIC_URL": "http://127.0.0.1"}
    env |= {"BENCH_DATABASE_URL": bare_url, "BENCH_WAVE_ID": str(bare_wave.wave_id)}
    env["BENCH_TEAM_ID"] = str(bare_wave.team_id)
    apps = [
        App(APP_SPEC, "/health", folder / "app.log"),
        App(BARE_SPEC, "/", folder / "bare.log"),
    ]
    with serve(apps, env, WORKERS) as (ours, bare):
        cookie, body = check_submission(ours, wave, pairs[0][0])
        load, _ = run_respondents(ours.port, wave, load_pairs, no_fault)
        submit_path = f"/r/{{token}}/{wave.last_page}"
        loads = {
            "bare": Load(bare, "POST", "/submit", bare_body(bare_wave)),
            "ours": Load(ours, "POST", submit_path, body, cookie, token_files),
        }
        warmup = run_wrk(loads["bare"], args, args.warmup, 0)
        rates = interleave(loads, args)
        fault, kill = run_respondents(ours.port, wave, fault_pairs, kill_a_worker(ours))
        resends = resend(ours.port, wave, fault)
        time.sleep(1)  # the workers finish what wrk left in flight
    keys, used = stored_keys(url)
    return DatabaseRun(
        kind=kind,
        load=judge("load", load, keys),
        fault=judge("fault", fault, keys),
        kill=kill,
        resends=resends,
        bare=rates["bare"],
        bare_with_warmup=combine([warmup, rates["bare"]]),
        ours=rates["ours"],
        wrk_stored=sum(keys[pseudonym] for _, pseudonym in wrk_pairs),
        bare_stored=count_responses(bare_url),
        responses=sum(keys.values()),
        used_invitations=used,
        duplicated_keys=sum(count > 1 for count in keys.values()),
    )


def report(runs: list[DatabaseRun]) -> list[str]:
    """The table of checks per phase, the kill, and the throughput table with its ratios."""
    header = (
        f"{'database':<11}{'phase':<7}{'clients':>8}{'confirmed':>10}{'stored':>7}{'lost':>5}"
        f"{'dup':>4}{'5xx':>4}{'cut':>4}{'resent':>7}{'refused':>8}{'stored-unconf':>14}"
        f"{'no-answer':>10}"
    )
    lines = [header]
    for run in runs:
        for phase in (run.load, run.fault):
            lines.append(
                f"{run.kind:<11}{phase.name:<7}{phase.clients:>8}{phase.confirmed:>10}"
                f"{phase.stored:>7}{phase.lost:>5}{phase.duplicates:>4}{phase.server_errors:>4}"
                f"{phase.cut:>4}{phase.resent:>7}{phase.refused_after_resend:>8}"
                f"{phase.stored_unconfirmed:>14}{phase.no_answer:>10}"
            )
    for run in runs:
        kill = run.kill
        lines.append(
            f"{run.kind}: worker {kill.pid} killed after {kill.confirmed_before} confirmations, "
            f"{'replaced' if kill.respawned else 'NOT replaced'}; {sum(run.resends.values())} "
            f"confirmed submissions sent again: {dict(run.resends)}; "
            f"{run.responses} responses, {run.used_invitations} used invitations, "
            f"{run.duplicated_keys} keys twice"
        )
    lines.append(
        f"{'database':<11}{'submit':<7}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'requests':>9}"
        f"{'stored':>8}{'server CPU ms/req':>18}"
    )
    for run in runs:
        for label, result, stored in (
            ("bare", run.bare, run.bare_stored),
            ("ours", run.ours, run.wrk_stored),
        ):
            lines.append(
                f"{run.kind:<11}{label:<7}{result.rate:>8.0f}{result.p50_ms:>8.1f}"
                f"{result.p99_ms:>8.1f}{result.requests:>9}{stored:>8}{result.cpu_ms:>18.1f}"
            )
    for run in runs:
        ratio = run.ours.rate / run.bare.rate
        verdict = "met" if ratio >= TARGET_RATIO else "missed"
        lines.append(
            f"{run.kind}: submit ratio ours / bare {ratio:.2f} (target {TARGET_RATIO}: {verdict}); "
            f"by server CPU per request, bare / ours: {run.bare.cpu_ms / run.ours.cpu_ms:.2f}"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=4, help="wrk slices per side")
    parser.add_argument("--slice", type=int, default=2, help="seconds per wrk slice")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of wrk on the bare app")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--invitations", type=int, default=4000, help="prepared links for wrk")
    args = parser.parse_args()
    print(
        f"Load and faults, {date.today()}: gunicorn --workers {WORKERS} '{APP_SPEC}' "
        f"(SURVEY_ENV=production) and '{BARE_SPEC}'; {RESPONDENTS} respondents per phase; "
        f"wrk -t{args.threads} -c{args.connections}, {args.rounds} interleaved slices of "
        f"{args.slice} s per side; {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.2f}",
        flush=True,
    )
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-load-") as temp:
        for kind in ("sqlite", "postgresql"):
            folder = Path(temp) / kind
            folder.mkdir()
            started = time.monotonic()
            if kind == "sqlite":
                urls = (f"sqlite:///{folder / 'survey.db'}", f"sqlite:///{folder / 'bare.db'}")
                runs.append(run_database(kind, urls, args, folder))
            else:
                with postgres_databases(*PG_DATABASES) as urls:
                    runs.append(run_database(kind, urls, args, folder))
            print(f"{kind}: done in {time.monotonic() - started:.0f} s", flush=True)
    print("\n".join(report(runs)))
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    problems = [problem for run in runs for problem in problems_of(run)]
    for problem in problems:
        print(f"ERROR {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
