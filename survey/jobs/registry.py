"""The kinds of job and the function that does each; areas register theirs at import."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from sqlalchemy.orm import Session

from survey.models import Job


class Progress(Protocol):
    """What a job's function is given to report how far it got (``runner.Step``)."""

    def __call__(self, done: int, total: int | None = None) -> None: ...


Handler = Callable[[Session, Job, Progress], None]
HANDLERS: dict[str, Handler] = {}
# What the consultant reads for each kind, and whether its counts may be shown on the jobs
# pages (a mailing's may not: its own page coarsens them where they could tell who answered).
LABELS: dict[str, object] = {}
PRIVATE_COUNTS: set[str] = set()
# The kinds whose files hold answers: an erasure or a held-back step drops their files and
# sends their running jobs round again (``survey.jobs.files.drop_files``).
MAKES_FILES: set[str] = set()


def job_kind(
    name: str, label: object, private_counts: bool = False, makes_file: bool = False
) -> Callable[[Handler], Handler]:
    """Register the decorated function as the one that does jobs of kind ``name``, shown to
    consultants as ``label`` (a lazy text), with its counts hidden when ``private_counts``;
    ``makes_file`` for a kind whose file holds answers (``survey.jobs.files.drop_files``).

    It is called with a session, the claimed job and a :class:`Progress`; it commits its own
    work as it goes, must be safe to run again after it stopped half-way (a worker died), and
    raises :class:`JobFailed` with words for the consultant when it cannot go on.
    """

    def register(handler: Handler) -> Handler:
        if name in HANDLERS and HANDLERS[name] is not handler:
            raise ValueError(f"Two functions for jobs of kind {name!r}")
        HANDLERS[name] = handler
        LABELS[name] = label
        if private_counts:
            PRIVATE_COUNTS.add(name)
        if makes_file:
            MAKES_FILES.add(name)
        return handler

    return register


class JobFailed(Exception):
    """A job that cannot go on, with the reason shown to the consultant (no addresses)."""
