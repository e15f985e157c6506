"""Which account a single sign-on identity belongs to: never a new one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import SingleSignOn, Team, User


def manager_for(session: Session, sso: SingleSignOn, email: str) -> User | None:
    """The manager with this e-mail who leads an active team of ``sso``'s organisation and is
    not disabled; None when there is no such account (sign-in never creates one)."""
    query = (
        select(User)
        .join(Team, User.team_id == Team.id)
        .where(
            User.email == email.lower(),
            User.role == "manager",
            User.disabled_at.is_(None),
            Team.organisation_id == sso.organisation_id,
            Team.archived_at.is_(None),
        )
    )
    return session.scalar(query)
