"""Two client organisations with people, invitations and responses, for the data-rights tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.invitations import invite_people
from survey.models import (
    Assessment,
    AuditEvent,
    CooperationLink,
    Invitation,
    LadderRung,
    Organisation,
    Person,
    Response,
    Team,
    User,
    Wave,
)
from survey.models._columns import utcnow
from survey.models.response import pack_values
from survey.tokens import token_hash
from tests.auth.helpers import make_user
from tests.factories import rep_questionnaire


@dataclass
class Clients:
    """Acme Solar (confidential: waves closed 400 and 10 days ago, one open) and Zenith Wind."""

    acme: Organisation
    zenith: Organisation
    teams: dict[str, Team]
    waves: dict[str, Wave]
    users: dict[str, User]


def _assessment(organisation: Organisation, mode: str) -> Assessment:
    questionnaire = rep_questionnaire()
    return Assessment(
        organisation=organisation,
        name=f"{organisation.name} mindset",
        mode=mode,
        rep_questionnaire_key=questionnaire.key,
        rep_questionnaire_version=questionnaire.version,
        rep_questionnaire_sha256=questionnaire.sha256,
    )


def _wave(assessment: Assessment, name: str, opened: int, closed: int) -> Wave:
    """A wave that opened ``opened`` days ago and closes ``closed`` days ago (negative: ahead)."""
    now = utcnow()
    return Wave(
        assessment=assessment,
        name=name,
        opens_at=now - timedelta(days=opened),
        closes_at=now - timedelta(days=closed),
    )


def build_clients(dbs: Session) -> Clients:
    acme, zenith = Organisation(name="Acme Solar"), Organisation(name="Zenith Wind")
    dbs.add_all([acme, zenith])
    dbs.flush()
    teams = {"Global": Team(organisation_id=acme.id, name="Global")}
    teams["France"] = Team(organisation_id=acme.id, name="France", parent=teams["Global"])
    teams["HQ"] = Team(organisation_id=zenith.id, name="HQ")
    dbs.add_all(teams.values())
    confidential = _assessment(acme, "confidential")
    anonymous = _assessment(zenith, "anonymous")
    waves = {
        "old": _wave(confidential, "Old", 420, 400),
        "recent": _wave(confidential, "Recent", 30, 10),
        "open": _wave(confidential, "Open", 1, -10),
        "zenith": _wave(anonymous, "Zenith 1", 1, -10),
    }
    dbs.add_all([confidential, anonymous, *waves.values()])
    dbs.commit()
    users = {
        "admin": make_user(dbs, "admin@survey.example", "admin"),
        "acme": make_user(dbs, "c1@survey.example", "consultant", organisations=[acme]),
        "zenith": make_user(dbs, "c2@survey.example", "consultant", organisations=[zenith]),
        "manager": make_user(dbs, "fr@acme.example", "manager", team=teams["France"]),
    }
    return Clients(acme, zenith, teams, waves, users)


def add_person(dbs: Session, team: Team, email: str, added_days_ago: int = 0) -> Person:
    person = Person(
        organisation_id=team.organisation_id,
        team_id=team.id,
        email=email,
        created_at=utcnow() - timedelta(days=added_days_ago),
    )
    dbs.add(person)
    dbs.commit()
    return person


def invite(dbs: Session, wave: Wave, person: Person) -> str:
    """A personal invitation for ``person``; returns its token."""
    link = invite_people(dbs, wave, [person], utcnow(), 30)[0]
    dbs.commit()
    return link.token


def respond(
    dbs: Session,
    wave: Wave,
    team: Team,
    respondent_key: str | None = None,
    words: str = "because customers matter",
    used_token: str | None = None,
) -> Response:
    """A response with a WHY ladder and a cooperation link; marks ``used_token`` used."""
    questionnaire = rep_questionnaire()
    response = Response(
        wave_id=wave.id,
        team_id=team.id,
        questionnaire_key=questionnaire.key,
        questionnaire_version=questionnaire.version,
        values=pack_values([5] * len(questionnaire.items)),
        respondent_key=respondent_key,
        ladder=[LadderRung(position=1, target="customers", words=words)],
        cooperation=[CooperationLink(other_team_id=team.id, direction="given")],
    )
    dbs.add(response)
    if used_token is not None:
        invitation = dbs.scalar(
            select(Invitation).where(Invitation.token_hash == token_hash(used_token))
        )
        invitation.used = True
    dbs.commit()
    return response


def count(dbs: Session, model, *where) -> int:
    dbs.expire_all()
    return dbs.scalar(select(func.count()).select_from(model).where(*where))


def audit_events(dbs: Session, action: str | None = None) -> list[AuditEvent]:
    dbs.expire_all()
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return list(dbs.scalars(query))
