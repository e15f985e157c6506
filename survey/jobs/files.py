"""A job's file, written and served a piece at a time (``JobFilePart`` rows of ``PART_BYTES``).

A job that makes a large file (the long export of 20,000 responses is some 70 MB) hands its
bytes to a :class:`FileWriter` as they come; the download reads the pieces one by one. Neither
holds the whole file. A run that stopped half-way leaves pieces but no name: the file does not
exist until :meth:`FileWriter.finish`, and the next run deletes them before it writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from survey.jobs.registry import MAKES_FILES
from survey.jobs.runner import fence
from survey.models import Job, JobFilePart

PART_BYTES = 1024 * 1024


class FileWriter:
    """Stores the bytes written to it as pieces of the job's file."""

    def __init__(self, session: Session, job: Job) -> None:
        self.session, self.job = session, job
        self._buffer = bytearray()
        self._position = 0
        session.execute(delete(JobFilePart).where(JobFilePart.job_id == job.id))

    def write(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) >= PART_BYTES:
            self._store(bytes(self._buffer[:PART_BYTES]))
            del self._buffer[:PART_BYTES]

    def finish(self, name: str, mimetype: str) -> None:
        """Store the rest and name the file, committed: from now on it can be downloaded."""
        if self._buffer or self._position == 0:
            self._store(bytes(self._buffer))
            self._buffer.clear()
        fence(self.session, self.job)  # a run that lost its claim names no file
        self.job.result_name, self.job.result_type = name, mimetype
        self.session.commit()

    def _store(self, data: bytes) -> None:
        self.session.execute(
            insert(JobFilePart).values(job_id=self.job.id, position=self._position, data=data)
        )
        self._position += 1


def keep_file(session: Session, job: Job, name: str, mimetype: str, content: bytes) -> None:
    """Keep ``content``, made whole in memory (a small file), as the job's file."""
    writer = FileWriter(session, job)
    writer.write(content)
    writer.finish(name, mimetype)


def file_size(session: Session, job_id: int) -> int:
    """How many bytes the job's file holds (its ``Content-Length``)."""
    return session.scalar(
        select(func.coalesce(func.sum(func.length(JobFilePart.data)), 0)).where(
            JobFilePart.job_id == job_id
        )
    )


def streamed_file(engine: Engine, job_id: int) -> Iterator[bytes]:
    """The job's file for a response body: read through a session of its own, which the
    generator closes however it ends, so that it needs no request context."""
    with Session(engine) as session:
        yield from file_pieces(session, job_id)


def file_pieces(session: Session, job_id: int) -> Iterator[bytes]:
    """The job's file, one piece at a time, each read when it is asked for in a transaction of
    its own (a slow download holds none open). A file deleted meanwhile ends early: short of
    its ``Content-Length``, which a browser reports as a failed download."""
    position = 0
    while True:
        data = session.scalar(
            select(JobFilePart.data).where(
                JobFilePart.job_id == job_id, JobFilePart.position == position
            )
        )
        session.rollback()
        if data is None:
            return
        yield data
        position += 1


def drop_old_results(session: Session, before: datetime) -> int:
    """Delete the files of jobs that finished before ``before``, committed; how many."""
    dropped = _drop(session, Job.finished_at < before)
    session.commit()
    return dropped


def drop_files(session: Session, organisation_id: int) -> None:
    """Delete the files of an organisation's jobs (reports, exports), in the caller's
    transaction: after an erasure or a held-back step, a file made before must not keep what is
    gone. The jobs stay, and can be run again to make the file anew.

    A file job running meanwhile may have read what is gone: it is queued again, so that its run
    cannot name its file (``FileWriter.finish`` fences) and the scheduler sends it again at its
    next look (``survey.jobs.runner.lost_jobs``), to read the data as it is now.
    """
    _drop(session, Job.organisation_id == organisation_id)
    session.execute(
        update(Job)
        .where(
            Job.organisation_id == organisation_id,
            Job.kind.in_(MAKES_FILES),
            Job.state == "running",
        )
        .values(state="queued", heartbeat_at=None)
        .execution_options(synchronize_session=False)
    )


def _drop(session: Session, *where) -> int:
    """Forget the files of the jobs that match ``where``, their pieces (also those of a run that
    stopped half-way) and their names; how many named files there were."""
    jobs = select(Job.id).where(*where)
    session.execute(delete(JobFilePart).where(JobFilePart.job_id.in_(jobs)))
    named = session.execute(
        update(Job)
        .where(Job.result_name.is_not(None), *where)
        .values(result_name=None, result_type=None)
        .execution_options(synchronize_session=False)
    )
    return named.rowcount
