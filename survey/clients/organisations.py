"""Client organisations: creating one, the page of them a consultant or admin sees, and the
newest assessments shown on an organisation's page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from survey.access import organisation_ids_in_scope
from survey.audit import record
from survey.clients.names import name_problem
from survey.i18n import valid_zone
from survey.models import Assessment, Organisation, Person, Team, User, Wave
from survey.pagination import Page, paginate

PER_PAGE = 20


class OrganisationRefused(ValueError):
    """An organisation that cannot be created; the message says why, for the form."""


@dataclass(frozen=True)
class OrganisationSummary:
    organisation: Organisation
    teams: int
    people: int


class RecentAssessment(NamedTuple):
    """An assessment on its organisation's page, with each wave and its status at the time."""

    assessment: Assessment
    waves: list[tuple[Wave, str]]


def create_organisation(
    session: Session, user: User, name: str, time_zone: str = "UTC"
) -> Organisation:
    """A new client; a consultant who creates one is assigned to it. Does not commit.

    Raises
    ------
    OrganisationRefused
        When the name is empty, too long, or taken (ignoring case), or the zone is unknown.
    """
    name = name.strip()
    problem = name_problem(name, "organisation")
    if problem:
        raise OrganisationRefused(problem)
    _check_zone(time_zone)
    taken = select(Organisation.id).where(func.lower(Organisation.name) == name.lower())
    if session.scalar(taken) is not None:
        raise OrganisationRefused(_("An organisation named %(name)s exists already.", name=name))
    organisation = Organisation(name=name, time_zone=time_zone)
    session.add(organisation)
    if user.role == "consultant":
        user.organisations.append(organisation)
    session.flush()
    record(
        session,
        "organisation.create",
        organisation_id=organisation.id,
        target=f"organisation {organisation.id}",
        name=name,
        time_zone=time_zone,
    )
    return organisation


def set_time_zone(session: Session, organisation: Organisation, time_zone: str) -> bool:
    """Change the organisation's zone, audited (``organisation.time_zone``); whether it changed.
    Does not commit.

    Raises
    ------
    OrganisationRefused
        When ``time_zone`` is not an IANA zone this machine knows.
    """
    _check_zone(time_zone)
    before = organisation.time_zone
    if before == time_zone:
        return False
    organisation.time_zone = time_zone
    record(
        session,
        "organisation.time_zone",
        organisation_id=organisation.id,
        target=f"organisation {organisation.id}",
        before=before,
        after=time_zone,
    )
    return True


def _check_zone(time_zone: str) -> None:
    if not valid_zone(time_zone):
        raise OrganisationRefused(
            _("%(zone)s is not a time zone we know; choose one from the list.", zone=time_zone)
        )


def organisations_page(session: Session, user: User, number: int, per_page: int = PER_PAGE) -> Page:
    """One page of the organisations in ``user``'s scope, by name, each with its counts."""
    ids = organisation_ids_in_scope(session, user)
    query = (
        select(Organisation)
        .where(Organisation.id.in_(ids))
        .order_by(func.lower(Organisation.name), Organisation.id)
    )
    page = paginate(session, query, number, per_page)
    shown = [organisation.id for organisation in page.items]
    teams = _counts(session, Team.organisation_id, shown, Team.archived_at.is_(None))
    people = _counts(session, Person.organisation_id, shown)
    summaries = [
        OrganisationSummary(
            organisation, teams.get(organisation.id, 0), people.get(organisation.id, 0)
        )
        for organisation in page.items
    ]
    return Page(summaries, page.number, page.pages, page.total)


def recent_assessments(
    session: Session, organisation_id: int, now: datetime, limit: int = 5
) -> list[RecentAssessment]:
    """The organisation's newest assessments with their waves (two queries), for its page."""
    query = (
        select(Assessment)
        .where(Assessment.organisation_id == organisation_id)
        .order_by(Assessment.created_at.desc(), Assessment.id.desc())
        .limit(limit)
        .options(selectinload(Assessment.waves))
    )
    return [
        RecentAssessment(assessment, [(wave, wave.status(now)) for wave in assessment.waves])
        for assessment in session.scalars(query)
    ]


def _counts(session: Session, column, ids: list[int], *conditions) -> dict[int, int]:
    query = select(column, func.count()).where(column.in_(ids), *conditions).group_by(column)
    return dict(session.execute(query).all())
