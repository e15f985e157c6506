"""The reference organisation, Acme Solar, that every test package starts from.

Acme Solar, the client under test::

    Global (sales)
    ├── France
    │   └── Paris
    └── Spain
    Product (department "product", a tree of its own)

- ``assessment``: "Mindset 2026", anonymous, with two closed waves, Spring (200 to 180 days
  ago) and Autumn (20 to 1 days ago). No answers unless :func:`gen_reference_answers` adds
  those of ``REFERENCE_COUNTS``; nobody on the roster unless :func:`gen_roster` adds ``ROSTER``.
- ``rival``: Zenith Wind, another client, with one team (HQ) and an assessment whose wave
  ("Zenith 1") is open now.
- ``users``, one of each role and scope (all with the password ``tests.auth.helpers.PASSWORD``):

  ================== ====================== ======================================
  key                e-mail                 role
  ================== ====================== ======================================
  admin              admin@example.com      admin
  consultant         c@example.com          consultant of Acme Solar
  rival consultant   rival@example.com      consultant of Zenith Wind
  idle consultant    idle@example.com       consultant of no client
  global manager     g@example.com          manager of Global
  france manager     f@example.com          manager of France
  paris manager      p@example.com          manager of Paris
  ================== ====================== ======================================

:func:`make_world` makes only the organisation and its team tree, with an assessment and one
wave for the rep's journey: it adds no user and may be called more than once per test.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from questionnaires import Questionnaire
from survey.models import Assessment, Organisation, Person, Team, User, Wave
from tests.factories.base import (
    Tree,
    gen_assessment,
    gen_invitation,
    gen_organisation,
    gen_person,
    gen_person_invitation,
    gen_responses,
    gen_team,
    gen_team_link,
    gen_team_tree,
    gen_user,
    gen_wave,
    rep_questionnaire,
)

NAME = "Acme Solar"
SALES: Tree = {"Global": {"France": {"Paris": {}}, "Spain": {}}}
PRODUCT: Tree = {"Product": {}}
RIVAL_NAME = "Zenith Wind"

# Answers of gen_reference_answers, in each wave. Global has none of its own, so it counts
# France 6 + Paris 7 + Spain 3 = 16; Spain is under the minimum group size (5) and hides.
REFERENCE_COUNTS = {"France": 6, "Paris": 7, "Spain": 3, "Product": 6}
# Their keyed answer in Spring and Autumn: France and Paris move towards purpose.
REFERENCE_VALUES = (3, 6)

# The roster of gen_roster: team -> e-mails.
ROSTER = {
    "Paris": ["ana@acme.example", "bea@acme.example", "carl@acme.example"],
    "France": ["dan@acme.example"],
    "Spain": ["eva@acme.example", "fer@acme.example"],
}


@dataclass
class ReferenceOrg:
    """Acme Solar and what surrounds it; see the module's documentation."""

    organisation: Organisation
    teams: dict[str, Team]
    assessment: Assessment
    waves: list[Wave]
    users: dict[str, User]
    rival: Organisation
    rival_team: Team
    rival_assessment: Assessment
    rival_wave: Wave


@dataclass
class World:
    """Acme Solar's team tree with one assessment and its wave, for the rep's journey."""

    organisation: Organisation
    teams: dict[str, Team]
    assessment: Assessment
    wave: Wave
    questionnaire: Questionnaire


def gen_reference_teams(dbs: Session, organisation: Organisation) -> dict[str, Team]:
    """Global > France > Paris, Global > Spain (sales) and Product (product), by name."""
    teams = gen_team_tree(dbs, organisation, SALES)
    teams.update(gen_team_tree(dbs, organisation, PRODUCT, department="product"))
    return teams


def gen_reference_org(dbs: Session) -> ReferenceOrg:
    """The reference organisation with its rival and users, no answers and nobody on a roster."""
    organisation = gen_organisation(dbs, NAME)
    teams = gen_reference_teams(dbs, organisation)
    assessment = gen_assessment(dbs, organisation, name="Mindset 2026")
    waves = [
        gen_wave(dbs, assessment, -timedelta(days=200), timedelta(days=20), "Spring"),
        gen_wave(dbs, assessment, -timedelta(days=20), timedelta(days=19), "Autumn"),
    ]
    rival = gen_organisation(dbs, RIVAL_NAME)
    rival_team = gen_team(dbs, rival, "HQ")
    rival_assessment = gen_assessment(dbs, rival, name=f"{RIVAL_NAME} mindset")
    rival_wave = gen_wave(dbs, rival_assessment, -timedelta(days=1), timedelta(days=11), "Zenith 1")
    users = {
        "admin": gen_user(dbs, "admin@example.com", "admin"),
        "consultant": gen_user(dbs, "c@example.com", "consultant", organisations=[organisation]),
        "rival consultant": gen_user(dbs, "rival@example.com", "consultant", organisations=[rival]),
        "idle consultant": gen_user(dbs, "idle@example.com", "consultant"),
        "global manager": gen_user(dbs, "g@example.com", "manager", team=teams["Global"]),
        "france manager": gen_user(dbs, "f@example.com", "manager", team=teams["France"]),
        "paris manager": gen_user(dbs, "p@example.com", "manager", team=teams["Paris"]),
    }
    return ReferenceOrg(
        organisation,
        teams,
        assessment,
        waves,
        users,
        rival,
        rival_team,
        rival_assessment,
        rival_wave,
    )


def gen_reference_answers(dbs: Session, reference: ReferenceOrg) -> ReferenceOrg:
    """``REFERENCE_COUNTS`` answers per team in Spring (keyed 3) and Autumn (keyed 6)."""
    for wave, value in zip(reference.waves, REFERENCE_VALUES, strict=True):
        for team, count in REFERENCE_COUNTS.items():
            gen_responses(dbs, wave, reference.teams[team], count, value)
    return reference


def gen_roster(dbs: Session, reference: ReferenceOrg) -> dict[str, Person]:
    """The people of ``ROSTER`` on Acme Solar's roster, by e-mail."""
    return {
        email: gen_person(dbs, reference.teams[team], email)
        for team, emails in ROSTER.items()
        for email in emails
    }


def make_world(session: Session, mode: str = "anonymous", wave_open: bool = True) -> World:
    """Acme Solar and its teams, an assessment "Mindset" in ``mode`` and its "Wave 1".

    The wave opened a day ago and closes in ten days, or (``wave_open=False``) an hour ago.
    """
    organisation = gen_organisation(session, NAME)
    teams = gen_reference_teams(session, organisation)
    assessment = gen_assessment(session, organisation, mode, "Mindset")
    lasts = timedelta(days=11) if wave_open else timedelta(days=1) - timedelta(hours=1)
    wave = gen_wave(session, assessment, -timedelta(days=1), lasts, "Wave 1")
    return World(organisation, teams, assessment, wave, rep_questionnaire())


def make_invitation(session: Session, world: World, team: str = "France") -> str:
    return gen_invitation(session, world.wave, world.teams[team])


def make_person_invitation(session: Session, world: World, email: str) -> str:
    """A person in France, on the roster now, and their personal invitation."""
    person = gen_person(session, world.teams["France"], email)
    return gen_person_invitation(session, world.wave, person)


def make_team_link(
    session: Session, world: World, team: str = "France", capacity: int | None = 10
) -> str:
    """A team link taking ``capacity`` answers (``None``: as many as the roster has people)."""
    return gen_team_link(session, world.wave, world.teams[team], capacity)
