"""Starting and ending a user's sessions, for every way of logging in."""

from __future__ import annotations

from flask import current_app, g, session
from flask_login import login_user
from sqlalchemy import update
from sqlalchemy.orm import Session

from survey.models import User
from survey.models._columns import utcnow


def start_session(db_session: Session, user: User) -> None:
    """Log ``user`` in on a fresh session cookie and note the time; commits."""
    session.clear()  # a new session: nothing set before login is carried over
    # Nor this request's CSRF token (Flask-WTF keeps it in ``g``): a page rendered after this
    # gets one of the new session.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    login_user(user)
    user.last_login_at = utcnow()
    db_session.commit()


def end_sessions(db_session: Session, user: User) -> None:
    """Invalidate every session cookie issued to ``user`` so far; does not commit.

    The version is raised in SQL (``session_version + 1``), not from the value loaded, so that
    two requests at once cannot both write the same new version and both keep a valid session.
    """
    db_session.execute(
        update(User)
        .where(User.id == user.id)
        .values(session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    db_session.refresh(user, ["session_version"])
