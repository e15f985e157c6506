"""Single-use links that let a user set their password: invitations (7 days) and resets (1 hour).

The token is random (``survey.tokens``, 192 bits) and only its SHA-256 hash is stored. Issuing a
new link of a purpose kills the user's earlier unused links of that purpose; setting a password
spends the link, and every other open link of the user dies with it.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from survey.models import AccountLink, User
from survey.models._columns import utcnow
from survey.tokens import new_token, token_hash

LIFETIMES = {"invite": timedelta(days=7), "reset": timedelta(hours=1)}
PATHS = {"invite": "/welcome/", "reset": "/password/reset/"}
MAX_TOKEN_LENGTH = 100  # longer "tokens" are refused before any hashing or lookup


def issue_link(session: Session, user: User, purpose: str) -> str:
    """A new link token for ``user``; the earlier unused ones of ``purpose`` stop working.

    Adds to ``session`` without committing, so that the caller commits it with its audit event.
    """
    if purpose not in LIFETIMES:
        raise ValueError(f"Unknown link purpose {purpose!r}; expected invite or reset.")
    now = utcnow()
    session.execute(
        update(AccountLink)
        .where(
            AccountLink.user_id == user.id,
            AccountLink.purpose == purpose,
            AccountLink.used_at.is_(None),
        )
        .values(expires_at=now)
    )
    token = new_token()
    session.add(
        AccountLink(
            user_id=user.id,
            purpose=purpose,
            token_hash=token_hash(token),
            expires_at=now + LIFETIMES[purpose],
        )
    )
    return token


def open_link(session: Session, token: str, purpose: str) -> AccountLink | None:
    """The link ``token`` opens for ``purpose``, or ``None`` when it is unknown, spent, expired,
    replaced, of another purpose, or its user is disabled."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    link = session.scalar(select(AccountLink).where(AccountLink.token_hash == token_hash(token)))
    if link is None or link.purpose != purpose or link.used_at is not None:
        return None
    if link.expires_at <= utcnow() or not link.user.is_active:
        return None
    return link


def spend_links(session: Session, link: AccountLink) -> bool:
    """Mark ``link`` used and kill the user's other open links (any purpose); no commit.

    ``False`` when another request spent it first (then nothing changes and the link is dead):
    the link is taken with one conditional UPDATE, so that it works once even for two requests
    at once.
    """
    now = utcnow()
    spent = session.execute(
        update(AccountLink)
        .where(AccountLink.id == link.id, AccountLink.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        return False
    link.used_at = now
    close_links(session, link.user_id)
    return True


def close_links(session: Session, user_id: int) -> None:
    """Kill every open link of the user (a new password, a disabling, a first single sign-on);
    no commit."""
    session.execute(
        update(AccountLink)
        .where(AccountLink.user_id == user_id, AccountLink.used_at.is_(None))
        .values(expires_at=utcnow())
    )


def link_url(public_url: str, token: str, purpose: str) -> str:
    return f"{public_url.rstrip('/')}{PATHS[purpose]}{token}"
