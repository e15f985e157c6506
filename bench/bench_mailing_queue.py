"""Benchmark of 10,000 invitations mailed through the job queue by 2 workers (issue 16).

Run from the repository root (about two minutes; PostgreSQL on 127.0.0.1:5432, Redis on
127.0.0.1:6379)::

    .venv/bin/python bench/bench_mailing_queue.py [--people 10000] [--kill-after 3000]

A database ``bench_mailing`` is created on the local PostgreSQL (and dropped at the end) and
brought to the newest schema by the migrations; Redis database 14 is emptied before and after.
One organisation with ``--people`` people on its roster and an open wave. A real SMTP server
(aiosmtpd) in a thread of this process accepts every mail and notes its recipient. Two Dramatiq
workers (``dramatiq survey.jobs.worker:setup --processes 1 --threads 2``) and the scheduler
(``flask jobs-scheduler``, every second, lease 5 s) run as separate processes, as deployed.

This process makes the invitations and their batch as the invitations page does and hands the
batch to the queue (``submit_mailing``: one job per ``MAIL_JOB_SIZE`` mails), then waits until
the batch is finished. With ``--kill-after N``, the worker running a job is killed with SIGKILL
once N mails have arrived; the scheduler sends its job again when its lease runs out.

Prints the time from the hand-over to the last mail, mails per second, the workers' CPU time,
and the checks: mails received twice (duplicates), people neither mailed nor listed as failed
(lost), and the deliveries by status. Exits non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench._measure import postgres_databases  # noqa: E402
from survey import create_app  # noqa: E402
from survey.campaigns.issuing import invite_roster  # noqa: E402
from survey.campaigns.mailing import start_batch, submit_mailing  # noqa: E402
from survey.jobs.queue import dispatch  # noqa: E402
from survey.models import (  # noqa: E402
    Job,
    MailBatch,
    MailDelivery,
    Organisation,
    Person,
    Team,
    Wave,
)
from survey.models._columns import utcnow  # noqa: E402
from survey.models.people import new_pseudonym  # noqa: E402
from tests.factories import gen_assessment  # noqa: E402

DATABASE = "bench_mailing"
REDIS_URL = "redis://127.0.0.1:6379/14"
BIN = Path(sys.executable).parent
BROKER = "survey.jobs.worker:setup"


class Mailbox:
    """An SMTP handler that notes each recipient."""

    def __init__(self) -> None:
        self.recipients: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.recipients.extend(envelope.rcpt_tos)
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and its children that have ended, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def workers_of(process: subprocess.Popen) -> list[int]:
    """The pids in the process group of ``process`` (the Dramatiq parent and its worker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == process.pid:
                    found.append(int(entry.name))
            except ProcessLookupError:
                continue
    return found


def seed(database_url: str, people: int) -> int:
    """The organisation, its roster and an open wave; the wave's id."""
    app = create_app({"DATABASE_URL": database_url, "REDIS_URL": None})
    with Session(app.extensions["database"].engine) as session:
        organisation = Organisation(name="Bench Solar")
        session.add(organisation)
        session.flush()
        team = Team(organisation_id=organisation.id, name="Global")
        session.add(team)
        session.flush()
        rows = [
            {
                "organisation_id": organisation.id,
                "team_id": team.id,
                "email": f"rep{number:05}@bench.example",
                "role": "rep",
                "pseudonym": new_pseudonym(),
                "created_at": utcnow(),
            }
            for number in range(people)
        ]
        session.execute(insert(Person), rows)
        session.commit()
        assessment = gen_assessment(session, organisation, mode="confidential")
        wave = Wave(
            assessment=assessment,
            name="Bench",
            opens_at=utcnow() - timedelta(hours=1),
            closes_at=utcnow() + timedelta(days=14),
        )
        session.add(wave)
        session.commit()
        wave_id = wave.id
    app.extensions["database"].engine.dispose()
    return wave_id


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--kill-after", type=int, default=0)
    arguments = parser.parse_args()

    databases = ExitStack()
    (database_url,) = databases.enter_context(postgres_databases(DATABASE))
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    environment = {
        **os.environ,
        "SURVEY_DATABASE_URL": database_url,
        "SURVEY_REDIS_URL": REDIS_URL,
        "SURVEY_SECRET_KEY": secrets.token_hex(32),
        "SURVEY_PUBLIC_URL": "https://survey.example",
        "SURVEY_SMTP_HOST": "127.0.0.1",
        "SURVEY_SMTP_PORT": str(smtp.port),
        "SURVEY_SMTP_SENDER": "survey@bench.example",
        "SURVEY_JOBS_LEASE_SECONDS": "5",
        "SURVEY_SCHEDULER_SECONDS": "1",
    }
    processes: list[subprocess.Popen] = []
    failures = []
    try:
        subprocess.run(
            [str(BIN / "flask"), "--app", "survey", "init-db"],
            cwd=ROOT,
            env=environment,
            check=True,
            capture_output=True,
        )
        wave_id = seed(database_url, arguments.people)
        logs = Path(f"/tmp/bench-mailing-{os.getpid()}")
        logs.mkdir(exist_ok=True)
        worker = [str(BIN / "dramatiq"), BROKER, "--processes", "1", "--threads", "2"]
        commands = [worker, worker, [str(BIN / "flask"), "--app", "survey", "jobs-scheduler"]]
        for number, command in enumerate(commands):
            with (logs / f"process{number}.log").open("wb") as log:
                processes.append(
                    subprocess.Popen(
                        command,
                        cwd=ROOT,
                        env=environment,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
        for number in range(2):
            log = logs / f"process{number}.log"
            deadline = time.monotonic() + 120
            while b"ready for action" not in log.read_bytes():
                if time.monotonic() > deadline:
                    raise RuntimeError(f"worker {number} did not start: see {log}")
                time.sleep(0.2)

        app = create_app({"DATABASE_URL": database_url, "REDIS_URL": REDIS_URL})
        with app.app_context(), Session(app.extensions["database"].engine) as session:
            wave = session.get(Wave, wave_id)
            people = list(session.scalars(select(Person).order_by(Person.email)))
            issued = invite_roster(session, wave, people, utcnow(), 30)
            batch = start_batch(session, wave, "invitation", [i.invitation for i in issued])
            batch_id = batch.id
            cpu_before = {p.pid: sum(cpu_seconds(w) for w in workers_of(p)) for p in processes}
            started = time.monotonic()
            jobs = submit_mailing(session, batch)
            for job in jobs:
                dispatch(job.id, app)
        killed = None
        while True:
            with Session(app.extensions["database"].engine) as session:
                finished = session.scalar(
                    select(MailBatch.finished_at).where(MailBatch.id == batch_id)
                )
            if finished is not None:
                break
            if (
                arguments.kill_after
                and killed is None
                and len(mailbox.recipients) >= (arguments.kill_after)
            ):
                with Session(app.extensions["database"].engine) as session:
                    running = session.scalars(
                        select(Job.worker).where(Job.kind == "mail", Job.state == "running")
                    ).first()
                if running:
                    killed = int(running.rpartition(":")[2])
                    os.kill(killed, signal.SIGKILL)
                    print(f"killed worker process {killed} after {len(mailbox.recipients)} mails")
            if time.monotonic() - started > 900:
                failures.append("the batch did not finish within 15 minutes")
                break
            time.sleep(0.05)
        elapsed = time.monotonic() - started
        cpu = [
            round(sum(cpu_seconds(w) for w in workers_of(p)) - cpu_before[p.pid], 1)
            for p in processes[:2]
        ]
        with Session(app.extensions["database"].engine) as session:
            statuses = Counter(
                dict(
                    session.execute(
                        select(MailDelivery.status, func.count())
                        .where(MailDelivery.batch_id == batch_id)
                        .group_by(MailDelivery.status)
                    ).all()
                )
            )
            failed = set(
                session.scalars(
                    select(Person.email)
                    .join(MailDelivery.invitation)
                    .join(Person)
                    .where(MailDelivery.batch_id == batch_id, MailDelivery.status == "failed")
                )
            )
        received = Counter(mailbox.recipients)
        duplicates = sum(1 for count in received.values() if count > 1)
        everyone = {f"rep{number:05}@bench.example" for number in range(arguments.people)}
        lost = everyone - set(received) - failed
        print(
            f"{arguments.people} invitations, {len(jobs)} jobs, 2 workers of 2 threads: "
            f"{elapsed:.1f} s, {len(mailbox.recipients) / elapsed:.0f} mails/s"
        )
        print(f"CPU seconds of each worker since the hand-over (a killed one counts 0): {cpu}")
        print(f"received {len(mailbox.recipients)}, duplicates {duplicates}, lost {len(lost)}")
        print(f"deliveries: {dict(statuses)}; killed: {killed}")
        if duplicates:
            failures.append(f"{duplicates} people got two mails")
        if lost:
            failures.append(f"{len(lost)} people got no mail and are not listed as failed")
        if len(failed) > (1 if killed else 0):
            failures.append(f"{len(failed)} deliveries failed")
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        smtp.stop()
        store.flushdb()
        databases.close()
    for failure in failures:
        print("FAILED:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
