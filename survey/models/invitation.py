"""Ways into a wave: personal single-use invitations, reusable team links, and unsent drafts.

Only a SHA-256 hash of each token is stored; the token itself exists only in the link.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db import Base
from survey.models._columns import utcnow
from survey.models.assessment import Wave
from survey.models.organisation import Team
from survey.models.people import Person


class Invitation(Base):
    """A personal link: answers once, resumes where the person stopped."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String(20), default="rep")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    # Kept to the day, like a response's own date, so the two cannot be matched by the minute.
    used_on: Mapped[date | None]

    wave: Mapped[Wave] = relationship()
    team: Mapped[Team] = relationship()
    person: Mapped[Person | None] = relationship()
    draft: Mapped[Draft | None] = relationship(viewonly=True, uselist=False)


class TeamLink(Base):
    """A reusable, anonymous link for everyone in one team."""

    __tablename__ = "team_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="rep")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    wave: Mapped[Wave] = relationship()
    team: Mapped[Team] = relationship()


class Draft(Base):
    """Answers given so far, kept until submission, then deleted.

    A personal invitation has at most one draft; a team link has one per browser, found through
    the draft's id in the signed session cookie.
    """

    __tablename__ = "draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation.id", ondelete="CASCADE"), unique=True
    )
    team_link_id: Mapped[int | None] = mapped_column(
        ForeignKey("team_link.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
