"""Asking for a job once, claiming it, reporting its progress, and ending it.

``submit`` inserts the job under its unique key: of two requests or schedulers asking for the
same work at the same moment, one inserts and the other is told it exists. ``run`` claims the
job with one conditional UPDATE, so that two workers given the same job (a message delivered
twice, a job sent again after its worker died) never run it at once: only a queued job, or a
running one whose heartbeat is older than the lease, can be claimed.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from survey.db import db
from survey.jobs.registry import HANDLERS, JobFailed
from survey.models import Job
from survey.models._columns import utcnow

logger = logging.getLogger(__name__)
UNEXPECTED = "stopped by an unexpected error ({name}); the log has the details"
STOPPED = "stopped before the end ({name}: it ran too long, or its worker was shut down)"
GAVE_UP = "its worker stopped {count} times before the end; run it again once the cause is fixed"
# A job whose worker died this many times is not sent again by itself.
MAX_ATTEMPTS = 5
# The least time between two writes of a job's progress.
STEP_SECONDS = 1.0


def submit(
    session: Session,
    kind: str,
    key: str,
    params: dict,
    organisation_id: int | None = None,
    user_id: int | None = None,
) -> Job | None:
    """Insert and commit a queued job under ``key``; ``None`` when a job has that key already.

    The caller dispatches the job it gets (``survey.jobs.queue.dispatch``). Everything the
    session holds is committed with it, or rolled back with it when the key is taken.
    """
    if kind not in HANDLERS:
        raise ValueError(f"No function does jobs of kind {kind!r}")
    job = Job(
        kind=kind,
        key=key,
        params=params,
        organisation_id=organisation_id,
        user_id=user_id,
        heartbeat_at=utcnow(),
    )
    session.add(job)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return None
    return job


def again(session: Session, job: Job) -> bool:
    """Queue a failed job again (the consultant's retry); False unless it had failed. Its
    attempts keep counting (they fence its runs), so past ``MAX_ATTEMPTS`` a worker's death
    fails it again at once rather than sending it again."""
    done = session.execute(
        update(Job)
        .where(Job.id == job.id, Job.state == "failed")
        .values(state="queued", error=None, finished_at=None, heartbeat_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.commit()
    session.refresh(job)
    return done.rowcount == 1


def claim(session: Session, job_id: int, now: datetime, lease: timedelta) -> Job | None:
    """The job, now running under this caller, or ``None`` when it is not to be run here."""
    claimed = session.execute(
        update(Job)
        .where(
            Job.id == job_id,
            or_(
                Job.state == "queued",
                (Job.state == "running") & (Job.heartbeat_at < now - lease),
            ),
        )
        .values(state="running", attempts=Job.attempts + 1, heartbeat_at=now, worker=worker_name())
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if claimed.rowcount != 1:
        return None
    job = session.get(Job, job_id)
    session.refresh(job)
    if job.started_at is None:
        job.started_at = now
        session.commit()
    return job


def worker_name() -> str:
    """This process, as host:pid (a forked worker has its own)."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


class Step:
    """The :class:`~survey.jobs.registry.Progress` of one claimed job: records how far it got
    and moves its heartbeat on, in its own short transaction; at most once a second, unless
    the total changes or the job reaches it, so that a job may report every step."""

    def __init__(self, session: Session, job: Job) -> None:
        self.session = session
        self.job = job
        self.total: int | None = None
        self.written = 0.0

    def __call__(self, done: int, total: int | None = None) -> None:
        moment = time.monotonic()
        total = self.total if total is None else total
        if total == self.total and done != total and moment - self.written < STEP_SECONDS:
            return
        self.total, self.written = total, moment
        values: dict = {"done": done, "heartbeat_at": utcnow()}
        if total is not None:
            values["total"] = total
        self.session.execute(
            update(Job)
            .where(Job.id == self.job.id, Job.attempts == self.job.attempts, Job.state == "running")
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        self.session.commit()


class Superseded(Exception):
    """This run of a job lost its claim: another run owns the job now."""


def fence(session: Session, job: Job) -> None:
    """Check, inside the caller's transaction, that this run still owns ``job`` (and move its
    heartbeat on); raises :class:`Superseded` otherwise, so that work a job must do once is
    committed by one run only. The claim's attempt number is the fencing token."""
    mine = session.execute(
        update(Job)
        .where(Job.id == job.id, Job.attempts == job.attempts, Job.state == "running")
        .values(heartbeat_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if mine.rowcount != 1:
        raise Superseded


class Heartbeat:
    """Moves a running job's heartbeat on every quarter of the lease from a thread of its own,
    with a connection of its own, for as long as its run goes on: a job alive in a long step
    (a PDF, an import) is never taken for lost, and one whose process died soon is."""

    def __init__(self, app: Flask, job: Job, lease: timedelta) -> None:
        self.engine = app.extensions["database"].engine
        self.job_id, self.attempt = job.id, job.attempts
        self.interval = lease.total_seconds() / 4
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"heartbeat-{job.id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stopped.set()
        self.thread.join()

    def _beat(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                with self.engine.begin() as connection:
                    connection.execute(
                        update(Job)
                        .where(Job.id == self.job_id, Job.attempts == self.attempt)
                        .where(Job.state == "running")
                        .values(heartbeat_at=utcnow())
                    )
            except SQLAlchemyError:  # the next beat tries again; the job's own work goes on
                logger.warning("Job %s: its heartbeat could not be written", self.job_id)


def run(app: Flask, job_id: int) -> str | None:
    """Claim and do one job in its own app context; the state it ended in, or ``None`` when
    it was not claimed (done already, or running elsewhere) or lost its claim on the way."""
    with app.app_context():
        session = db.session
        lease = timedelta(seconds=app.config["JOBS_LEASE_SECONDS"])
        job = claim(session, job_id, utcnow(), lease)
        if job is None:
            return None
        ending = ("done", None)
        try:
            with Heartbeat(app, job, lease):
                HANDLERS[job.kind](session, job, Step(session, job))
        except Superseded:
            session.rollback()
            return None
        except JobFailed as failure:
            ending = ("failed", str(failure))
        except Exception as error:
            app.logger.exception("Job %s (%s) stopped", job_id, job.kind)
            ending = ("failed", UNEXPECTED.format(name=type(error).__name__))
        except BaseException as error:  # Dramatiq's time limit, a shutdown: end it, then go
            _end(session, job, "failed", STOPPED.format(name=type(error).__name__))
            raise
        return _end(session, job, *ending)


def _end(session: Session, job: Job, state: str, error: str | None) -> str | None:
    """End this run's job in ``state``; ``None`` when another run owns it by now."""
    session.rollback()
    ended = session.execute(
        update(Job)
        .where(Job.id == job.id, Job.attempts == job.attempts)
        .values(state=state, error=error[:300] if error else None, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return state if ended.rowcount == 1 else None


def lost_jobs(session: Session, now: datetime, lease: timedelta) -> list[int]:
    """Jobs to send again, whose heartbeat is older than the lease: running ones (their worker
    died) and queued ones (their message was lost, or waits behind a long queue; a second
    message is harmless, as only one claim succeeds). The queued ones' heartbeat moves on, so
    they are sent again once per lease at most. A job whose worker died ``MAX_ATTEMPTS`` times
    fails instead, with a reason, until the consultant runs it again."""
    stale = (Job.state.in_(("queued", "running"))) & (
        (Job.heartbeat_at < now - lease) | Job.heartbeat_at.is_(None)  # queued again: at once
    )
    session.execute(
        update(Job)
        .where(stale, Job.state == "running", Job.attempts >= MAX_ATTEMPTS)
        .values(state="failed", error=GAVE_UP.format(count=MAX_ATTEMPTS), finished_at=now)
        .execution_options(synchronize_session=False)
    )
    ids = list(session.scalars(select(Job.id).where(stale).order_by(Job.id)))
    session.execute(
        update(Job)
        .where(Job.id.in_(ids), Job.state == "queued")
        .values(heartbeat_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return ids
