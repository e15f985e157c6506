"""What the account page says a user may see: everything, some organisations, or a team."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from survey.access import organisations_in_scope
from survey.models import User
from survey.models.organisation import team_paths, teams_of


def scope_of(session: Session, user: User) -> str:
    """``user``'s scope in words: "Everything" for an admin, a consultant's organisations, a
    manager's organisation and team path."""
    if user.role == "admin":
        return _("Everything: every organisation and team.")
    if user.role == "consultant":
        names = [organisation.name for organisation in organisations_in_scope(session, user)]
        return ", ".join(names) if names else _("No organisation is assigned to you yet.")
    team = user.team
    if team is None or team.archived_at is not None:
        return _("No team: ask a consultant to assign you one.")
    path = team_paths(list(session.scalars(teams_of(team.organisation_id)))).get(team.id, team.name)
    return _(
        "%(organisation)s: %(path)s and every team below it",
        organisation=team.organisation.name,
        path=path,
    )
