"""Which users a viewer may see and act on, the list's filters, and the scope each user has.

An admin sees every user. A consultant sees the managers whose team belongs to one of their
organisations and the consultants assigned to one of them, never an admin; they may act on
those managers only. Anything else is refused as missing (``survey.audit.refuse``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from survey.access import LARGEST_ID, by_id, organisation_ids_in_scope
from survey.audit import refuse
from survey.models import Organisation, Team, User
from survey.models.organisation import team_paths
from survey.models.people import MAX_EMAIL, USER_ROLES, USER_STATUSES, consultant_organisation
from survey.params import parse_id

EVERYTHING = _l("everything")


@dataclass(frozen=True)
class Filters:
    """What the list is narrowed to: part of an e-mail, an organisation, a role, a status."""

    search: str = ""
    organisation_id: int | None = None
    role: str = ""
    status: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        """The filters of ``?q=&organisation=&role=&status=``; unknown values are ignored."""
        role, status = args.get("role", ""), args.get("status", "")
        return cls(
            search=args.get("q", "").strip().lower()[:MAX_EMAIL],
            organisation_id=parse_id(args.get("organisation")),
            role=role if role in USER_ROLES else "",
            status=status if status in USER_STATUSES else "",
        )

    @property
    def any(self) -> bool:
        return bool(self.search or self.organisation_id is not None or self.role or self.status)


def _managers_of(organisation_ids) -> ColumnElement[bool]:
    teams = select(Team.id).where(Team.organisation_id.in_(organisation_ids))
    return and_(User.role == "manager", User.team_id.in_(teams))


def _consultants_of(organisation_ids) -> ColumnElement[bool]:
    assigned = select(consultant_organisation.c.user_id).where(
        consultant_organisation.c.organisation_id.in_(organisation_ids)
    )
    return and_(User.role == "consultant", User.id.in_(assigned))


STATUS_RULES = {
    "disabled": User.disabled_at.is_not(None),
    "invited": and_(
        User.disabled_at.is_(None), User.password_hash.is_(None), User.last_login_at.is_(None)
    ),
    "active": and_(
        User.disabled_at.is_(None),
        or_(User.password_hash.is_not(None), User.last_login_at.is_not(None)),
    ),
}


def visible_users(session: Session, viewer: User, filters: Filters) -> Select:
    """The users ``viewer`` may see that match ``filters``, by e-mail; nobody for an
    organisation out of the viewer's scope (it would tell who works for it)."""
    query = select(User)
    scope = None if viewer.role == "admin" else organisation_ids_in_scope(session, viewer)
    if scope is not None:
        query = query.where(or_(_managers_of(scope), _consultants_of(scope)))
    if filters.search:
        query = query.where(func.lower(User.email).contains(filters.search, autoescape=True))
    if filters.organisation_id is not None:
        exists = filters.organisation_id <= LARGEST_ID  # larger: no PostgreSQL INTEGER holds it
        in_scope = exists and (scope is None or filters.organisation_id in scope)
        wanted = [filters.organisation_id] if in_scope else []
        query = query.where(or_(_managers_of(wanted), _consultants_of(wanted)))
    if filters.role:
        query = query.where(User.role == filters.role)
    if filters.status:
        query = query.where(STATUS_RULES[filters.status])
    return query.order_by(User.email, User.id)


def visible_accounts(session: Session, viewer: User, emails: set[str]) -> dict[str, int]:
    """``{e-mail: user id}`` of the accounts with these e-mails that ``viewer`` may see."""
    query = visible_users(session, viewer, Filters()).where(User.email.in_(emails))
    return {user.email: user.id for user in session.scalars(query)}


def organisation_ids_of(session: Session, user: User) -> set[int]:
    """The organisations a user belongs to: a manager's team's, a consultant's assigned ones."""
    if user.role == "manager":
        team = session.get(Team, user.team_id) if user.team_id is not None else None
        return {team.organisation_id} if team is not None else set()
    if user.role == "consultant":
        return {organisation.id for organisation in user.organisations}
    return set()


def may_see(session: Session, viewer: User, user: User) -> bool:
    if viewer.role == "admin":
        return True
    if user.role == "admin":
        return False
    return bool(organisation_ids_of(session, user) & organisation_ids_in_scope(session, viewer))


def may_manage(session: Session, actor: User, user: User) -> bool:
    """Whether ``actor`` may change ``user``: an admin anyone, a consultant their managers."""
    if actor.role == "admin":
        return True
    return user.role == "manager" and may_see(session, actor, user)


def manageable_ids(viewer: User, users: list[User]) -> set[int]:
    """The ids of ``users`` (all from ``visible_users``) that ``viewer`` may change: an admin
    all, a consultant the managers (those visible are their organisations')."""
    return {user.id for user in users if viewer.role == "admin" or user.role == "manager"}


def user_or_404(session: Session, viewer: User, user_id: int, *, manage: bool = False) -> User:
    """The user, when ``viewer`` may see it (and change it, with ``manage``); else a 404."""
    user = by_id(session, User, user_id)
    allowed = user is not None and (
        may_manage(session, viewer, user) if manage else may_see(session, viewer, user)
    )
    if not allowed:
        concerned = sorted(organisation_ids_of(session, user)) if user is not None else []
        refuse(session, "user", user_id, organisation_id=concerned[0] if concerned else None)
    return user


def scope_labels(session: Session, viewer: User, users: list[User]) -> dict[int, str]:
    """Each user's scope, as the viewer may read it: a manager's team path with its
    organisation, a consultant's organisations (those the viewer sees), an admin's everything."""
    team_ids = {user.team_id for user in users if user.role == "manager" and user.team_id}
    teams = list(session.scalars(select(Team).where(Team.id.in_(team_ids))))
    organisation_ids = {team.organisation_id for team in teams}
    everyone = list(session.scalars(select(Team).where(Team.organisation_id.in_(organisation_ids))))
    paths = team_paths(everyone)
    names = _organisation_names(session)
    by_team = {
        team.id: _(
            "%(organisation)s: %(path)s (archived)",
            organisation=names[team.organisation_id],
            path=paths[team.id],
        )
        if team.archived_at
        else f"{names[team.organisation_id]}: {paths[team.id]}"
        for team in teams
    }
    visible = None if viewer.role == "admin" else organisation_ids_in_scope(session, viewer)
    assigned: dict[int, list[str]] = {}
    rows = session.execute(
        select(consultant_organisation.c.user_id, Organisation.id, Organisation.name)
        .join(Organisation, Organisation.id == consultant_organisation.c.organisation_id)
        .where(consultant_organisation.c.user_id.in_([user.id for user in users]))
        .order_by(Organisation.name)
    )
    for user_id, organisation_id, name in rows:
        if visible is None or organisation_id in visible:
            assigned.setdefault(user_id, []).append(name)
    labels = {}
    for user in users:
        if user.role == "admin":
            labels[user.id] = str(EVERYTHING)
        elif user.role == "manager":
            labels[user.id] = by_team.get(user.team_id) or _("no team")
        else:
            labels[user.id] = ", ".join(assigned.get(user.id, [])) or _("no organisation")
    return labels


def _organisation_names(session: Session) -> dict[int, str]:
    query = select(Organisation.id, Organisation.name)
    return {organisation_id: name for organisation_id, name in session.execute(query)}


def team_choices(session: Session, actor: User) -> list[tuple[str, str]]:
    """The active teams ``actor`` may give a manager, as ``(id, "Organisation: path")``, by
    organisation and path."""
    scope = organisation_ids_in_scope(session, actor)
    teams = list(
        session.scalars(
            select(Team).where(Team.organisation_id.in_(scope), Team.archived_at.is_(None))
        )
    )
    paths = team_paths(teams)
    names = _organisation_names(session)
    labelled = [(names[team.organisation_id], paths[team.id], team.id) for team in teams]
    return [(str(team_id), f"{name}: {path}") for name, path, team_id in sorted(labelled)]


def organisation_choices(session: Session, actor: User) -> list[tuple[str, str]]:
    """The organisations ``actor`` may assign a consultant to, as ``(id, name)``, by name."""
    scope = organisation_ids_in_scope(session, actor)
    query = select(Organisation.id, Organisation.name).where(Organisation.id.in_(scope))
    return [(str(id_), name) for id_, name in session.execute(query.order_by(Organisation.name))]
