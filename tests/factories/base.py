"""One row at a time: ``gen_*`` functions that put an organisation's pieces into the database.

Each takes the test's session first and commits what it makes, so that a request or a CLI run
(on a connection of its own) sees it at once. The reference organisation
(:mod:`tests.factories.reference`) is made of these, and tests add to it with them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from functools import cache
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from questionnaires import Questionnaire, load_directory
from survey.invitations import invite_people, invite_unnamed, team_link
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
from survey.models._columns import utcnow
from survey.models.response import pack_values
from survey.tokens import token_hash
from tests.auth.helpers import PASSWORD

# A team tree: each name maps to the tree of its sub-teams ({} for none).
Tree = dict[str, "Tree"]


@cache
def rep_questionnaire() -> Questionnaire:
    """The installed rep questionnaire (rep-mindset, version 1), read once per test run."""
    return load_directory()[("rep-mindset", 1)]


@cache
def manager_questionnaire() -> Questionnaire:
    """The installed manager questionnaire (manager-mindset, version 1), read once per test run."""
    return load_directory()[("manager-mindset", 1)]


def full_answers(questionnaire: Questionnaire, value: int = 6) -> dict[str, int]:
    return {item.id: value for item in questionnaire.items}


@cache
def password_hash(password: str) -> str:
    """One real (scrypt) hash per password, shared by the test users, as hashing takes ~0.2 s."""
    return generate_password_hash(password)


def gen_organisation(dbs: Session, name: str = "Acme Solar") -> Organisation:
    organisation = Organisation(name=name)
    dbs.add(organisation)
    dbs.commit()
    return organisation


def gen_team(
    dbs: Session,
    organisation: Organisation,
    name: str,
    parent: Team | None = None,
    department: str = "sales",
) -> Team:
    team = Team(organisation_id=organisation.id, name=name, parent=parent, department=department)
    dbs.add(team)
    dbs.commit()
    return team


def gen_team_tree(
    dbs: Session,
    organisation: Organisation,
    tree: Tree,
    department: str = "sales",
    parent: Team | None = None,
) -> dict[str, Team]:
    """The teams of ``tree`` (under ``parent``), by name: ``{"Global": {"France": {}}}``."""
    teams: dict[str, Team] = {}
    for name, children in tree.items():
        teams[name] = gen_team(dbs, organisation, name, parent, department)
        teams.update(gen_team_tree(dbs, organisation, children, department, teams[name]))
    return teams


def gen_user(
    dbs: Session,
    email: str,
    role: str,
    team: Team | None = None,
    organisations: Iterable[Organisation] = (),
    password: str = PASSWORD,
) -> User:
    """A user; a manager leads ``team``, a consultant is assigned ``organisations``."""
    user = User(email=email.lower(), role=role, team=team, password_hash=password_hash(password))
    user.organisations.extend(organisations)
    dbs.add(user)
    dbs.commit()
    return user


def gen_assessment(
    dbs: Session,
    organisation: Organisation,
    mode: str = "anonymous",
    name: str = "Mindset",
    *,
    min_group_size: int | None = None,
    managers: bool = False,
    comment_min_group_size: int | None = None,
) -> Assessment:
    """An assessment of the rep questionnaire (and the manager one if ``managers``), with no wave
    yet; ``min_group_size`` None keeps the app's default k, ``comment_min_group_size`` None the
    app's default threshold for people's own words."""
    questionnaire = rep_questionnaire()
    assessment = Assessment(
        organisation_id=organisation.id,
        name=name,
        mode=mode,
        rep_questionnaire_key=questionnaire.key,
        rep_questionnaire_version=questionnaire.version,
        rep_questionnaire_sha256=questionnaire.sha256,
    )
    if min_group_size is not None:
        assessment.min_group_size = min_group_size
    if comment_min_group_size is not None:
        assessment.comment_min_group_size = comment_min_group_size
    if managers:
        manager = manager_questionnaire()
        assessment.manager_questionnaire_key = manager.key
        assessment.manager_questionnaire_version = manager.version
        assessment.manager_questionnaire_sha256 = manager.sha256
    dbs.add(assessment)
    dbs.commit()
    return assessment


def gen_wave(
    dbs: Session,
    assessment: Assessment,
    opens_in: timedelta = -timedelta(days=1),
    lasts: timedelta = timedelta(days=14),
    name: str = "Wave 1",
) -> Wave:
    """A wave opening ``opens_in`` from now (negative: already open) and lasting ``lasts``."""
    opens_at = utcnow() + opens_in
    wave = Wave(assessment=assessment, name=name, opens_at=opens_at, closes_at=opens_at + lasts)
    dbs.add(wave)
    dbs.commit()
    return wave


def new_response(
    wave: Wave,
    team: Team,
    keyed_value: int = 5,
    *,
    values: Sequence[int] | None = None,
    respondent_key: str | None = None,
    ladder_target: str | None = "customers",
    words: str | None = None,
    steps: Sequence[tuple[str | None, str | None]] | None = None,
    cooperation: bool = False,
    role: str = "rep",
    channel: str = "personal",
    questionnaire: Questionnaire | None = None,
) -> Response:
    """A response, not yet added: every statement answered ``keyed_value`` after reverse keying.

    ``values`` gives the raw answers instead; ``ladder_target=None`` leaves the WHY ladder out;
    ``steps`` gives the whole ladder instead, one ``(words, target)`` per step from position 1
    (a target of None: not sorted yet); ``cooperation`` adds a link to the own team;
    ``questionnaire`` defaults to the rep's.
    """
    questionnaire = questionnaire or rep_questionnaire()
    if values is None:
        values = [8 - keyed_value if item.reversed else keyed_value for item in questionnaire.items]
    return Response(
        wave_id=wave.id,
        team_id=team.id,
        questionnaire_key=questionnaire.key,
        questionnaire_version=questionnaire.version,
        values=pack_values(list(values)),
        respondent_key=respondent_key,
        role=role,
        channel=channel,
        ladder=_ladder(ladder_target, words, steps),
        cooperation=[CooperationLink(other_team_id=team.id, direction="given")]
        if cooperation
        else [],
    )


def _ladder(
    target: str | None, words: str | None, steps: Sequence[tuple[str | None, str | None]] | None
) -> list[LadderRung]:
    if steps is not None:
        return [
            LadderRung(position=position, target=step_target, words=step_words)
            for position, (step_words, step_target) in enumerate(steps, start=1)
        ]
    return [] if target is None else [LadderRung(position=1, target=target, words=words)]


def gen_response(
    dbs: Session,
    wave: Wave,
    team: Team,
    keyed_value: int = 5,
    *,
    used_token: str | None = None,
    **fields: Any,
) -> Response:
    """One response, made by :func:`new_response` with its keywords ``fields``; ``used_token``:
    the invitation it came through, marked used."""
    response = new_response(wave, team, keyed_value, **fields)
    dbs.add(response)
    if used_token is not None:
        invitation = dbs.scalar(
            select(Invitation).where(Invitation.token_hash == token_hash(used_token))
        )
        invitation.used = True
    dbs.commit()
    return response


def gen_responses(dbs: Session, wave: Wave, team: Team, n: int, keyed_value: int) -> None:
    """``n`` responses near ``keyed_value``: each person answers one statement (in turn) 4.

    Their WHY ladder names customers above 4 and pay otherwise.
    """
    questionnaire = rep_questionnaire()
    keyed = [8 - keyed_value if item.reversed else keyed_value for item in questionnaire.items]
    target = "customers" if keyed_value > 4 else "pay"
    for person in range(n):
        values = list(keyed)
        values[person % len(values)] = 4  # a little spread inside the team
        dbs.add(new_response(wave, team, values=values, ladder_target=target))
    dbs.commit()


def gen_scaled_responses(
    dbs: Session, waves: Sequence[Wave], team: Team, n: int = 12, seed: int = 7
) -> dict[int, np.ndarray]:
    """``n`` answers per wave, five coherent scales and one (incentives) of noise.

    Each person has a trait whose mean moves by +1 from one wave to the next. Returns the keyed
    answers (responses x items, after reverse keying) by wave id.
    """
    questionnaire = rep_questionnaire()
    rng = np.random.default_rng(seed)
    noise_scale = np.array([item.dimension == "incentives" for item in questionnaire.items])
    keyed = {}
    for shift, wave in enumerate(waves):
        trait = rng.normal(shift, 1.0, size=(n, 1))
        signal = np.where(noise_scale, 0.0, 1.2 * trait)
        spread = np.where(noise_scale, 1.5, 0.6)
        values = np.clip(np.rint(3.5 + signal + rng.normal(0, 1, signal.shape) * spread), 1, 7)
        keyed[wave.id] = values
        for row in values.astype(int):
            raw = [
                8 - v if item.reversed else v
                for v, item in zip(row, questionnaire.items, strict=True)
            ]
            dbs.add(new_response(wave, team, values=[int(v) for v in raw]))
    dbs.commit()
    return keyed


def gen_person(dbs: Session, team: Team, email: str, added_days_ago: int = 0) -> Person:
    """A person on the roster of ``team``'s organisation, added ``added_days_ago`` days ago."""
    person = Person(
        organisation_id=team.organisation_id,
        team_id=team.id,
        email=email,
        created_at=utcnow() - timedelta(days=added_days_ago),
    )
    dbs.add(person)
    dbs.commit()
    return person


def gen_invitation(dbs: Session, wave: Wave, team: Team, role: str = "rep") -> str:
    """A single-use invitation without a name for ``team``; returns its token."""
    link = invite_unnamed(dbs, wave, team.id, 1, role, utcnow(), 30)[0]
    dbs.commit()
    return link.token


def gen_person_invitation(dbs: Session, wave: Wave, person: Person) -> str:
    """A personal invitation for ``person``; returns its token."""
    link = invite_people(dbs, wave, [person], utcnow(), 30)[0]
    dbs.commit()
    return link.token


def gen_team_link(dbs: Session, wave: Wave, team: Team, capacity: int | None = 10) -> str:
    """A team link taking ``capacity`` answers (``None``: as many as the roster has people)."""
    link = team_link(dbs, wave, team.id, "rep", utcnow(), 30, capacity=capacity)
    dbs.commit()
    return link.token
