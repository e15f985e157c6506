"""The demo client: a solar-panel company whose sales teams answer over three waves.

Past answers come from a latent-trait model: each person has a mindset (a normal latent value,
drifting per team and wave), and each item answer is that value, keyed by the item's pole, plus
item noise, rounded onto the scale. France and Germany move towards purpose; Spain does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from questionnaires import Questionnaire
from survey.invitations import Link, invite_unnamed, team_link
from survey.models import (
    Assessment,
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
from survey.models.organisation import team_paths
from survey.models.response import pack_values
from survey.tokens import new_token, token_hash

DEMO_NAME = "SolarBright Energy"
DEMO_DOMAIN = "solarbright.example"
DEMO_PASSWORD = "solar-demo-2026"  # 15 characters; printed by seed-demo, never for production
# country -> (territories, mean mindset in wave 1, drift per wave)
COUNTRIES = {
    "France": (("Paris", "North", "South-West"), -0.4, 0.45),
    "Germany": (("Bavaria", "Berlin-Brandenburg", "Rhineland"), -0.2, 0.3),
    "Spain": (("Madrid", "Catalonia"), -0.3, 0.0),
}
REPS_PER_TEAM = (6, 11)
WAVE_MONTHS_AGO = (12, 6)
ANSWER_RATES = (0.88, 0.85, 0.4)  # the third wave is open and still filling up
# (e-mail local part, role, team path a manager is scoped to)
DEMO_USERS = (
    ("admin", "admin", None),
    ("consultant", "consultant", None),
    ("global.manager", "manager", "Global Sales"),
    ("france.manager", "manager", "Global Sales/France"),
    ("paris.manager", "manager", "Global Sales/France/Paris"),
)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    role: str
    scope: str


@dataclass(frozen=True)
class Demo:
    organisation: Organisation
    open_wave: Wave
    logins: list[DemoLogin]
    links: list[Link]
    created: bool


def find_demo(session: Session) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.name == DEMO_NAME))


def seed_demo(
    session: Session, questionnaires: dict[tuple[str, int], Questionnaire], now: datetime
) -> Demo:
    """Create the demo organisation unless it exists; either way, make fresh open links."""
    rep_q = questionnaires[("rep-mindset", 1)]
    manager_q = questionnaires[("manager-mindset", 1)]
    organisation = find_demo(session)
    created = organisation is None
    if created:
        organisation = _build(session, rep_q, manager_q, now)
    assessment = session.scalar(
        select(Assessment).where(Assessment.organisation_id == organisation.id)
    )
    open_wave = assessment.waves[-1]
    teams = {team.name: team for team in organisation.teams}
    links = invite_unnamed(session, open_wave, teams["Paris"].id, 3, "rep", now, days=30)
    links += invite_unnamed(session, open_wave, teams["Bavaria"].id, 2, "rep", now, days=30)
    links += invite_unnamed(session, open_wave, teams["France"].id, 1, "manager", now, days=30)
    links.append(team_link(session, open_wave, teams["Paris"].id, "rep", now, days=30))
    session.commit()
    return Demo(organisation, open_wave, _logins(), links, created)


def _logins() -> list[DemoLogin]:
    return [
        DemoLogin(f"{local}@{DEMO_DOMAIN}", DEMO_PASSWORD, role, scope or DEMO_NAME)
        for local, role, scope in DEMO_USERS
    ]


def _build(session, rep_q: Questionnaire, manager_q: Questionnaire, now: datetime):
    rng = np.random.default_rng(2026)
    organisation = Organisation(name=DEMO_NAME)
    session.add(organisation)
    session.flush()

    def team(name, parent=None, department="sales"):
        node = Team(
            organisation_id=organisation.id, name=name, parent=parent, department=department
        )
        session.add(node)
        return node

    sales = team("Global Sales")
    product = team("Product", department="product")
    marketing = team("Marketing", department="marketing")
    territories: list[tuple[Team, float, float]] = []
    countries: dict[str, Team] = {}
    for country_name, (names, start, drift) in COUNTRIES.items():
        countries[country_name] = team(country_name, sales)
        territories += [(team(name, countries[country_name]), start, drift) for name in names]
    departments = [(product, 0.2, 0.1), (marketing, 0.0, 0.15)]
    session.flush()

    assessment = Assessment(
        organisation_id=organisation.id,
        name="Sales mindset 2026",
        mode="confidential",
        min_group_size=5,
        rep_questionnaire_key=rep_q.key,
        rep_questionnaire_version=rep_q.version,
        rep_questionnaire_sha256=rep_q.sha256,
        manager_questionnaire_key=manager_q.key,
        manager_questionnaire_version=manager_q.version,
        manager_questionnaire_sha256=manager_q.sha256,
    )
    session.add(assessment)
    waves = [
        Wave(
            assessment=assessment,
            name=f"Wave {number}",
            opens_at=now - timedelta(days=30 * months),
            closes_at=now - timedelta(days=30 * months - 21),
        )
        for number, months in enumerate(WAVE_MONTHS_AGO, start=1)
    ]
    waves.append(
        Wave(
            assessment=assessment,
            name="Wave 3",
            opens_at=now - timedelta(days=7),
            closes_at=now + timedelta(days=30),
        )
    )
    session.add_all(waves)

    people: list[tuple[Person, float, float, float]] = []
    for node, start, drift in territories + departments:
        size = int(rng.integers(*REPS_PER_TEAM))
        slug = node.name.lower().replace(" ", "-")
        for number in range(1, size + 1):
            person = Person(
                organisation_id=organisation.id,
                team=node,
                role="rep",
                email=f"rep{number:02d}.{slug}@{DEMO_DOMAIN}",
            )
            people.append((person, start + rng.normal(0, 0.7), drift, 0.0))
    for node in [sales, *countries.values(), *(t for t, _, _ in territories)]:
        slug = node.name.lower().replace(" ", "-")
        manager = Person(
            organisation_id=organisation.id,
            team=node,
            role="manager",
            email=f"manager.{slug}@{DEMO_DOMAIN}",
        )
        people.append((manager, rng.normal(0.1, 0.5), 0.2, 0.0))
    session.add_all(person for person, *_ in people)
    session.flush()

    other_teams = [node for node, _, _ in territories + departments]
    for wave_number, (wave, answer_rate) in enumerate(zip(waves, ANSWER_RATES, strict=True)):
        for person, base, drift, _ in people:
            if rng.random() >= answer_rate:
                continue
            questionnaire = manager_q if person.role == "manager" else rep_q
            theta = base + drift * wave_number
            session.add(_synthetic_response(rng, questionnaire, wave, person, theta, other_teams))
            if wave is waves[-1]:  # the open wave: these people used their invitation already
                session.add(_used_invitation(wave, person, now))
    session.flush()
    all_teams = [sales, product, marketing, *countries.values()]
    all_teams += [node for node, _, _ in territories]
    paths = team_paths(all_teams)
    _add_users(session, organisation, {paths[node.id]: node for node in all_teams})
    session.flush()
    return organisation


def _used_invitation(wave: Wave, person: Person, now: datetime) -> Invitation:
    return Invitation(
        wave=wave,
        team_id=person.team_id,
        person_id=person.id,
        role=person.role,
        token_hash=token_hash(new_token()),
        expires_at=wave.closes_at,
        used=True,
    )


def _synthetic_response(rng, questionnaire, wave, person, theta, other_teams) -> Response:
    scale = questionnaire.scale
    middle = (scale.min + scale.max) / 2
    values = []
    for item in questionnaire.items:
        signed = -theta if item.reversed else theta
        raw = middle + 1.3 * signed + rng.normal(0, 0.9)
        values.append(int(np.clip(round(raw), scale.min, scale.max)))
    response = Response(
        wave=wave,
        team_id=person.team_id,
        role=person.role,
        questionnaire_key=questionnaire.key,
        questionnaire_version=questionnaire.version,
        values=pack_values(values),
        respondent_key=person.pseudonym,
    )
    if questionnaire.ladder is not None:
        ladder = questionnaire.ladder
        depth = int(rng.integers(ladder.min_rungs, ladder.max_rungs + 1))
        purpose = [t.key for t in ladder.targets if t.pole == "purpose"]
        contractual = [t.key for t in ladder.targets if t.pole == "contractual"]
        p_purpose = 1 / (1 + np.exp(-1.5 * theta))
        for position in range(1, depth + 1):
            pool = purpose if rng.random() < p_purpose * position / depth else contractual
            response.ladder.append(LadderRung(position=position, target=str(rng.choice(pool))))
    if questionnaire.cooperation is not None:
        helped = rng.random(len(other_teams)) < 0.12 + 0.1 * theta
        for node, flag in zip(other_teams, helped, strict=True):
            if flag and node.id != person.team_id:
                direction = "received" if rng.random() < 0.5 else "given"
                response.cooperation.append(
                    CooperationLink(other_team_id=node.id, direction=direction)
                )
    return response


def _add_users(session, organisation, teams_by_path: dict[str, Team]) -> None:
    password_hash = generate_password_hash(DEMO_PASSWORD)
    for local, role, scope in DEMO_USERS:
        user = User(
            email=f"{local}@{DEMO_DOMAIN}",
            password_hash=password_hash,
            role=role,
            team=teams_by_path[scope] if scope else None,
        )
        if role == "consultant":
            user.organisations.append(organisation)
        session.add(user)
