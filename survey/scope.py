"""Who may see what: a manager sees their team and everything below it, a consultant the
organisations they are assigned to, an admin everything.

Views ask here before they show a team, an assessment or a wave. Something outside the user's
scope gets the same 404 as something that does not exist, so a page never reveals what others
have. Archived teams are out of everyone's scope, and a manager's subtree runs through active
teams only (``teams_of``).
"""

from __future__ import annotations

from flask import abort, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.audit import record
from survey.models import Assessment, Organisation, Team, User, Wave
from survey.models.organisation import subtree_ids, teams_of
from survey.models.people import consultant_organisation

LARGEST_ID = 2**31 - 1  # the largest id an INTEGER column holds on PostgreSQL (SQLite: 2**63 - 1)


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
    query = select(Assessment).where(Assessment.organisation_id.in_(ids))
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


def assessment_in_scope(session: Session, user: User, assessment: Assessment) -> bool:
    return assessment.organisation_id in organisation_ids_in_scope(session, user)


def get_team_or_404(session: Session, user: User, team_id: int) -> Team:
    """The team, when ``user`` may see it; otherwise the same 404 as for a missing team."""
    team = session.get(Team, team_id) if 0 < team_id <= LARGEST_ID else None
    if team is None or not team_in_scope(session, user, team):
        _refuse(session, user, "team", team_id)
    return team


def get_assessment_or_404(session: Session, user: User, assessment_id: int) -> Assessment:
    """The assessment, when ``user`` may see it; otherwise the same 404 as for a missing one."""
    found = session.get(Assessment, assessment_id) if 0 < assessment_id <= LARGEST_ID else None
    if found is None or not assessment_in_scope(session, user, found):
        _refuse(session, user, "assessment", assessment_id)
    return found


def get_wave_or_404(session: Session, user: User, assessment: Assessment, wave_id: int) -> Wave:
    """A wave of ``assessment`` that ``user`` may see; a wave of another assessment is a 404."""
    wave = session.get(Wave, wave_id) if 0 < wave_id <= LARGEST_ID else None
    if (
        wave is None
        or wave.assessment_id != assessment.id
        or not assessment_in_scope(session, user, assessment)
    ):
        _refuse(session, user, "wave", wave_id)
    return wave


def _refuse(session: Session, user: User, kind: str, wanted_id: int) -> None:
    current_app.logger.warning(
        "Refused access: user %s asked for %s %s, missing or outside their scope",
        user.id,
        kind,
        wanted_id,
    )
    session.rollback()
    record(session, "access.refused", target=f"{kind} {wanted_id}")
    session.commit()
    abort(404)
