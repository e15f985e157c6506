"""Making personal invitations and team links; the raw tokens exist only in what is returned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from survey.models import Invitation, Person, TeamLink, Wave
from survey.tokens import new_token, token_hash


@dataclass(frozen=True)
class Link:
    token: str
    team_id: int
    role: str
    email: str | None = None
    kind: str = "personal"  # "personal" | "team"


def link_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/r/{token}"


def _expiry(wave: Wave, now: datetime, days: int) -> datetime:
    return max(wave.closes_at, now + timedelta(days=days))


def invite_people(
    session: Session, wave: Wave, people: list[Person], now: datetime, days: int
) -> list[Link]:
    """One single-use invitation per person, with the team and role of their roster entry."""
    links = []
    for person in people:
        token = new_token()
        session.add(
            Invitation(
                wave_id=wave.id,
                team_id=person.team_id,
                person_id=person.id,
                role=person.role,
                token_hash=token_hash(token),
                expires_at=_expiry(wave, now, days),
            )
        )
        links.append(Link(token, person.team_id, person.role, person.email))
    return links


def invite_unnamed(
    session: Session, wave: Wave, team_id: int, count: int, role: str, now: datetime, days: int
) -> list[Link]:
    """``count`` single-use invitations for a team, handed out without names."""
    links = []
    for _ in range(count):
        token = new_token()
        session.add(
            Invitation(
                wave_id=wave.id,
                team_id=team_id,
                role=role,
                token_hash=token_hash(token),
                expires_at=_expiry(wave, now, days),
            )
        )
        links.append(Link(token, team_id, role))
    return links


def team_link(
    session: Session, wave: Wave, team_id: int, role: str, now: datetime, days: int
) -> Link:
    """A reusable anonymous link for everyone in a team."""
    token = new_token()
    session.add(
        TeamLink(
            wave_id=wave.id,
            team_id=team_id,
            role=role,
            token_hash=token_hash(token),
            expires_at=_expiry(wave, now, days),
        )
    )
    return Link(token, team_id, role, kind="team")
