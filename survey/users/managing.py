"""Changes to a user: disable, re-enable, a new role or scope, an organisation taken away.

Each checks its rules, makes the change and records its audit event in one commit. Nobody
disables themselves or takes away their own admin rights, and the last active admin stays one.
What an admin disabled (or the command line, which records nobody) only an admin re-enables.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.accounts.links import close_links
from survey.accounts.sessions import end_sessions
from survey.audit import record
from survey.models import Organisation, Team, User
from survey.models._columns import utcnow


class Refused(Exception):
    """A change the rules forbid; the message says why."""


def _organisation_of(session: Session, team_id: int | None) -> int | None:
    team = session.get(Team, team_id) if team_id is not None else None
    return team.organisation_id if team is not None else None


def last_active_admin(session: Session, user: User) -> bool:
    """Whether ``user`` is the only admin who is not disabled."""
    if user.role != "admin" or user.disabled_at is not None:
        return False
    active = select(func.count()).where(User.role == "admin", User.disabled_at.is_(None))
    return session.scalar(active) <= 1


def disable(session: Session, actor: User, user: User) -> None:
    """Disable ``user``: their sessions end at once and their open links die; commits."""
    if user.id == actor.id:
        raise Refused(_("You cannot disable your own account."))
    if last_active_admin(session, user):
        raise Refused(_("This is the last active admin; make someone else admin first."))
    if user.disabled_at is not None:
        raise Refused(_("This account is already disabled."))
    user.disabled_at = utcnow()
    user.disabled_by_id = actor.id
    end_sessions(session, user)
    close_links(session, user.id)
    record(
        session,
        "user.disabled",
        organisation_id=_organisation_of(session, user.team_id),
        target=f"user {user.id}",
    )
    session.commit()


def may_enable(actor: User, user: User) -> bool:
    """Whether ``actor`` may re-enable ``user``: an admin always; anyone else only an account
    that a known non-admin disabled (nobody recorded means the command line: admins only)."""
    if actor.role == "admin":
        return True
    return user.disabled_by is not None and user.disabled_by.role != "admin"


def enable(session: Session, actor: User, user: User) -> None:
    """Let a disabled user log in again; commits."""
    if user.disabled_at is None:
        raise Refused(_("This account is not disabled."))
    if not may_enable(actor, user):
        raise Refused(_("An admin disabled this account; only an admin may re-enable it."))
    user.disabled_at = None
    user.disabled_by_id = None
    record(
        session,
        "user.enabled",
        organisation_id=_organisation_of(session, user.team_id),
        target=f"user {user.id}",
    )
    session.commit()


def _set_scope(
    session: Session, user: User, role: str, team_id: int | None, organisation_ids: list[int]
) -> None:
    user.team_id = team_id if role == "manager" else None
    wanted = organisation_ids if role == "consultant" else []
    query = select(Organisation).where(Organisation.id.in_(wanted))
    user.organisations = list(session.scalars(query))


def _scope_details(user: User) -> dict:
    return {
        "team": user.team_id,
        "organisations": sorted(organisation.id for organisation in user.organisations),
    }


def change_role(
    session: Session,
    actor: User,
    user: User,
    role: str,
    team_id: int | None,
    organisation_ids: list[int],
) -> None:
    """Give ``user`` a new role with its scope (admins only: the caller checks); commits."""
    if actor.role != "admin":
        raise Refused(_("Only an admin may change a role."))
    if user.role == "admin" and role != "admin":
        if user.id == actor.id:
            raise Refused(_("You cannot take away your own admin rights."))
        if last_active_admin(session, user):
            raise Refused(_("This is the last active admin; make someone else admin first."))
    before = user.role
    before_scope = _scope_details(user)
    user.role = role
    _set_scope(session, user, role, team_id, organisation_ids)
    record(
        session,
        "user.role_changed",
        organisation_id=_organisation_of(session, user.team_id),
        target=f"user {user.id}",
        before=before,
        after=role,
        scope_before=before_scope,
        scope_after=_scope_details(user),
    )
    session.commit()


def change_scope(
    session: Session, user: User, team_id: int | None, organisation_ids: list[int]
) -> None:
    """A manager's new team, or a consultant's organisations; commits."""
    if user.role not in ("manager", "consultant"):
        raise Refused(_("An admin's scope is everything; there is nothing to change."))
    before = _scope_details(user)
    _set_scope(session, user, user.role, team_id, organisation_ids)
    record(
        session,
        "user.scope_changed",
        organisation_id=_organisation_of(session, user.team_id),
        target=f"user {user.id}",
        before=before,
        after=_scope_details(user),
    )
    session.commit()


def unassign(session: Session, user: User, organisation: Organisation) -> None:
    """Take ``organisation`` away from a consultant; commits."""
    if user.role != "consultant" or organisation not in user.organisations:
        raise Refused(_("This consultant is not assigned to this organisation."))
    user.organisations.remove(organisation)
    record(
        session,
        "user.unassigned",
        organisation_id=organisation.id,
        target=f"user {user.id}",
    )
    session.commit()
