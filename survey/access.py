"""Who may see what, for every blueprint: the one place that answers "may this user see this
organisation, team, assessment or wave".

Roles: an admin sees everything, a consultant the organisations assigned to them, a manager their
own team and every active team below it. Admins and consultants are the consulting roles
(``CONSULTING_ROLES``); only they reach the consultant pages.

Scope
    ``organisation_ids_in_scope``, ``organisations_in_scope``, ``assessments_in_scope``,
    ``team_ids_in_scope``, ``team_in_scope``, ``assessment_in_scope``, ``scope_root_teams``
    (where a user's view of an organisation starts) and ``audit_scope`` (whose audit events a
    user may read). Archived teams are out of everyone's scope, and a manager's subtree runs
    through active teams only (``teams_of``).

Guard
    ``consultants_only(bp)`` guards every route of a consultant-only blueprint at once: a visitor
    who is not logged in is sent to the login page, anyone else but an admin or a consultant gets
    the refusal below.

Objects a URL names
    ``organisation_or_404``, ``team_or_404``, ``assessment_or_404`` and ``wave_or_404`` return the
    object when the user may see it; ``person_or_404`` and ``batch_or_404`` take a parent that one
    of these returned. ``selection_or_404`` (dashboards and the API), ``chosen_team`` and
    ``chosen_wave`` (query arguments) build on them, with ``default_wave`` as the wave shown when
    none is asked for.

Refusal
    Something outside the user's scope gets the same 404 as something that does not exist, so a
    page never reveals what others have. Every refusal goes through ``survey.audit.refuse``:
    logged, rolled back, audited as ``access.refused`` with the organisation it concerns (when
    that organisation exists), and answered with a 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from survey.audit import refuse
from survey.db import db
from survey.models import Assessment, Job, MailBatch, Organisation, Person, Team, User, Wave
from survey.models._columns import utcnow
from survey.models.organisation import subtree_ids, teams_of
from survey.models.people import consultant_organisation
from survey.params import parse_id

CONSULTING_ROLES = ("admin", "consultant")
LARGEST_ID = 2**31 - 1  # the largest id an INTEGER column holds on PostgreSQL (SQLite: 2**63 - 1)
LONGEST_PATH = 150  # of a refused page's path, in the audit event


# Scope


def organisation_ids_in_scope(session: Session, user: User) -> set[int]:
    """The ids of the organisations ``user`` may see anything of."""
    if user.role == "admin":
        return set(session.scalars(select(Organisation.id)))
    if user.role == "consultant":
        assigned = select(consultant_organisation.c.organisation_id).where(
            consultant_organisation.c.user_id == user.id
        )
        return set(session.scalars(assigned))
    if user.role == "manager":
        team = session.get(Team, user.team_id) if user.team_id is not None else None
        return {team.organisation_id} if team is not None and team.archived_at is None else set()
    raise ValueError(f"Unknown role {user.role!r}; expected admin, consultant or manager.")


def organisations_in_scope(session: Session, user: User) -> list[Organisation]:
    """The organisations ``user`` may see, by name."""
    ids = organisation_ids_in_scope(session, user)
    return list(
        session.scalars(
            select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)
        )
    )


def assessments_in_scope(session: Session, user: User) -> list[Assessment]:
    """The assessments of the organisations in scope, newest first."""
    ids = organisation_ids_in_scope(session, user)
    query = (
        select(Assessment)
        .where(Assessment.organisation_id.in_(ids))
        .options(selectinload(Assessment.organisation))
    )
    return list(session.scalars(query.order_by(Assessment.created_at.desc(), Assessment.id)))


def team_ids_in_scope(session: Session, user: User, organisation_id: int) -> set[int]:
    """The ids of the active teams of one organisation that ``user`` may see (one query).

    For a manager, their own team and every active team below it; for a consultant or an admin,
    every active team of an organisation in scope; otherwise nothing.
    """
    if organisation_id not in organisation_ids_in_scope(session, user):
        return set()
    teams = list(session.scalars(teams_of(organisation_id)))
    if user.role == "manager":
        return subtree_ids(teams, user.team_id)
    return {team.id for team in teams}


def team_in_scope(session: Session, user: User, team: Team) -> bool:
    """Whether ``user`` may see ``team``."""
    return team.id in team_ids_in_scope(session, user, team.organisation_id)


def assessment_in_scope(session: Session, user: User, assessment: Assessment) -> bool:
    """Whether ``user`` may see ``assessment`` (all of it or, for a manager, their teams)."""
    return assessment.organisation_id in organisation_ids_in_scope(session, user)


def scope_root_teams(session: Session, user: User, organisation_id: int) -> list[Team]:
    """Where the user's view of an organisation starts.

    A manager starts at their own team; a consultant or an admin at the organisation's active
    root teams (those without a parent), by name. Empty when the organisation is out of scope.
    """
    if organisation_id not in organisation_ids_in_scope(session, user):
        return []
    if user.role == "manager":
        return [session.get(Team, user.team_id)]
    roots = teams_of(organisation_id).where(Team.parent_id.is_(None)).order_by(Team.name)
    return list(session.scalars(roots))


def audit_scope(session: Session, user: User) -> set[int] | None:
    """The organisations whose audit events ``user`` may read; ``None`` means all (an admin)."""
    if user.role == "admin":
        return None
    return organisation_ids_in_scope(session, user)


# Guard


def is_consulting(user) -> bool:
    """Whether ``user`` is logged in as an admin or a consultant."""
    return user.is_authenticated and user.role in CONSULTING_ROLES


def consultants_only(blueprint: Blueprint) -> None:
    """Guard every route of ``blueprint``: log in first, then admins and consultants only.

    Anyone else (a manager) gets the refusal of a missing page, audited with the organisation
    the URL names when it exists. Routes open to others belong in another blueprint.
    """

    @blueprint.before_request
    def consultants_only_guard():
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if not is_consulting(current_user):
            refuse(
                db.session,
                "consultant page",
                request.path[:LONGEST_PATH],
                organisation_id=_organisation_in_url(db.session),
            )
        return None


def _organisation_in_url(session: Session) -> int | None:
    """The id of the existing organisation the request's URL names, if any."""
    wanted = (request.view_args or {}).get("organisation_id")
    if not isinstance(wanted, int):
        return None
    found = by_id(session, Organisation, wanted)
    return found.id if found is not None else None


# Objects a URL names


def organisation_or_404(session: Session, user: User, organisation_id: int) -> Organisation:
    """The organisation, when ``user`` may see it; otherwise the same 404 as for a missing one."""
    organisation = by_id(session, Organisation, organisation_id)
    if organisation is None or organisation.id not in organisation_ids_in_scope(session, user):
        known = organisation.id if organisation is not None else None
        refuse(session, "organisation", organisation_id, organisation_id=known)
    return organisation


def team_or_404(
    session: Session, user: User, team_id: int, organisation: Organisation | None = None
) -> Team:
    """The team, when ``user`` may see it (and it is one of ``organisation``'s, if given).

    Archived teams, teams outside the scope, another organisation's and missing ones are all
    the same 404.
    """
    team = by_id(session, Team, team_id)
    if (
        team is None
        or (organisation is not None and team.organisation_id != organisation.id)
        or not team_in_scope(session, user, team)
    ):
        refuse(session, "team", team_id, organisation_id=_concerned(organisation, team))
    return team


def assessment_or_404(
    session: Session, user: User, assessment_id: int, organisation: Organisation | None = None
) -> Assessment:
    """The assessment, when ``user`` may see it (and it is ``organisation``'s, if given)."""
    found = by_id(session, Assessment, assessment_id)
    if (
        found is None
        or (organisation is not None and found.organisation_id != organisation.id)
        or not assessment_in_scope(session, user, found)
    ):
        refuse(
            session, "assessment", assessment_id, organisation_id=_concerned(organisation, found)
        )
    return found


def wave_or_404(session: Session, user: User, assessment: Assessment, wave_id: int) -> Wave:
    """A wave of ``assessment`` that ``user`` may see; a wave of another assessment is a 404."""
    wave = by_id(session, Wave, wave_id)
    if (
        wave is None
        or wave.assessment_id != assessment.id
        or not assessment_in_scope(session, user, assessment)
    ):
        refuse(session, "wave", wave_id, organisation_id=assessment.organisation_id)
    return wave


def batch_or_404(session: Session, wave: Wave, batch_id: int) -> MailBatch:
    """A mail batch of ``wave``, a wave ``wave_or_404`` returned."""
    batch = by_id(session, MailBatch, batch_id)
    if batch is None or batch.wave_id != wave.id:
        refuse(session, "mail batch", batch_id, organisation_id=wave.assessment.organisation_id)
    return batch


def job_or_404(session: Session, organisation: Organisation, job_id: int) -> Job:
    """A background job of ``organisation``, one ``organisation_or_404`` returned."""
    job = by_id(session, Job, job_id)
    if job is None or job.organisation_id != organisation.id:
        refuse(session, "job", job_id, organisation_id=organisation.id)
    return job


def person_or_404(session: Session, organisation: Organisation, person_id: int) -> Person:
    """A person on the roster of ``organisation``, one ``organisation_or_404`` returned."""
    person = by_id(session, Person, person_id)
    if person is None or person.organisation_id != organisation.id:
        refuse(session, "person", person_id, organisation_id=organisation.id)
    return person


def selection_or_404(
    session: Session, user: User, assessment_id: int, team_id: int, wave_arg: str | None
) -> tuple[Assessment, Team, Wave]:
    """The assessment, team and wave a dashboard or API request asks for, within the scope.

    The wave is ``chosen_wave``'s; an assessment without a wave, or a ``?wave=`` that is no id,
    is a plain 404.
    """
    assessment = assessment_or_404(session, user, assessment_id)
    team = team_or_404(session, user, team_id, assessment.organisation)
    wave = chosen_wave(session, user, assessment, wave_arg)
    if wave is None:
        abort(404)
    return assessment, team, wave


def chosen_team(
    session: Session, user: User, assessment: Assessment, team_arg: str | None
) -> Team | None:
    """The team asked for by ``?team=``, one of the assessment's organisation; None: all of it."""
    if not team_arg:
        return None
    team_id = parse_id(team_arg)
    if team_id is None:
        abort(404)
    return team_or_404(session, user, team_id, assessment.organisation)


def chosen_wave(
    session: Session, user: User, assessment: Assessment, wave_arg: str | None
) -> Wave | None:
    """The wave asked for by ``?wave=``, else ``default_wave``; None when there is no wave yet."""
    if not wave_arg:
        return default_wave(assessment)
    wave_id = parse_id(wave_arg)
    if wave_id is None:
        abort(404)
    return wave_or_404(session, user, assessment, wave_id)


def default_wave(assessment: Assessment) -> Wave | None:
    """The wave shown when none is asked for: the latest that has opened, else the first."""
    if not assessment.waves:
        return None
    now = utcnow()
    opened = [wave for wave in assessment.waves if wave.opens_at <= now]
    return opened[-1] if opened else assessment.waves[0]


def _concerned(organisation: Organisation | None, found) -> int | None:
    """The organisation a refusal concerns: the one in the URL, else that of what was found."""
    if organisation is not None:
        return organisation.id
    return found.organisation_id if found is not None else None


def by_id(session: Session, model, wanted_id: int):
    """The row of ``model`` with this id; None when missing or beyond any stored id (a larger
    number would overflow PostgreSQL's INTEGER)."""
    return session.get(model, wanted_id) if 0 < wanted_id <= LARGEST_ID else None
