"""Invitation e-mails: one batch per send, one delivery per invitation mailed in it.

A delivery names the invitation, never the address or the link: the address is the person's
on the roster, and the link's token existed only while the mail was being sent.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db import Base
from survey.models._columns import utcnow
from survey.models.assessment import Wave
from survey.models.invitation import Invitation


class MailBatch(Base):
    """One sending of invitation mails over one SMTP connection."""

    __tablename__ = "mail_batch"
    __table_args__ = (
        CheckConstraint("kind IN ('invitation', 'reminder', 'retry')", name="known_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Moves on after every mail, so a batch whose sender stopped (a restart) can be told apart.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    wave: Mapped[Wave] = relationship()
    deliveries: Mapped[list[MailDelivery]] = relationship(
        back_populates="batch", cascade="all, delete-orphan", passive_deletes=True
    )


class MailDelivery(Base):
    """Whether one invitation's mail in one batch was sent, and why not when it failed.

    ``sending`` is committed before the mail goes to the server: a delivery a stopped worker
    left in it may or may not have gone out, so it is never sent again in the same batch.
    """

    __tablename__ = "mail_delivery"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("mail_batch.id", ondelete="CASCADE"), index=True
    )
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitation.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(10), default="pending")
    # Short and free of addresses (survey.mail.failure_reason).
    reason: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[datetime | None]

    batch: Mapped[MailBatch] = relationship(back_populates="deliveries")
    invitation: Mapped[Invitation] = relationship()
