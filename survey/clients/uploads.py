"""Keeping a parsed roster on the server between its preview and its import.

The browser holds only the upload's random id, in the signed session; the rows never travel
through the page, so nobody can change them between what was previewed and what is imported.
They are kept in the database, not on one server's disk or in the session, because the import
runs as a job on whichever worker takes it (``survey.clients.roster_job``). A confirmed upload
is its job's until the job deletes it with the import: a newer upload does not replace it, and
it is kept for ``KEEP_CONFIRMED`` so that a failed import can be run again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_
from sqlalchemy.orm import Session

from survey.clients.roster import RosterRow
from survey.models import Organisation, RosterUpload, User

KEEP_FOR = timedelta(hours=1)
KEEP_CONFIRMED = timedelta(days=7)


def store_upload(
    session: Session,
    organisation: Organisation,
    user: User,
    filename: str,
    rows: list[RosterRow],
    now: datetime,
) -> RosterUpload:
    """Keep ``rows`` for ``user``, replacing their earlier upload for this organisation unless
    it was confirmed.

    Unconfirmed uploads older than ``KEEP_FOR``, and confirmed ones older than
    ``KEEP_CONFIRMED``, are deleted on the way. Does not commit.
    """
    unconfirmed = RosterUpload.job_id.is_(None)
    session.execute(
        delete(RosterUpload).where(
            or_(
                unconfirmed & (RosterUpload.created_at < now - KEEP_FOR),
                RosterUpload.created_at < now - KEEP_CONFIRMED,
                unconfirmed
                & (RosterUpload.user_id == user.id)
                & (RosterUpload.organisation_id == organisation.id),
            )
        )
    )
    upload = RosterUpload(
        organisation_id=organisation.id,
        user_id=user.id,
        filename=filename[:255],
        rows=[[row.line, list(row.path), row.email, row.role, row.language] for row in rows],
        created_at=now,
    )
    session.add(upload)
    session.flush()
    return upload


def find_upload(
    session: Session, upload_id: str | None, organisation: Organisation, user: User, now: datetime
) -> RosterUpload | None:
    """The upload with this id, if ``user`` made it for ``organisation`` within ``KEEP_FOR``
    and has not confirmed it yet."""
    upload = session.get(RosterUpload, upload_id) if upload_id else None
    if (
        upload is None
        or upload.user_id != user.id
        or upload.organisation_id != organisation.id
        or upload.created_at < now - KEEP_FOR
        or upload.job_id is not None
    ):
        return None
    return upload


def upload_rows(upload: RosterUpload) -> list[RosterRow]:
    """The rows kept; an upload kept before rows had a language has none (``None``)."""
    return [
        RosterRow(line, tuple(path), email, role, *rest[:1])
        for line, path, email, role, *rest in upload.rows
    ]
