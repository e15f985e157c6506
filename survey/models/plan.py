"""Action plans: what a team's manager commits to after a released wave, for the next one.

A team has at most :data:`MOST_ACTIONS` actions per wave (``slot`` 1 to 3, unique per team and
wave, so the limit holds under concurrent requests too). Each action names the dimension it
works on, so the next release can show it beside that dimension's change; it comes from the
action library (``practice_id``, its title copied into ``text`` so a later edit of the library
does not rewrite a plan) or is the manager's own words (``practice_id`` empty).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db import Base
from survey.models._columns import utcnow
from survey.models.assessment import Wave
from survey.models.organisation import Team

MOST_ACTIONS = 3
LONGEST_TEXT = 300
LONGEST_OWNER = 120


class PlannedAction(Base):
    """One action of a team's plan after ``wave``'s released results."""

    __tablename__ = "planned_action"
    __table_args__ = (
        UniqueConstraint("team_id", "wave_id", "slot", name="one_action_per_slot"),
        CheckConstraint(f"slot BETWEEN 1 AND {MOST_ACTIONS}", name="at_most_three_actions"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    slot: Mapped[int]
    dimension: Mapped[str] = mapped_column(String(40))
    practice_id: Mapped[str | None] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(String(LONGEST_TEXT))
    owner: Mapped[str] = mapped_column(String(LONGEST_OWNER))
    due_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    wave: Mapped[Wave] = relationship()
    team: Mapped[Team] = relationship()
