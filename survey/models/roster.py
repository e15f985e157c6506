"""Roster files between preview and confirmation, kept on the server rather than in the form."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from survey.db import Base
from survey.models._columns import utcnow


def new_upload_id() -> str:
    return secrets.token_urlsafe(24)


class RosterUpload(Base):
    """A parsed roster waiting for its uploader to confirm it; deleted on import or expiry.

    ``rows`` holds ``[line, team path, e-mail, role, language]`` lists. Only the user who
    uploaded it can confirm it, and only while the id is in their session; once confirmed,
    ``job_id`` names the job that imports it (``survey.clients.roster_job``), which reads it
    from here on whichever worker runs it, and deletes it with the import.
    """

    __tablename__ = "roster_upload"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_upload_id)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    rows: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id", ondelete="SET NULL"))
