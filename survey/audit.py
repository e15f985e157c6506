"""Recording administrative actions and refused access in the audit log.

Call ``record`` in the same transaction as the change it describes, before the commit, so the
log and the change land together. Never pass secrets, tokens, passwords or answers in
``details``.
"""

from __future__ import annotations

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
