"""Background jobs: work that can take more than a second, run by a worker (``survey.jobs``).

A job is a row before it is a message: the queue (Dramatiq on Redis, or a thread of the app
process) carries only its id. ``key`` is unique, so the same piece of work (one mailing, the
final release of one wave, the reminder of one wave on one day) is asked for once however many
schedulers or requests ask at the same moment. Its parameters hold ids, never a token, an
address or answers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from survey.db import Base
from survey.models._columns import utcnow

JOB_STATES = ("queued", "running", "done", "failed")


class Job(Base):
    """One piece of background work, its progress and how it ended."""

    __tablename__ = "job"
    __table_args__ = (
        CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="known_state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(200), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    # Who asked for it; None for the scheduler.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(10), default="queued")
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None]
    attempts: Mapped[int] = mapped_column(default=0)
    # The process running it, as host:pid (for operators, and to tell a stopped worker).
    worker: Mapped[str | None] = mapped_column(String(100))
    # Why it failed, in words free of addresses and tokens.
    error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    # Moves on with every step of progress: a running job whose heartbeat stopped has lost its
    # worker, and is run again (``survey.jobs.runner``).
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # A file the job made (a report), kept until ``JOB_RESULT_DAYS`` after it finished: its name
    # and type here once it is whole, its bytes in ``JobFilePart`` rows.
    result_name: Mapped[str | None] = mapped_column(String(200))
    result_type: Mapped[str | None] = mapped_column(String(100))


class JobFilePart(Base):
    """A piece of a job's file, up to ``survey.jobs.files.PART_BYTES`` long: a file is written
    and served a piece at a time, so that no process holds a whole large file."""

    __tablename__ = "job_file_part"

    job_id: Mapped[int] = mapped_column(ForeignKey("job.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)
