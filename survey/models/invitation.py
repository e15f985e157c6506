"""Ways into a wave: personal single-use invitations, reusable team links, and unsent drafts.

Only a SHA-256 hash of each token is stored; the token itself exists only in the link. A draft's
answers are sealed with a key derived from the link's token (``survey.rep.sealing``), so only
whoever holds the link can read them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db import Base
from survey.models._columns import utcnow
from survey.models.assessment import Wave
from survey.models.organisation import Team
from survey.models.people import Person
from survey.models.response import RandomId, new_response_id


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
    # Whether it was answered: no time at all, so that nothing pairs it with a response by when.
    used: Mapped[bool] = mapped_column(default=False, server_default=false())

    wave: Mapped[Wave] = relationship()
    team: Mapped[Team] = relationship()
    person: Mapped[Person | None] = relationship()
    draft: Mapped[Draft | None] = relationship(viewonly=True, uselist=False)


class TeamLink(Base):
    """A reusable, anonymous link for everyone in one team, taking at most ``capacity`` answers.

    ``used`` counts the answers it took; a submission first raises it with
    ``UPDATE ... WHERE used < capacity``, so concurrent submissions never pass the capacity.
    """

    __tablename__ = "team_link"
    __table_args__ = (
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("used <= capacity", name="used_within_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="rep")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    capacity: Mapped[int]
    used: Mapped[int] = mapped_column(default=0)

    wave: Mapped[Wave] = relationship()
    team: Mapped[Team] = relationship()


class Draft(Base):
    """Answers given so far, sealed, kept until submission, then deleted.

    A personal invitation has at most one draft; a team link has one per browser, found through
    the draft's id in the signed session cookie. ``sealed`` is AES-GCM ciphertext under a key
    derived from the link's token (and, for a team link, a secret kept in that browser's
    cookie): the server cannot read it without the link, and a fresh link starts a new draft.
    The id is random and no time is kept, so nothing tells when a draft was written.
    """

    __tablename__ = "draft"

    id: Mapped[int] = mapped_column(
        RandomId, primary_key=True, autoincrement=False, default=new_response_id
    )
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation.id", ondelete="CASCADE"), unique=True
    )
    team_link_id: Mapped[int | None] = mapped_column(
        ForeignKey("team_link.id", ondelete="CASCADE"), index=True
    )
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
