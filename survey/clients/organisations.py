"""Client organisations: creating one, and the page of them a consultant or admin sees."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.audit import record
from survey.clients.names import name_problem
from survey.models import Organisation, Person, Team, User
from survey.pagination import Page, paginate
from survey.scope import organisation_ids_in_scope

PER_PAGE = 20


class OrganisationRefused(ValueError):
    """An organisation that cannot be created; the message says why, for the form."""


@dataclass(frozen=True)
class OrganisationSummary:
    organisation: Organisation
    teams: int
    people: int


def create_organisation(session: Session, user: User, name: str) -> Organisation:
    """A new client; a consultant who creates one is assigned to it. Does not commit.

    Raises
    ------
    OrganisationRefused
        When the name is empty, too long, or taken (ignoring case).
    """
    name = name.strip()
    problem = name_problem(name, "An organisation's name")
    if problem:
        raise OrganisationRefused(problem)
    taken = select(Organisation.id).where(func.lower(Organisation.name) == name.lower())
    if session.scalar(taken) is not None:
        raise OrganisationRefused(f"An organisation named {name} exists already.")
    organisation = Organisation(name=name)
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
    )
    return organisation


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


def _counts(session: Session, column, ids: list[int], *conditions) -> dict[int, int]:
    query = select(column, func.count()).where(column.in_(ids), *conditions).group_by(column)
    return dict(session.execute(query).all())
