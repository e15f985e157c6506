"""Starting and ending a user's sessions, for every way of logging in."""

from __future__ import annotations

from flask import session
from flask_login import login_user
from sqlalchemy.orm import Session

from survey.models import User
from survey.models._columns import utcnow


def start_session(db_session: Session, user: User) -> None:
    """Log ``user`` in on a fresh session cookie and note the time; commits."""
    session.clear()  # a new session: nothing set before login is carried over
    login_user(user)
    user.last_login_at = utcnow()
    db_session.commit()


def end_sessions(db_session: Session, user: User) -> None:
    """Invalidate every session cookie issued to ``user`` so far; does not commit."""
    user.session_version += 1
