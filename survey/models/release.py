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
    # {"tree": ..., "published": ..., "cells": ..., "sections": ...}: see survey/releases/; a
    # final release of a confidential assessment adds "paired_with" and "paired_teams"
    # (survey/releases/pairing.py).
    payload: Mapped[dict] = mapped_column(JSON)

    wave: Mapped[Wave] = relationship()


class ReleasedErasure(Base):
    """Where a released response sat, kept when it is erased (a *tombstone*) or unpaired.

    It holds no answers: only where the response sat (team, role), the releases of its wave that
    included it, and the team of the same person's response in each wave it was paired with
    while it was live, so that the auditor still counts it in every group published with it and
    no later release lets anyone work out the erased answers by subtraction. Tombstones are kept
    for every released response, finally released waves included: a finally released wave is
    audited again when the next wave is paired with it (:mod:`survey.releases.pairing`).

    ``previous_partner_team_id`` is the team of the person's response in the wave this wave was
    paired with (the final release's ``paired_with``), recorded only when that pairing had been
    published (the wave's final release of a confidential assessment existed);
    ``next_partner_team_id`` the team of their response in the wave paired with this one,
    recorded only when that wave's final release existed. So a tombstone counts in exactly the
    pairing groups that were published while its response was live.

    A row whose ``last_release`` is :data:`survey.releases.audit.NEVER_ERASED` stands for a
    response that is still there but lost its pseudonym (``survey.erasure``, retention): the
    auditor finds it among the live responses, unpaired, and the row gives back its partners in
    the pairings already published with it. Such a row is written only when it has a partner.
    """

    __tablename__ = "released_erasure"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    role: Mapped[str] = mapped_column(String(20))
    first_release: Mapped[int]  # seq of the first release that included it
    last_release: Mapped[int]  # seq of the last release made before it was erased
    # Team ids as they stood; only the auditor reads them, against the trees releases stored.
    previous_partner_team_id: Mapped[int | None]
    next_partner_team_id: Mapped[int | None]
