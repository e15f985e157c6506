"""Assessments (one questionnaire per role, one mode) and their waves.

An assessment names the questionnaire reps answer (and, optionally, the one managers answer)
and the version a new wave asks. A wave may ask a newer version of the same questionnaire,
never an older one than the wave before (``survey.campaigns.wave_versions``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db import Base
from survey.models._columns import utcnow
from survey.models.organisation import Organisation

MODES = ("anonymous", "confidential")


class Assessment(Base):
    """What is asked of whom: the exact questionnaire versions (and file hashes) and the mode."""

    __tablename__ = "assessment"
    __table_args__ = (
        CheckConstraint("min_group_size >= 3", name="min_group_size_at_least_3"),
        CheckConstraint("mode IN ('anonymous', 'confidential')", name="known_mode"),
        CheckConstraint("comment_min_group_size >= min_group_size", name="comments_need_a_group"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    mode: Mapped[str] = mapped_column(String(20), default="anonymous")
    min_group_size: Mapped[int] = mapped_column(default=5)
    rep_questionnaire_key: Mapped[str] = mapped_column(String(100))
    rep_questionnaire_version: Mapped[int]
    rep_questionnaire_sha256: Mapped[str] = mapped_column(String(64))
    manager_questionnaire_key: Mapped[str | None] = mapped_column(String(100))
    manager_questionnaire_version: Mapped[int | None]
    manager_questionnaire_sha256: Mapped[str | None] = mapped_column(String(64))
    # Leave responses flagged as careless out of releases (fixed for a wave at its first one).
    careless_left_out: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Reps' own words are shown only for groups pooling at least this many people's words.
    comment_min_group_size: Mapped[int] = mapped_column(default=10, server_default="10")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    waves: Mapped[list[Wave]] = relationship(back_populates="assessment", order_by="Wave.opens_at")

    def instrument(self, role: str) -> tuple[str, int, str]:
        """(key, version, sha256) of the questionnaire a new wave asks a rep or a manager."""
        if role == "manager" and self.manager_questionnaire_key:
            return (
                self.manager_questionnaire_key,
                self.manager_questionnaire_version,
                self.manager_questionnaire_sha256,
            )
        return (
            self.rep_questionnaire_key,
            self.rep_questionnaire_version,
            self.rep_questionnaire_sha256,
        )


class Wave(Base):
    """One round of an assessment, open between two moments (UTC)."""

    __tablename__ = "wave"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    # The version of the assessment's questionnaire this wave asks when a consultant chose a
    # newer one for it; None: the assessment's.
    rep_questionnaire_version: Mapped[int | None]
    rep_questionnaire_sha256: Mapped[str | None] = mapped_column(String(64))
    manager_questionnaire_version: Mapped[int | None]
    manager_questionnaire_sha256: Mapped[str | None] = mapped_column(String(64))
    # What the scheduler does for this wave (``survey.campaigns.scheduler``): mail the roster's
    # invitations when it opens, and remind those who have not answered so many days after.
    invite_on_open: Mapped[bool] = mapped_column(default=False, server_default=false())
    reminder_days: Mapped[list[int]] = mapped_column(JSON, default=list, server_default="[]")

    assessment: Mapped[Assessment] = relationship(back_populates="waves")

    def instrument(self, role: str) -> tuple[str, int, str]:
        """(key, version, sha256) of the questionnaire this wave asks a rep or a manager.

        The key is always the assessment's; the wave's own version (and its file's hash) is a
        version of that questionnaire, cleared whenever the assessment's questionnaire for the
        role changes (``survey.campaigns.setup.apply_settings``). Managers answer the reps'
        questionnaire, at the wave's version for reps, when the assessment has none for them.
        """
        assessment = self.assessment
        key, version, sha256 = assessment.instrument(role)
        if role == "manager" and assessment.manager_questionnaire_key:
            own = (self.manager_questionnaire_version, self.manager_questionnaire_sha256)
        else:
            own = (self.rep_questionnaire_version, self.rep_questionnaire_sha256)
        if own[0] is None or own[1] is None:
            return key, version, sha256
        return key, own[0], own[1]

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at

    def status(self, now: datetime) -> str:
        """``"scheduled"``, ``"open"`` or ``"closed"``."""
        if now < self.opens_at:
            return "scheduled"
        return "open" if now < self.closes_at else "closed"
