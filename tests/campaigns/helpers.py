"""A client organisation with a roster and users, and small helpers for the assessment pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from survey.models import Assessment, Organisation, Person, Team, User, Wave
from survey.models._columns import utcnow
from tests.auth.helpers import make_user
from tests.conftest import csrf_from
from tests.factories import rep_questionnaire

LINK = re.compile(r"https?://\S+/r/[A-Za-z0-9_-]+")

# Global -> France -> Paris, Global -> Spain, and Product; the roster below.
ROSTER = {
    "Paris": ["ana@acme.example", "bea@acme.example", "carl@acme.example"],
    "France": ["dan@acme.example"],
    "Spain": ["eva@acme.example", "fer@acme.example"],
}


@dataclass
class Client:
    organisation: Organisation
    teams: dict[str, Team]
    people: dict[str, Person]
    users: dict[str, User]


def make_client(dbs: Session) -> Client:
    """Acme with its team tree and roster; Other, a second client; and users of every kind."""
    organisation = Organisation(name="Acme Solar")
    other = Organisation(name="Other Corp")
    dbs.add_all([organisation, other])
    dbs.flush()

    def team(name, parent=None, department="sales", owner=organisation):
        node = Team(organisation_id=owner.id, name=name, parent=parent, department=department)
        dbs.add(node)
        return node

    top = team("Global")
    france = team("France", top)
    teams = {
        "Global": top,
        "France": france,
        "Paris": team("Paris", france),
        "Spain": team("Spain", top),
        "Product": team("Product", None, "product"),
        "Other HQ": team("HQ", owner=other),
    }
    dbs.flush()
    people = {}
    for team_name, emails in ROSTER.items():
        for email in emails:
            people[email] = Person(
                organisation_id=organisation.id, team_id=teams[team_name].id, email=email
            )
    dbs.add_all(people.values())
    dbs.commit()
    users = {
        "admin": make_user(dbs, "admin@example.com", "admin"),
        "consultant": make_user(dbs, "c@example.com", "consultant", organisations=[organisation]),
        "stranger": make_user(dbs, "s@example.com", "consultant", organisations=[other]),
        "manager": make_user(dbs, "m@example.com", "manager", team=top),
    }
    return Client(organisation, teams, people, users)


def make_assessment(
    dbs: Session, organisation: Organisation, mode: str = "anonymous", name: str = "Mindset"
) -> Assessment:
    questionnaire = rep_questionnaire()
    assessment = Assessment(
        organisation_id=organisation.id,
        name=name,
        mode=mode,
        rep_questionnaire_key=questionnaire.key,
        rep_questionnaire_version=questionnaire.version,
        rep_questionnaire_sha256=questionnaire.sha256,
    )
    dbs.add(assessment)
    dbs.commit()
    return assessment


def make_wave(
    dbs: Session,
    assessment: Assessment,
    opens_in: timedelta,
    lasts: timedelta = timedelta(days=14),
    name: str = "Wave 1",
) -> Wave:
    """A wave opening ``opens_in`` from now (negative: already open) and lasting ``lasts``."""
    opens_at = utcnow() + opens_in
    wave = Wave(assessment=assessment, name=name, opens_at=opens_at, closes_at=opens_at + lasts)
    dbs.add(wave)
    dbs.commit()
    return wave


def post_form(client: FlaskClient, page_url: str, post_url: str, data: dict):
    """GET ``page_url`` for its CSRF token, then POST ``data`` to ``post_url``."""
    html = client.get(page_url).get_data(as_text=True)
    return client.post(post_url, data={"csrf_token": csrf_from(html), **data})


def local(when: datetime) -> str:
    """A time as a datetime-local field sends it."""
    return when.strftime("%Y-%m-%dT%H:%M")


def links_in(text: str) -> list[str]:
    return LINK.findall(text)


def path_of(link: str) -> str:
    """The part of a link the test client asks for: ``/r/<token>``."""
    return link[link.index("/r/") :]


def mail_links(message) -> list[str]:
    return links_in(message.get_content())
