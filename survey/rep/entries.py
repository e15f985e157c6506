"""Find what a link token opens, treating unknown, used and expired tokens alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session, aliased

from survey.models import Assessment, Draft, Invitation, Organisation, Person, Team, TeamLink, Wave
from survey.tokens import token_hash

# Teams above the entry's own whose zones ``team_zone`` reads in one statement; a deeper tree
# (the usual one is global -> country -> territory) is walked further with ``Team.zone``.
ZONE_LEVELS = 4
_LEVELS = tuple(aliased(Team) for _ in range(ZONE_LEVELS + 1))
_ORGANISATION = aliased(Organisation)


@dataclass(frozen=True)
class Entry:
    """An open way into a wave: a personal invitation or a team link.

    Read with it, in the same statement: a personal invitation's draft, and its person's
    language and pseudonym (the respondent key of confidential mode). The zone the team reads in
    is read only by a page that shows a time (:func:`team_zone`).
    """

    wave: Wave
    assessment: Assessment
    team_id: int
    role: str
    invitation: Invitation | None = None
    team_link: TeamLink | None = None
    draft: Draft | None = None
    roster_language: str | None = None
    pseudonym: str | None = None

    @property
    def channel(self) -> str:
        """How answers through this entry are stored: ``personal`` or ``team_link``."""
        return "team_link" if self.team_link is not None else "personal"

    @property
    def full(self) -> bool:
        """Whether this team link has taken as many answers as its capacity allows."""
        return self.team_link is not None and self.team_link.used >= self.team_link.capacity


def _zone_statement() -> Select:
    """The first zone set on the team ``:team_id`` or on the ``ZONE_LEVELS`` teams above it, the
    id of the team above the last one read (not None only when the tree goes deeper), and the
    organisation's zone."""
    levels, organisation = _LEVELS, _ORGANISATION
    statement = (
        select(
            func.coalesce(*(func.nullif(level.time_zone, "") for level in levels)),
            levels[-1].parent_id,
            organisation.time_zone,
        )
        .select_from(levels[0])
        .join(organisation, organisation.id == levels[0].organisation_id)
        .where(levels[0].id == bindparam("team_id"))
    )
    for below, above in pairwise(levels):
        statement = statement.outerjoin(above, above.id == below.parent_id)
    return statement


# Built once: building a statement of this many joins costs more than running it.
_ZONE = _zone_statement()
_INVITATION = (
    select(Invitation, Wave, Assessment, Draft, Person.language, Person.pseudonym)
    .join(Wave, Wave.id == Invitation.wave_id)
    .join(Assessment, Assessment.id == Wave.assessment_id)
    .outerjoin(Draft, Draft.invitation_id == Invitation.id)
    .outerjoin(Person, Person.id == Invitation.person_id)
    .where(Invitation.token_hash == bindparam("digest"))
)
_TEAM_LINK = (
    select(TeamLink, Wave, Assessment)
    .join(Wave, Wave.id == TeamLink.wave_id)
    .join(Assessment, Assessment.id == Wave.assessment_id)
    .where(TeamLink.token_hash == bindparam("digest"))
)


def open_entry(session: Session, token: str, now: datetime) -> Entry | None:
    """The entry behind ``token`` if it is known, unused, unexpired and its wave is open.

    One statement for a personal invitation (with its wave, assessment, draft and person), a
    second one only when the token is not an invitation's.
    """
    digest = {"digest": token_hash(token)}
    found = session.execute(_INVITATION, digest).first()
    if found is not None:
        invitation, wave, assessment, draft, language, pseudonym = found
        if invitation.used or invitation.expires_at <= now or not wave.is_open(now):
            return None
        return Entry(
            wave,
            assessment,
            invitation.team_id,
            invitation.role,
            invitation=invitation,
            draft=draft,
            roster_language=language,
            pseudonym=pseudonym,
        )
    found = session.execute(_TEAM_LINK, digest).first()
    if found is None:
        return None
    link, wave, assessment = found
    if link.expires_at <= now or not wave.is_open(now):
        return None
    return Entry(wave, assessment, link.team_id, link.role, team_link=link)


def team_zone(session: Session, team_id: int) -> str:
    """The zone the team ``team_id`` reads times in (``Team.zone``), in one statement for a tree
    of up to ``ZONE_LEVELS`` levels above it; a deeper tree is walked further."""
    zone, deeper, organisation_zone = session.execute(_ZONE, {"team_id": team_id}).one()
    if zone:
        return zone
    if deeper is not None:
        above = session.get(Team, deeper)
        if above is not None:
            return above.zone
    return organisation_zone
