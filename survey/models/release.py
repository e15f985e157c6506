"""Released results: immutable snapshots of every aggregate a view of one wave can show.

Managers, consultants, the API, CSVs and reports read releases, never live responses. A wave is
released when it closes (the final release); a consultant may publish interim releases while it
is open, each one checked by the disclosure auditor together with everything released before.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db import Base
from survey.models._columns import utcnow
from survey.models.assessment import Wave


class Release(Base):
    """One release of one wave: its tree, its published groups and every figure views show."""

    __tablename__ = "release"
    __table_args__ = (UniqueConstraint("wave_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id"), index=True)
    seq: Mapped[int]  # 1, 2, ... within the wave
    final: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    k: Mapped[int]
    # {"tree": ..., "published": ..., "cells": ..., "sections": ...}: see survey/releases/.
    payload: Mapped[dict] = mapped_column(JSON)

    wave: Mapped[Wave] = relationship()


class ReleasedErasure(Base):
    """A response erased after an interim release of a wave that is not finally released yet.

    It holds no answers: only where the response sat (team, role) and the releases that
    included it, so that the auditor still counts it in those releases' published groups and
    no later release of the wave lets anyone work out the erased answers by subtraction.
    """

    __tablename__ = "released_erasure"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    role: Mapped[str] = mapped_column(String(20))
    first_release: Mapped[int]  # seq of the first release that included it
    last_release: Mapped[int]  # seq of the last release made before it was erased
