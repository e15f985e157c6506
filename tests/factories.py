"""Small helpers that put an organisation, a wave and links into the test database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from sqlalchemy.orm import Session

from questionnaires import Questionnaire, load_directory
from survey.invitations import invite_unnamed, team_link
from survey.models import Assessment, Organisation, Person, Team, Wave
from survey.models._columns import utcnow


@dataclass
class World:
    organisation: Organisation
    teams: dict[str, Team]
    assessment: Assessment
    wave: Wave
    questionnaire: Questionnaire


@cache
def rep_questionnaire() -> Questionnaire:
    return load_directory()[("rep-mindset", 1)]


def make_world(session: Session, mode: str = "anonymous", wave_open: bool = True) -> World:
    questionnaire = rep_questionnaire()
    organisation = Organisation(name="Acme Solar")
    session.add(organisation)
    session.flush()
    sales = Team(organisation_id=organisation.id, name="Global")
    france = Team(organisation_id=organisation.id, name="France", parent=sales)
    product = Team(organisation_id=organisation.id, name="Product", department="product")
    session.add_all([sales, france, product])
    assessment = Assessment(
        organisation_id=organisation.id,
        name="Mindset",
        mode=mode,
        rep_questionnaire_key=questionnaire.key,
        rep_questionnaire_version=questionnaire.version,
        rep_questionnaire_sha256=questionnaire.sha256,
    )
    now = utcnow()
    wave = Wave(
        assessment=assessment,
        name="Wave 1",
        opens_at=now - timedelta(days=1),
        closes_at=now + (timedelta(days=10) if wave_open else -timedelta(hours=1)),
    )
    session.add_all([assessment, wave])
    session.commit()
    teams = {"Global": sales, "France": france, "Product": product}
    return World(organisation, teams, assessment, wave, questionnaire)


def make_invitation(session: Session, world: World, team: str = "France") -> str:
    link = invite_unnamed(session, world.wave, world.teams[team].id, 1, "rep", utcnow(), 30)[0]
    session.commit()
    return link.token


def make_person_invitation(session: Session, world: World, email: str) -> str:
    from survey.invitations import invite_people

    person = Person(organisation_id=world.organisation.id, team=world.teams["France"], email=email)
    session.add(person)
    session.flush()
    link = invite_people(session, world.wave, [person], utcnow(), 30)[0]
    session.commit()
    return link.token


def make_team_link(
    session: Session, world: World, team: str = "France", capacity: int | None = 10
) -> str:
    """A team link taking ``capacity`` answers (``None``: as many as the roster has people)."""
    link = team_link(
        session, world.wave, world.teams[team].id, "rep", utcnow(), 30, capacity=capacity
    )
    session.commit()
    return link.token


def full_answers(questionnaire: Questionnaire, value: int = 6) -> dict[str, int]:
    return {item.id: value for item in questionnaire.items}
