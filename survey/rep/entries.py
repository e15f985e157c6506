"""Find what a link token opens, treating unknown, used and expired tokens alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from survey.models import Assessment, Invitation, TeamLink, Wave
from survey.tokens import token_hash


@dataclass(frozen=True)
class Entry:
    """An open way into a wave: a personal invitation or a team link."""

    wave: Wave
    assessment: Assessment
    team_id: int
    role: str
    invitation: Invitation | None = None
    team_link: TeamLink | None = None

    @property
    def channel(self) -> str:
        """How answers through this entry are stored: ``personal`` or ``team_link``."""
        return "team_link" if self.team_link is not None else "personal"

    @property
    def full(self) -> bool:
        """Whether this team link has taken as many answers as its capacity allows."""
        return self.team_link is not None and self.team_link.used >= self.team_link.capacity


def open_entry(session: Session, token: str, now: datetime) -> Entry | None:
    """The entry behind ``token`` if it is known, unused, unexpired and its wave is open."""
    digest = token_hash(token)
    invitation = session.scalar(
        select(Invitation)
        .where(Invitation.token_hash == digest)
        .options(
            joinedload(Invitation.wave).joinedload(Wave.assessment),
            joinedload(Invitation.person),
            joinedload(Invitation.draft),
        )
    )
    if invitation is not None:
        if invitation.used or invitation.expires_at <= now:
            return None
        return _if_open(invitation.wave, now, invitation.team_id, invitation.role, invitation, None)
    link = session.scalar(
        select(TeamLink)
        .where(TeamLink.token_hash == digest)
        .options(joinedload(TeamLink.wave).joinedload(Wave.assessment))
    )
    if link is None or link.expires_at <= now:
        return None
    return _if_open(link.wave, now, link.team_id, link.role, None, link)


def _if_open(wave, now, team_id, role, invitation, team_link) -> Entry | None:
    if not wave.is_open(now):
        return None
    return Entry(wave, wave.assessment, team_id, role, invitation, team_link)
