"""Two app servers, two workers and a scheduler on one PostgreSQL and one Redis, as deployed.

Each is a real process (gunicorn, ``dramatiq survey.jobs.worker:setup``, ``flask
jobs-scheduler``) started with the environment a deployment sets. Checked: a login throttled on
one server is throttled on the other; a wave that closes is released by the scheduler, once, and
both servers show the same release; a worker killed in the middle of a mailing loses no mail
(every person is mailed, or listed as not confirmed for the consultant to send again) and sends
none twice; and no token ever reaches Redis.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
import redis
import requests

from survey import create_app
from survey.models._columns import utcnow
from survey.models.organisation import Team
from tests.auth.helpers import PASSWORD
from tests.conftest import csrf_from
from tests.factories import gen_assessment, gen_organisation, gen_person, gen_responses, gen_user

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
POSTGRES = "postgresql://postgres@127.0.0.1:5432"
REDIS_DB = 13
WSGI, BROKER = "survey.wsgi:app", "survey.jobs.worker:setup"
PEOPLE = 40
SMTP_DELAY_SECONDS = 0.1
VICTIM = "victim@example.com"  # whose password an attacker guesses
LINK = re.compile(r"https?://\S+/r/([A-Za-z0-9_-]+)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"Waited {seconds} s for {what}")


@pytest.fixture
def services():
    """A database of the test's own on the local PostgreSQL and a Redis database, emptied."""
    try:
        store = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_timeout=2)
        store.ping()
    except redis.RedisError:
        pytest.skip("Redis does not answer on 127.0.0.1:6379 (.ci/run starts it)")
    name = f"survey_servers_{os.getpid()}"
    try:
        admin = psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL does not answer on 127.0.0.1:5432 (.ci/run starts it)")
    admin.execute(f"DROP DATABASE IF EXISTS {name}")
    admin.execute(f"CREATE DATABASE {name}")
    store.flushdb()
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", store
    store.flushdb()
    admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


@pytest.fixture
def slow_smtp():
    """An SMTP server that takes ``SMTP_DELAY_SECONDS`` per mail, so a mailing lasts a while."""
    import asyncio

    from aiosmtpd.controller import Controller

    class Handler:
        def __init__(self) -> None:
            self.received: list[tuple[str, str]] = []

        async def handle_DATA(self, server, session, envelope):
            await asyncio.sleep(SMTP_DELAY_SECONDS)
            text = envelope.content.decode("utf-8", "replace")
            for address in envelope.rcpt_tos:
                self.received.append((address, text))
            return "250 Message accepted"

    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, handler.received
    controller.stop()


@pytest.fixture
def world(services, slow_smtp, tmp_path):
    """The organisation, its roster, an open wave and a wave that closes in a few seconds, in a
    database brought to the newest schema by the migrations; and the environment every process
    of the deployment gets."""
    database_url, _store = services
    smtp_port, _received = slow_smtp
    server_ports = [free_port(), free_port()]
    environment = {
        **os.environ,
        "SURVEY_DATABASE_URL": database_url,
        "SURVEY_REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "SURVEY_SECRET_KEY": secrets.token_hex(32),
        "SURVEY_PUBLIC_URL": f"http://127.0.0.1:{server_ports[0]}",
        "SURVEY_SMTP_HOST": "127.0.0.1",
        "SURVEY_SMTP_PORT": str(smtp_port),
        "SURVEY_SMTP_SENDER": "survey@consultancy.example",
        "SURVEY_JOBS_LEASE_SECONDS": "3",
        "SURVEY_SCHEDULER_SECONDS": "1",
        "SURVEY_REQUEST_LOG_LEVEL": "WARNING",
    }
    environment.pop("SURVEY_RATELIMIT_STORAGE_URI", None)
    subprocess.run(
        [str(BIN / "flask"), "--app", "survey", "init-db"],
        cwd=PROJECT,
        env=environment,
        check=True,
        capture_output=True,
    )
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "REDIS_URL": None})
    from sqlalchemy.orm import Session

    from survey.models import Wave

    with Session(app.extensions["database"].engine) as dbs:
        organisation = gen_organisation(dbs)
        team = Team(organisation_id=organisation.id, name="Global")
        dbs.add(team)
        dbs.commit()
        for number in range(PEOPLE):
            gen_person(dbs, team, f"rep{number:02}@acme.example")
        gen_user(dbs, "c@example.com", "consultant", organisations=[organisation])
        gen_user(dbs, VICTIM, "consultant", organisations=[organisation])
        assessment = gen_assessment(dbs, organisation, mode="confidential")
        now = utcnow()
        closing = Wave(
            assessment=assessment,
            name="Closing",
            opens_at=now - timedelta(days=7),
            closes_at=now + timedelta(seconds=20),
        )
        open_wave = Wave(
            assessment=assessment,
            name="Open",
            opens_at=now + timedelta(seconds=21),
            closes_at=now + timedelta(days=14),
        )
        dbs.add_all([closing, open_wave])
        dbs.commit()
        gen_responses(dbs, closing, team, 6, 5)
        ids = {
            "organisation": organisation.id,
            "assessment": assessment.id,
            "closing": closing.id,
            "open": open_wave.id,
            "team": team.id,
        }
    app.extensions["database"].engine.dispose()
    return {"environment": environment, "ports": server_ports, "ids": ids, "logs": tmp_path}


def start(command: list[str], environment: dict, log: Path) -> subprocess.Popen:
    """The command in a session of its own (so that its children stop with it), its output
    in ``log``."""
    with log.open("wb") as output:
        return subprocess.Popen(
            command,
            cwd=PROJECT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


@pytest.fixture
def deployment(world):
    """Two gunicorn servers, two Dramatiq workers and a scheduler, stopped at the end."""
    environment, logs = world["environment"], world["logs"]
    processes = {}
    for number, port in enumerate(world["ports"]):
        processes[f"server{number}"] = start(
            [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", WSGI],
            environment,
            logs / f"server{number}.log",
        )
    for number in range(2):
        processes[f"worker{number}"] = start(
            [str(BIN / "dramatiq"), BROKER, "--processes", "1", "--threads", "1"],
            environment,
            logs / f"worker{number}.log",
        )
    try:
        for port in world["ports"]:
            wait_for(lambda port=port: _healthy(port), 90, f"the server on port {port}")
        for number in range(2):
            log = logs / f"worker{number}.log"
            wait_for(lambda log=log: b"ready for action" in log.read_bytes(), 90, "a worker")
        yield {**world, "processes": processes}
    finally:
        for process in processes.values():
            _stop(process)


def _healthy(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)


def logged_in(port: int, email: str = "c@example.com") -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"http://127.0.0.1:{port}/login", timeout=10).text
    answer = browser.post(
        f"http://127.0.0.1:{port}/login",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_from(page)},
        timeout=10,
    )
    assert answer.status_code == 200 and "Log out" in answer.text
    return browser


def failed_login(browser: requests.Session, port: int) -> int:
    page = browser.get(f"http://127.0.0.1:{port}/login", timeout=10).text
    return browser.post(
        f"http://127.0.0.1:{port}/login",
        data={
            "email": VICTIM,
            "password": "wrong-" + PASSWORD,
            "csrf_token": csrf_from(page),
        },
        timeout=10,
    ).status_code


def database(world) -> psycopg.Connection:
    url = world["environment"]["SURVEY_DATABASE_URL"].replace("postgresql+psycopg", "postgresql")
    return psycopg.connect(url, autocommit=True)


def test_two_servers_two_workers_and_a_scheduler_share_one_state(deployment, slow_smtp, services):
    ports, ids, environment = deployment["ports"], deployment["ids"], deployment["environment"]
    _smtp_port, received = slow_smtp
    _url, store = services
    connection = database(deployment)

    # 1. Failed logins counted on one server are counted on the other.
    attacker = requests.Session()
    assert [failed_login(attacker, ports[0]) for _ in range(5)] == [401] * 5
    assert failed_login(attacker, ports[1]) == 429
    assert failed_login(requests.Session(), ports[0]) == 429

    # 2. The scheduler releases the wave that closes, once, and both servers show that release.
    scheduler = start(
        [str(BIN / "flask"), "--app", "survey", "jobs-scheduler"],
        environment,
        deployment["logs"] / "scheduler.log",
    )
    deployment["processes"]["scheduler"] = scheduler
    key = f"release:{ids['closing']}:final"
    wait_for(
        lambda: connection.execute(
            "SELECT state FROM job WHERE key = %s AND state = 'done'", (key,)
        ).fetchone(),
        60,
        "the scheduler's release of the closed wave",
    )
    finals = connection.execute(
        "SELECT id FROM release WHERE wave_id = %s AND final", (ids["closing"],)
    ).fetchall()
    assert len(finals) == 1  # made by the scheduler's job, before any page asked for it
    assessment = f"/clients/{ids['organisation']}/assessments/{ids['assessment']}"
    shown = []
    for port in ports:
        page = logged_in(port).get(f"http://127.0.0.1:{port}{assessment}", timeout=30).text
        row = page[page.index('<th scope="row">Closing</th>') :]
        row = row[: row.index("</tr>")]
        assert "status-closed" in row and "released" in row
        shown.append(row)
    assert shown[0] == shown[1]

    # 3. A worker killed in the middle of a mailing: nothing lost, nothing sent twice.
    consultant = logged_in(ports[1])
    wave = f"http://127.0.0.1:{ports[1]}{assessment}/waves/{ids['open']}"
    page = consultant.get(f"{wave}/invitations", timeout=30).text
    answer = consultant.post(
        f"{wave}/invitations",
        data={"csrf_token": csrf_from(page), "invite-team": 0, "invite-delivery": "email"},
        timeout=30,
        allow_redirects=False,
    )
    assert answer.status_code == 303
    wait_for(lambda: len(received) >= 8, 60, "the first mails")
    (job_id, worker) = connection.execute(
        "SELECT id, worker FROM job WHERE kind = 'mail' AND state = 'running'"
    ).fetchone()
    os.kill(int(worker.rpartition(":")[2]), signal.SIGKILL)
    killed_at = len(received)
    wait_for(
        lambda: connection.execute(
            "SELECT 1 FROM job WHERE id = %s AND state = 'done'", (job_id,)
        ).fetchone(),
        90,
        "the other worker to finish the mailing",
    )
    assert killed_at < PEOPLE  # the kill came in the middle
    statuses = dict(
        connection.execute(
            "SELECT p.email, d.status FROM mail_delivery d "
            "JOIN invitation i ON i.id = d.invitation_id JOIN person p ON p.id = i.person_id"
        ).fetchall()
    )
    mailed = Counter(address for address, _text in received)
    assert max(mailed.values()) == 1  # nobody got two mails
    unconfirmed = {email for email, status in statuses.items() if status == "failed"}
    assert len(unconfirmed) <= 1  # at most the one mail in flight when the worker died
    assert set(mailed) | unconfirmed == set(statuses) and len(statuses) == PEOPLE
    assert {email for email, status in statuses.items() if status == "sent"} <= set(mailed)
    attempts = connection.execute("SELECT attempts FROM job WHERE id = %s", (job_id,)).fetchone()
    assert attempts == (2,)

    # 4. No link's token ever reached Redis: messages carry job ids only.
    tokens = {match for _address, text in received for match in LINK.findall(text)}
    assert len(tokens) == len(received)
    everything = b" ".join(_values(store))
    assert not any(token.encode() in everything for token in tokens)
    connection.close()


def _values(store: redis.Redis) -> list[bytes]:
    """Every key and value in the Redis database, whatever its type."""
    found = []
    for key in store.scan_iter():
        found.append(key)
        kind = store.type(key)
        if kind == b"string":
            found.append(store.get(key) or b"")
        elif kind == b"list":
            found.extend(store.lrange(key, 0, -1))
        elif kind == b"hash":
            for field, value in store.hgetall(key).items():
                found.extend([field, value])
        elif kind == b"set":
            found.extend(store.smembers(key))
        elif kind == b"zset":
            found.extend(member for member, _score in store.zrange(key, 0, -1, withscores=True))
    return found


@pytest.mark.parametrize("target", [WSGI, BROKER, "--app survey jobs-scheduler"])
def test_the_procfile_starts_what_this_test_deploys(target):
    assert target in (PROJECT / "Procfile").read_text()
