"""Making personal invitations and team links; the raw tokens exist only in what is returned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from survey.models import Invitation, Person, Team, TeamLink, Wave
from survey.models.organisation import subtree_ids
from survey.tokens import new_token, token_hash


@dataclass(frozen=True)
class Link:
    token: str
    team_id: int
    role: str
    email: str | None = None
    kind: str = "personal"  # "personal" | "team"
    capacity: int | None = None  # a team link's: how many answers it takes


def invitation_counts(session: Session, wave_id: int) -> dict[int, tuple[int, int]]:
    """``{team id: (invited, answered)}`` of the personal invitations of one wave."""
    rows = session.execute(
        select(Invitation.team_id, func.count(), func.count(case((Invitation.used, 1))))
        .where(Invitation.wave_id == wave_id)
        .group_by(Invitation.team_id)
    ).all()
    return {team_id: (invited, answered) for team_id, invited, answered in rows}


def link_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/r/{token}"


def _expiry(wave: Wave, now: datetime, days: int) -> datetime:
    return max(wave.closes_at, now + timedelta(days=days))


def _add_with_token(
    session: Session,
    model: type[Invitation | TeamLink],
    wave: Wave,
    team_id: int,
    role: str,
    now: datetime,
    days: int,
    **columns,
) -> str:
    """Add an invitation or a team link to ``session`` with a new token; returns the raw token.

    Only the token's hash is stored; the link expires when the wave closes, or ``days`` from
    ``now`` if that is later.
    """
    token = new_token()
    session.add(
        model(
            wave_id=wave.id,
            team_id=team_id,
            role=role,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=_expiry(wave, now, days),
            **columns,
        )
    )
    return token


def invite_people(
    session: Session, wave: Wave, people: list[Person], now: datetime, days: int
) -> list[Link]:
    """One single-use invitation per person, with the team and role of their roster entry."""
    links = []
    for person in people:
        token = _add_with_token(
            session, Invitation, wave, person.team_id, person.role, now, days, person_id=person.id
        )
        links.append(Link(token, person.team_id, person.role, person.email))
    return links


def invite_unnamed(
    session: Session, wave: Wave, team_id: int, count: int, role: str, now: datetime, days: int
) -> list[Link]:
    """``count`` single-use invitations for a team, handed out without names."""
    links = []
    for _ in range(count):
        token = _add_with_token(session, Invitation, wave, team_id, role, now, days)
        links.append(Link(token, team_id, role))
    return links


MAX_TEAM_LINK_CAPACITY = 10_000


def roster_capacity(session: Session, team_id: int, role: str) -> int:
    """A team link's default capacity: the people of ``role`` on the roster in ``team_id``'s
    subtree (archived teams below it included, as their people may still answer), at least 1."""
    team = session.get(Team, team_id)
    teams = list(session.scalars(select(Team).where(Team.organisation_id == team.organisation_id)))
    people = session.scalar(
        select(func.count()).where(
            Person.team_id.in_(subtree_ids(teams, team_id)), Person.role == role
        )
    )
    return max(1, people)


def team_link(
    session: Session,
    wave: Wave,
    team_id: int,
    role: str,
    now: datetime,
    days: int,
    capacity: int | None = None,
) -> Link:
    """A reusable anonymous link for everyone in a team, taking at most ``capacity`` answers.

    Without ``capacity``, it takes as many as the roster has people of ``role`` in the team's
    subtree (:func:`roster_capacity`): a link that took more would let one person answer many
    times, and answers with known values could expose a real one.
    """
    if capacity is None:
        capacity = roster_capacity(session, team_id, role)
    if not 1 <= capacity <= MAX_TEAM_LINK_CAPACITY:
        raise ValueError(f"A team link's capacity lies between 1 and {MAX_TEAM_LINK_CAPACITY}.")
    token = _add_with_token(session, TeamLink, wave, team_id, role, now, days, capacity=capacity)
    return Link(token, team_id, role, kind="team", capacity=capacity)
