"""Where a job's message goes: Dramatiq on Redis when ``REDIS_URL`` is set, else this process.

Dramatiq (rather than RQ or Celery): it acknowledges a message only once its actor returns,
so a message whose worker died is delivered again; its workers are threads in a few processes,
which suits jobs that mostly wait on SMTP and the database; and it needs nothing but Redis (or
RabbitMQ), with no scheduler or result store of its own to run. The message carries the job's id
and nothing else: no token, address or answer ever reaches Redis.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import Flask, current_app

from survey.jobs import runner

if TYPE_CHECKING:
    import dramatiq
    from dramatiq.brokers.redis import RedisBroker

QUEUE = "survey_jobs"
# Dramatiq's own time limit of one job, in milliseconds (its default of ten minutes would cut
# a mailing of tens of thousands of invitations).
TIME_LIMIT_MS = 6 * 3600 * 1000
# Seconds to connect to Redis, and to wait for an answer (the workers' fetches answer at once).
BROKER_TIMEOUTS = {"socket_connect_timeout": 1, "socket_timeout": 2}


@dataclass
class Jobs:
    """An app's way to its jobs: the Dramatiq broker and actor, or ``None`` for in-process."""

    broker: RedisBroker | None
    actor: dramatiq.Actor | None


def init_app(app: Flask) -> None:
    """Bind the app to Redis through Dramatiq when ``REDIS_URL`` is set (only then are Dramatiq
    and redis imported: see README 'Workers')."""
    url = app.config.get("REDIS_URL")
    if not url:
        app.extensions["jobs"] = Jobs(None, None)
        return
    import dramatiq
    import redis
    from dramatiq.brokers.redis import RedisBroker

    # Short timeouts: a Redis that does not answer must not hold a request for long.
    client = redis.Redis.from_url(url, **BROKER_TIMEOUTS)
    broker = RedisBroker(client=client, namespace=app.config["JOBS_NAMESPACE"])

    def run_job(job_id: int) -> None:
        runner.run(app, job_id)

    actor = dramatiq.actor(
        run_job,
        broker=broker,
        actor_name="run_job",
        queue_name=QUEUE,
        max_retries=0,  # a job that fails says why and waits for the consultant's retry
        time_limit=TIME_LIMIT_MS,
    )
    app.extensions["jobs"] = Jobs(broker, actor)


def dispatch(job_id: int, app: Flask | None = None) -> bool:
    """Have job ``job_id`` run: a message to the workers, or a thread of this process (or the
    caller's own thread when ``JOBS_IN_BACKGROUND`` is off, as in most tests). False when
    Redis did not take the message: the job waits in the database for the scheduler, and a
    caller with more jobs to send may leave them waiting too."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    jobs: Jobs = app.extensions["jobs"]
    if jobs.actor is not None:
        import dramatiq.errors  # imported here: only with Redis, see README 'Workers'
        import redis

        try:
            jobs.actor.send(job_id)
        except (redis.RedisError, dramatiq.errors.BrokerConnectionError):
            # The job is in the database: the scheduler sends it again once its lease is out.
            app.logger.warning("Job %s waits: Redis does not answer", job_id)
            return False
    elif app.config["JOBS_IN_BACKGROUND"]:
        threading.Thread(target=runner.run, args=(app, job_id), name=f"job-{job_id}").start()
    else:
        runner.run(app, job_id)
    return True


def dispatch_all(job_ids: list[int], app: Flask | None = None) -> None:
    """:func:`dispatch` each job, leaving the rest to the scheduler once Redis failed one."""
    for job_id in job_ids:
        if not dispatch(job_id, app):
            return
