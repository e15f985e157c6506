"""The demo client: a solar-panel company whose sales teams answer over three waves.

Answers come from the model of the recovery study (:mod:`analysis.simulation`): each rep has a
general mindset g and six dimension latents under it; a rep team's mean g is its country's plus
a team effect, and drifts by the country's step per wave (France and Germany move towards
purpose; Spain does not). Item answers follow a graded-response model, each item's parameters
seeded by its wording, so an item that versions 1 and 2 share behaves alike in both. Waves 1
and 2 ask version 1 of both questionnaires, the open third wave version 2: its climate items
(how a rep is managed) follow the team's management climate, and "does not apply" is chosen
now and then. Managers answer the manager questionnaire: its ``self`` items from their own
mindset, its ``team`` items from the reps they lead, seen a little more purpose-driven.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from analysis.simulation import (
    Mindset,
    grm_item_parameters,
    item_latents,
    management_climate,
    perceived_climate,
    simulate_answers,
    simulate_mindset,
    team_effects,
)
from questionnaires import Item, Questionnaire
from questionnaires.actions import library
from survey.i18n import local_midnight
from survey.invitations import Link, invite_unnamed, team_link
from survey.models import (
    Assessment,
    CooperationLink,
    Invitation,
    LadderRung,
    Organisation,
    Person,
    PlannedAction,
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
# The organisation reads times in Paris; Germany and Spain in their own zones (the same offset
# today, but named as their people expect). Reps answer in their country's language; managers'
# pages follow their browser or their profile.
DEMO_ZONE = "Europe/Paris"
COUNTRY_ZONES = {"Germany": "Europe/Berlin", "Spain": "Europe/Madrid"}
COUNTRY_LANGUAGES = {"France": "fr", "Germany": "de", "Spain": "es"}
# country -> (territories, mean mindset in wave 1, drift per wave)
COUNTRIES = {
    "France": (("Paris", "North", "South-West"), -0.4, 0.45),
    "Germany": (("Bavaria", "Berlin-Brandenburg", "Rhineland"), -0.2, 0.3),
    "Spain": (("Madrid", "Catalonia"), -0.3, 0.0),
}
REPS_PER_TEAM = (6, 11)
WAVE_MONTHS_AGO = (12, 6)
ANSWER_RATES = (0.88, 0.85, 0.4)  # the third wave is open and still filling up
VERSIONS = (1, 1, 2)  # the questionnaires' version each wave asks (reps and managers alike)
MANAGER_MEAN = 0.1  # managers' mean g in wave 1 (SD 1) ...
MANAGER_DRIFT = 0.2  # ... and its drift per wave
MANAGER_OPTIMISM = 0.3  # how much more purpose-driven managers see their reps than they are
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
    asked = [
        (questionnaires[("rep-mindset", version)], questionnaires[("manager-mindset", version)])
        for version in VERSIONS
    ]
    organisation = find_demo(session)
    created = organisation is None
    if created:
        organisation = _build(session, asked, now)
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


def _build(session, questionnaires: list[tuple[Questionnaire, Questionnaire]], now: datetime):
    """The organisation, its three waves (``questionnaires``: the (rep, manager) pair each
    wave asks) and their answers drawn from :mod:`analysis.simulation`."""
    rng = np.random.default_rng(2026)
    organisation = Organisation(name=DEMO_NAME, time_zone=DEMO_ZONE)
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
        countries[country_name].time_zone = COUNTRY_ZONES.get(country_name)
        territories += [(team(name, countries[country_name]), start, drift) for name in names]
    departments = [(product, 0.2, 0.1), (marketing, 0.0, 0.15)]
    session.flush()

    (rep_q, manager_q), *_, (rep_new, manager_new) = questionnaires
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
            opens_at=local_midnight(now - timedelta(days=30 * months), DEMO_ZONE),
            closes_at=local_midnight(now - timedelta(days=30 * months - 21), DEMO_ZONE),
        )
        for number, months in enumerate(WAVE_MONTHS_AGO, start=1)
    ]
    waves.append(
        Wave(
            assessment=assessment,
            name="Wave 3",
            opens_at=local_midnight(now - timedelta(days=7), DEMO_ZONE),
            closes_at=local_midnight(now + timedelta(days=30), DEMO_ZONE),
            rep_questionnaire_version=rep_new.version,
            rep_questionnaire_sha256=rep_new.sha256,
            manager_questionnaire_version=manager_new.version,
            manager_questionnaire_sha256=manager_new.sha256,
        )
    )
    session.add_all(waves)

    rep_teams = territories + departments
    population = _Population.draw(rng, rep_teams, len(rep_q.dimensions))
    reps = []
    for code, (node, _, _) in enumerate(rep_teams):
        slug = node.name.lower().replace(" ", "-")
        size = int((population.team == code).sum())
        country = node.parent.name if node.parent is not None else None
        reps += [
            Person(
                organisation_id=organisation.id,
                team=node,
                role="rep",
                email=f"rep{number:02d}.{slug}@{DEMO_DOMAIN}",
                language=COUNTRY_LANGUAGES.get(country, "en"),
            )
            for number in range(1, size + 1)
        ]
    managed = [sales, *countries.values(), *(node for node, _, _ in territories)]
    managers = []
    for node in managed:
        slug = node.name.lower().replace(" ", "-")
        managers.append(
            Person(
                organisation_id=organisation.id,
                team=node,
                role="manager",
                email=f"manager.{slug}@{DEMO_DOMAIN}",
            )
        )
    session.add_all(reps + managers)
    session.flush()
    # the rep teams in each manager's subtree, whose reps the manager's "team" items are about
    teams_led = [
        [code for code, (node, _, _) in enumerate(rep_teams) if _within(node, leader)]
        for leader in managed
    ]
    leaders = _Population.draw_managers(rng, len(managers), len(manager_q.dimensions))

    other_teams = [node for node, _, _ in rep_teams]
    waves_asked = zip(waves, ANSWER_RATES, questionnaires, strict=True)
    for wave_number, (wave, answer_rate, (rep_form, manager_form)) in enumerate(waves_asked):
        mindset = population.mindset.shifted(population.drift * wave_number)
        answering = np.flatnonzero(rng.random(len(reps)) < answer_rate)
        answers = population.answers(rng, rep_form, mindset, wave_number, answering)
        responses = [
            _response(rng, rep_form, wave, reps[i], row, mindset.g[i], other_teams)
            for i, row in zip(answering, answers, strict=True)
        ]
        leading = leaders.shifted(MANAGER_DRIFT * wave_number)
        answering_managers = np.flatnonzero(rng.random(len(managers)) < answer_rate)
        answers = _manager_answers(
            rng, manager_form, leading, mindset, population.team, teams_led, answering_managers
        )
        responses += [
            _response(rng, manager_form, wave, managers[i], row, leading.g[i], other_teams)
            for i, row in zip(answering_managers, answers, strict=True)
        ]
        session.add_all(responses)
        if wave is waves[-1]:  # the open wave: these people used their invitation already
            who = [reps[i] for i in answering] + [managers[i] for i in answering_managers]
            session.add_all(_used_invitation(wave, person, now) for person in who)
    session.flush()
    all_teams = [sales, product, marketing, *countries.values()]
    all_teams += [node for node, _, _ in territories]
    paths = team_paths(all_teams)
    _add_users(session, organisation, {paths[node.id]: node for node in all_teams})
    session.add_all(_france_plan(countries["France"], waves[-2], now))
    session.flush()
    return organisation


def _france_plan(france: Team, wave: Wave, now: datetime) -> list[PlannedAction]:
    """The plan France's manager made after the last released wave, for the open one: two of
    the practices its dashboard suggests (change and complexity is its lowest dimension)."""
    practices = library()
    chosen = [
        practices.for_pole("change", "contractual")[0],
        practices.for_pole("cooperation", "contractual")[0],
    ]
    return [
        PlannedAction(
            wave=wave,
            team=france,
            slot=slot,
            dimension=practice.dimension,
            practice_id=practice.id,
            text=practice.title,
            owner=owner,
            due_on=(now + timedelta(days=days)).date(),
        )
        for slot, (practice, owner, days) in enumerate(
            zip(
                chosen, ("France's sales manager", "Each territory manager"), (45, 30), strict=True
            ),
            start=1,
        )
    ]


@dataclass(frozen=True)
class _Population:
    """The reps' latent mindset (:mod:`analysis.simulation`): each rep team's mean g is its
    country's wave-1 mean plus a team effect; g drifts by the country's drift per wave."""

    team: np.ndarray  # each rep's team, a code into the rep teams
    team_mean: np.ndarray  # each rep team's mean g in wave 1
    team_drift: np.ndarray  # and its drift per wave
    mindset: Mindset  # in wave 1
    drift: np.ndarray  # each rep's drift per wave

    @classmethod
    def draw(cls, rng, rep_teams, n_dimensions: int) -> _Population:
        start = np.array([start for _, start, _ in rep_teams])
        drift = np.array([drift for _, _, drift in rep_teams])
        sizes = rng.integers(*REPS_PER_TEAM, size=len(rep_teams))
        team = np.repeat(np.arange(len(rep_teams)), sizes)
        team_mean = start + team_effects(rng, len(rep_teams))
        mindset = simulate_mindset(rng, team, team_mean, n_dimensions)
        return cls(team, team_mean, drift, mindset, drift[team])

    @staticmethod
    def draw_managers(rng, count: int, n_dimensions: int) -> Mindset:
        """Managers' own mindset: g around MANAGER_MEAN (one group, no team effect)."""
        return simulate_mindset(rng, np.zeros(count), [MANAGER_MEAN], n_dimensions, team_sd=0.0)

    def answers(self, rng, questionnaire, mindset: Mindset, wave_number: int, who) -> np.ndarray:
        """Answers of the reps ``who`` (indices) to ``questionnaire`` in a wave; its climate
        items (how a rep is managed) measure the team's management climate, which follows the
        team's mean g of that wave (:func:`management_climate`)."""
        climate_items = [item.perspective == "climate" for item in questionnaire.items]
        seen = None
        if any(climate_items):
            climate = management_climate(rng, self.team_mean + self.team_drift * wave_number)
            seen = perceived_climate(rng, climate, self.team[who])
        latent = item_latents(
            mindset.theta[who], questionnaire.item_dimension_index(), seen, climate_items
        )
        return _answers(rng, questionnaire, latent)


def _within(node: Team, leader: Team) -> bool:
    """True when ``node`` is ``leader``'s team or below it."""
    while node is not None:
        if node is leader:
            return True
        node = node.parent
    return False


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


def _manager_answers(rng, questionnaire, leading: Mindset, reps: Mindset, rep_team, teams_led, who):
    """Managers' answers: ``self`` items from their own mindset, ``team`` items from the mean
    latents of the reps they lead (that wave), seen MANAGER_OPTIMISM more purpose-driven."""
    dims = np.asarray(questionnaire.item_dimension_index())
    team_view = np.array(
        [reps.theta[np.isin(rep_team, teams_led[i])].mean(axis=0) for i in who]
    ).reshape(len(who), reps.theta.shape[1])
    about_team = np.array([item.perspective == "team" for item in questionnaire.items])
    latent = np.where(
        about_team, (team_view + MANAGER_OPTIMISM)[:, dims], leading.theta[who][:, dims]
    )
    return _answers(rng, questionnaire, latent)


def _answers(rng, questionnaire: Questionnaire, latent: np.ndarray) -> np.ndarray:
    """GRM answers (NaN: does not apply) with each item's parameters from :func:`_item_rng`."""
    scale = questionnaire.scale
    n_categories = scale.max - scale.min + 1
    drawn = [grm_item_parameters(_item_rng(item), 1, n_categories) for item in questionnaire.items]
    a = np.concatenate([a for a, _ in drawn])
    b = np.concatenate([b for _, b in drawn])
    return simulate_answers(
        rng,
        latent,
        a,
        b,
        scale.min,
        scale.max,
        questionnaire.reversed_mask(),
        [item.not_applicable for item in questionnaire.items],
    )


def _item_rng(item: Item) -> np.random.Generator:
    """A generator seeded by the item's wording and keying, so that an item the versions share
    has the same GRM parameters in both (and the demo the same figures every time)."""
    key = f"{item.dimension}|{item.keyed}|{item.perspective}|{item.text}".encode()
    return np.random.default_rng(int.from_bytes(hashlib.sha256(key).digest()[:8], "little"))


DEMO_WORDS = {
    "pay": ("A good bonus this year", "Paying off the house", "My commission", "Earning well"),
    "team_target": ("Our team making its number", "Not letting my team down", "Team quota"),
    "company_target": ("The company hitting its plan", "Growth for the company", "Market share"),
    "shareholders": ("Shareholder value", "A good share price", "Returns for the owners"),
    "customers": (
        "Customers who trust us",
        "Homes that run on sunshine",
        "Customers saving on their bills",
        "A customer who comes back",
    ),
    "society": (
        "Less CO2 with every roof",
        "A cleaner planet for my kids",
        "Energy people can afford",
        "A better town to live in",
    ),
}
"""What a demo rep writes on a step of the WHY ladder, by the kind of answer it is."""


def _response(rng, questionnaire, wave, person, answers, g: float, other_teams) -> Response:
    """One stored response: the answers (NaN: does not apply, stored as unanswered), and a
    WHY ladder and cooperation links that lean with the person's general mindset ``g``."""
    values = [None if np.isnan(value) else int(value) for value in answers]
    response = Response(
        wave=wave,
        team_id=person.team_id,
        role=person.role,
        questionnaire_key=questionnaire.key,
        questionnaire_version=questionnaire.version,
        values=pack_values(values),
        respondent_key=person.pseudonym,
        # Each answered in their roster language where the version is translated (all are).
        language=person.language if person.language in questionnaire.languages else "en",
    )
    if questionnaire.ladder is not None:
        ladder = questionnaire.ladder
        depth = int(rng.integers(ladder.min_rungs, ladder.max_rungs + 1))
        purpose = [t.key for t in ladder.targets if t.pole == "purpose"]
        contractual = [t.key for t in ladder.targets if t.pole == "contractual"]
        p_purpose = 1 / (1 + np.exp(-1.5 * g))
        for position in range(1, depth + 1):
            pool = purpose if rng.random() < p_purpose * position / depth else contractual
            target = str(rng.choice(pool))
            words = str(rng.choice(DEMO_WORDS.get(target, ("It matters to me",))))
            sorted_by_rep = rng.random() < 0.85  # the others are left to be sorted later
            response.ladder.append(
                LadderRung(position=position, target=target if sorted_by_rep else None, words=words)
            )
    if questionnaire.cooperation is not None:
        helped = rng.random(len(other_teams)) < 0.12 + 0.1 * g
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
