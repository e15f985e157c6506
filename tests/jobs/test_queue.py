"""Jobs through Dramatiq on a real Redis: a worker takes the message and runs the job; a Redis
that does not answer leaves the job waiting in the database, and the request does not fail."""

from __future__ import annotations

import socket
import time

import dramatiq
import pytest
import redis
from sqlalchemy import select

from survey.jobs import runner
from survey.jobs.queue import dispatch, init_app
from survey.models import Job
from tests.jobs.test_runner import CALLS, no_calls  # noqa: F401  (the test kinds)

REDIS_URL = "redis://127.0.0.1:6379/11"


@pytest.fixture
def queue_app(app):
    """The test app bound to Redis database 11 (emptied) through Dramatiq."""
    store = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
    try:
        store.ping()
    except redis.RedisError:
        pytest.skip("Redis does not answer on 127.0.0.1:6379 (.ci/run starts it)")
    store.flushdb()
    app.config.update(REDIS_URL=REDIS_URL, JOBS_NAMESPACE="survey-test")
    init_app(app)
    yield app
    store.flushdb()


def test_a_worker_takes_the_message_and_runs_the_job(queue_app, dbs):
    job = runner.submit(dbs, "test_count", "queue:1", {})
    with queue_app.app_context():
        dispatch(job.id)
    broker = queue_app.extensions["jobs"].broker
    worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        for _ in range(100):
            if dbs.scalar(select(Job.state).where(Job.id == job.id)) == "done":
                break
            dbs.rollback()
            time.sleep(0.1)
    finally:
        worker.stop()
    dbs.rollback()
    assert dbs.get(Job, job.id).state == "done"
    assert [job.id] == CALLS


def test_the_message_carries_the_job_id_only(queue_app, dbs):
    job = runner.submit(dbs, "test_count", "queue:2", {"batch": 7})
    with queue_app.app_context():
        dispatch(job.id)
    store = redis.Redis.from_url(REDIS_URL)
    (queued,) = [key for key in store.scan_iter() if store.type(key) == b"hash"]
    (message,) = store.hvals(queued)
    assert b'"args":[%d]' % job.id in message.replace(b" ", b"")
    assert b"batch" not in message


def test_without_redis_the_job_waits_and_the_page_does_not_fail(app, dbs):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"  # nobody listens there
    init_app(app)
    job = runner.submit(dbs, "test_count", "queue:3", {})
    with app.app_context():
        dispatch(job.id)
    dbs.refresh(job)
    assert job.state == "queued" and CALLS == []
