"""The job runner: one job per key, one claim at a time, leases, failures and retries."""

from __future__ import annotations

import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.jobs import files, runner
from survey.jobs.files import drop_old_results, file_pieces, keep_file
from survey.jobs.registry import JobFailed, job_kind
from survey.models import Job
from survey.models._columns import utcnow

CALLS: list[int] = []


@job_kind("test_count", "Counting, for tests")
def count_to_three(session, job, progress) -> None:
    for step in range(1, 4):
        progress(step, 3)
    CALLS.append(job.id)


@job_kind("test_refuse", "Refusing, for tests")
def refuse(session, job, progress) -> None:
    raise JobFailed("the roster file is gone")


@job_kind("test_crash", "Crashing, for tests")
def crash(session, job, progress) -> None:
    raise KeyError("secret@acme.example")


# What happens while a test file job runs, between its first piece and its end.
DURING: list = []


@job_kind("test_file", "Making a file, for tests", makes_file=True)
def make_file(session, job, progress) -> None:
    writer = files.FileWriter(session, job)
    writer.write(b"rows read")
    progress(1, 2)
    for happen in DURING:
        happen()
    writer.finish("f.csv", "text/csv")


@pytest.fixture(autouse=True)
def no_calls():
    CALLS.clear()
    DURING.clear()
    yield
    CALLS.clear()
    DURING.clear()


def test_a_key_is_asked_for_once(dbs):
    first = runner.submit(dbs, "test_count", "count:1", {"n": 1})
    assert first is not None and first.state == "queued"
    assert runner.submit(dbs, "test_count", "count:1", {"n": 2}) is None
    assert len(dbs.scalars(select(Job)).all()) == 1


def test_an_unknown_kind_is_refused(dbs):
    with pytest.raises(ValueError, match="No function"):
        runner.submit(dbs, "no_such_kind", "x", {})


def test_a_job_runs_once_and_reports_its_progress(app, dbs):
    job = runner.submit(dbs, "test_count", "count:2", {})
    assert runner.run(app, job.id) == "done"
    assert runner.run(app, job.id) is None  # a second message for the same job does nothing
    dbs.refresh(job)
    assert (job.state, job.done, job.total, job.attempts) == ("done", 3, 3, 1)
    assert job.worker and job.started_at and job.finished_at
    assert [job.id] == CALLS


def test_two_claims_at_once_give_the_job_to_one(app, dbs):
    job_id = runner.submit(dbs, "test_count", "count:3", {}).id
    results = []
    barrier = threading.Barrier(4)

    def claim() -> None:
        barrier.wait()
        results.append(runner.run(app, job_id))

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (results.count("done"), results.count(None)) == (1, 3)
    assert [job_id] == CALLS


def test_a_running_job_is_claimed_again_only_once_its_lease_ran_out(app, dbs):
    job = runner.submit(dbs, "test_count", "count:4", {})
    lease = timedelta(seconds=app.config["JOBS_LEASE_SECONDS"])
    now = utcnow()
    assert runner.claim(dbs, job.id, now, lease) is not None  # a worker took it, then died
    assert runner.claim(dbs, job.id, now + lease / 2, lease) is None
    assert runner.lost_jobs(dbs, now + lease / 2, lease) == []
    later = now + lease + timedelta(seconds=1)
    assert runner.lost_jobs(dbs, later, lease) == [job.id]
    again = runner.claim(dbs, job.id, later, lease)
    assert again is not None and again.attempts == 2


def test_a_queued_job_whose_message_was_lost_is_sent_again_once_per_lease(app, dbs):
    job = runner.submit(dbs, "test_count", "count:5", {})
    lease = timedelta(seconds=60)
    later = utcnow() + timedelta(seconds=61)
    assert runner.lost_jobs(dbs, later, lease) == [job.id]
    assert runner.lost_jobs(dbs, later + timedelta(seconds=30), lease) == []
    assert runner.lost_jobs(dbs, later + timedelta(seconds=61), lease) == [job.id]


def test_a_refused_job_says_why_and_runs_again_when_asked(app, dbs):
    job = runner.submit(dbs, "test_refuse", "refuse:1", {})
    assert runner.run(app, job.id) == "failed"
    dbs.refresh(job)
    assert job.error == "the roster file is gone"
    assert runner.again(dbs, job)
    assert job.state == "queued" and job.error is None
    assert not runner.again(dbs, job)  # only a failed job is queued again


def test_an_unexpected_error_names_its_type_only(app, dbs, caplog):
    job = runner.submit(dbs, "test_crash", "crash:1", {})
    assert runner.run(app, job.id) == "failed"
    dbs.refresh(job)
    assert job.error == runner.UNEXPECTED.format(name="KeyError")
    assert "secret@acme.example" not in job.error


def test_old_files_are_dropped(app, dbs):
    job = runner.submit(dbs, "test_count", "count:6", {})
    runner.run(app, job.id)
    dbs.refresh(job)
    job.state = "running"  # files are kept by a running job, which the writer checks
    keep_file(dbs, job, "a.pdf", "application/pdf", b"%PDF")
    assert drop_old_results(dbs, job.finished_at - timedelta(seconds=1)) == 0
    assert b"".join(file_pieces(dbs, job.id)) == b"%PDF"
    assert drop_old_results(dbs, job.finished_at + timedelta(days=1)) == 1
    dbs.refresh(job)
    assert job.result_name is None and list(file_pieces(dbs, job.id)) == []


def test_a_file_is_written_and_read_in_pieces(app, dbs, monkeypatch):
    """No piece is longer than PART_BYTES; a run that stopped half-way left pieces, which the
    next run's writer deletes before it writes."""
    monkeypatch.setattr(files, "PART_BYTES", 10)
    job = runner.submit(dbs, "test_count", "count:7", {})
    runner.run(app, job.id)
    dbs.refresh(job)
    job.state = "running"  # files are kept by a running job, which the writer checks
    stopped = files.FileWriter(dbs, job)
    stopped.write(b"x" * 35)  # three pieces stored, no name: there is no file yet
    dbs.commit()
    assert job.result_name is None and len(list(file_pieces(dbs, job.id))) == 3
    writer = files.FileWriter(dbs, job)
    for chunk in (b"0123456", b"789abcdefghij", b"k"):
        writer.write(chunk)
    writer.finish("b.csv", "text/csv")
    pieces = list(file_pieces(dbs, job.id))
    assert pieces == [b"0123456789", b"abcdefghij", b"k"] and job.result_name == "b.csv"


def test_a_run_that_lost_its_claim_can_neither_fence_nor_end_the_job(app, dbs):
    """The claim's attempt number fences a run: once another run claimed the job (this one's
    process froze past the lease), this one cannot commit work a job does once, nor end it."""
    job = runner.submit(dbs, "test_count", "fence:1", {})
    lease = timedelta(seconds=app.config["JOBS_LEASE_SECONDS"])
    claimed = runner.claim(dbs, job.id, utcnow() - 2 * lease, lease)
    frozen = SimpleNamespace(id=job.id, attempts=claimed.attempts)  # that run's view of it
    runner.fence(dbs, frozen)  # still its own
    dbs.commit()
    later = utcnow() + 2 * lease
    assert runner.claim(dbs, job.id, later, lease) is not None  # another worker took it
    with pytest.raises(runner.Superseded):
        runner.fence(dbs, frozen)
    dbs.rollback()
    assert runner._end(dbs, frozen, "done", None) is None
    dbs.refresh(job)
    assert job.state == "running" and job.attempts == frozen.attempts + 1


def test_a_run_that_lost_its_claim_names_no_file(app, dbs):
    job = runner.submit(dbs, "test_count", "count:8", {})
    runner.run(app, job.id)
    dbs.refresh(job)
    with pytest.raises(runner.Superseded):  # done: no run owns it
        keep_file(dbs, job, "late.csv", "text/csv", b"late")
    dbs.rollback()
    dbs.refresh(job)
    assert job.result_name is None


def test_an_erasure_during_a_file_job_sends_it_round_again(app, dbs, reference_org):
    """The job read rows an erasure then deleted: it names no file, and runs again."""
    organisation_id = reference_org.organisation.id
    job = runner.submit(dbs, "test_file", "file:1", {}, organisation_id=organisation_id)
    mailing = runner.submit(dbs, "test_count", "file:2", {}, organisation_id=organisation_id)
    mailing.state = "running"  # not a file job: left alone
    dbs.commit()

    def erase() -> None:
        with Session(app.extensions["database"].engine) as other:
            files.drop_files(other, organisation_id)
            other.commit()

    DURING.append(erase)
    assert runner.run(app, job.id) is None  # lost its claim: no file, no end
    dbs.expire_all()
    assert job.state == "queued" and job.result_name is None and mailing.state == "running"
    lease = timedelta(seconds=app.config["JOBS_LEASE_SECONDS"])
    assert job.id in runner.lost_jobs(dbs, utcnow(), lease)  # sent again at the next look
    DURING.clear()
    assert runner.run(app, job.id) == "done"
    dbs.expire_all()
    assert job.result_name == "f.csv" and b"".join(file_pieces(dbs, job.id)) == b"rows read"
