"""Who reaches the consultant pages, and which organisation and team a URL may name.

Managers, and consultants asking for a client that is not theirs, get the same 404 as for
something that does not exist; each refusal is logged and audited (``survey.audit.refuse``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import request
from flask_login import current_user, login_required

from survey.audit import refuse
from survey.db import db
from survey.models import Organisation, Team
from survey.scope import LARGEST_ID, organisation_ids_in_scope

STAFF_ROLES = ("admin", "consultant")


def consultant_required(view: Callable) -> Callable:
    """Log in first; then only admins and consultants get past, everyone else a 404."""

    @wraps(view)
    def checked(*args, **kwargs):
        if current_user.role not in STAFF_ROLES:
            refuse(db.session, "consultant page", request.path[:150])
        return view(*args, **kwargs)

    return login_required(checked)


def organisation_or_404(organisation_id: int) -> Organisation:
    """The organisation, when the logged-in user may act on it; otherwise a 404."""
    if organisation_id not in organisation_ids_in_scope(db.session, current_user):
        refuse(db.session, "organisation", organisation_id)
    return db.session.get(Organisation, organisation_id)


def team_or_404(organisation: Organisation, team_id: int) -> Team:
    """An active team of ``organisation``; another client's team or an archived one is a 404."""
    team = db.session.get(Team, team_id) if 0 < team_id <= LARGEST_ID else None
    if team is None or team.organisation_id != organisation.id or team.archived_at is not None:
        refuse(db.session, "team", team_id, organisation_id=organisation.id)
    return team
