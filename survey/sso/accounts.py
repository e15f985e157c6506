"""Which account a single sign-on identity belongs to: never a new one, and only for an e-mail
of a domain the organisation allows."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import SingleSignOn, Team, User


def manager_for(session: Session, sso: SingleSignOn, email: str) -> User | None:
    """The manager with this e-mail who leads an active team of ``sso``'s organisation and is
    not disabled; None when there is no such account (sign-in never creates one) or the
    e-mail's domain is not one of ``sso.email_domains`` (none allowed: nobody signs in)."""
    if email.lower().rpartition("@")[2] not in sso.email_domains.split():
        return None
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
