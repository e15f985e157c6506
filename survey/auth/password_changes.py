"""Storing a user's new password: every earlier session ends, every open link dies."""

from __future__ import annotations

from sqlalchemy.orm import Session

from survey.accounts.links import close_links
from survey.accounts.passwords import hash_password
from survey.accounts.sessions import end_sessions
from survey.audit import record
from survey.models import User


def store_password(session: Session, user: User, password: str, action: str) -> None:
    """Hash ``password`` into ``user``, end their sessions, kill their open links and audit
    ``action``; commits. The caller checked ``password`` against the rule."""
    user.password_hash = hash_password(password)
    end_sessions(session, user)
    close_links(session, user.id)
    record(session, action, target=f"user {user.id}")
    session.commit()
