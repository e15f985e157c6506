"""Recording administrative actions and refused access in the audit log.

Call ``record`` in the same transaction as the change it describes, before the commit, so the
log and the change land together. Never pass secrets, tokens, passwords or answers in
``details``.
"""

from __future__ import annotations

from typing import NoReturn

from flask import abort, current_app
from flask_login import current_user
from sqlalchemy.orm import Session

from survey.models.audit import AuditEvent

FORBIDDEN_KEYS = ("password", "token", "secret", "answer")


def record(
    session: Session,
    action: str,
    *,
    organisation_id: int | None = None,
    target: str | None = None,
    **details,
) -> AuditEvent:
    """Add an audit event for the logged-in user (or none) to ``session``; does not commit.

    ``action`` is a short dotted verb such as ``"team.rename"`` or ``"access.refused"``;
    ``target`` says what it was done to (``"team 12"``).
    """
    for key in details:
        if any(word in key.lower() for word in FORBIDDEN_KEYS):
            raise ValueError(f"audit details must not carry {key!r}")
    user = current_user if current_user and current_user.is_authenticated else None
    event = AuditEvent(
        user_id=user.id if user else None,
        user_email=user.email if user else None,
        action=action,
        organisation_id=organisation_id,
        target=target,
        details=details,
    )
    session.add(event)
    return event


def refuse(
    session: Session, kind: str, wanted_id: int | str, *, organisation_id: int | None = None
) -> NoReturn:
    """Log and audit a refused request, then answer 404, as for something that does not exist.

    The one refusal of the app: ``survey.access`` calls it when what was asked for is missing
    or outside the user's scope (a manager on a consultant page, another client's team).
    Whatever the request changed so far is rolled back; only the ``access.refused`` event is
    committed.

    Parameters
    ----------
    session
        The request's database session.
    kind
        What was asked for, such as ``"organisation"`` or ``"person"``.
    wanted_id
        Its id as given in the URL.
    organisation_id
        The existing organisation it belongs to, when known, so that its consultants see the
        event; leave it out for anything that does not exist.
    """
    user = current_user if current_user and current_user.is_authenticated else None
    current_app.logger.warning(
        "Refused access: user %s asked for %s %s, missing or outside their scope",
        user.id if user else None,
        kind,
        wanted_id,
    )
    session.rollback()
    record(session, "access.refused", organisation_id=organisation_id, target=f"{kind} {wanted_id}")
    session.commit()
    abort(404)
