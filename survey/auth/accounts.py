"""Who is logged in: checking a password, loading the user of a session."""

from __future__ import annotations

from flask_babel import gettext
from flask_login import LoginManager
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from survey.accounts.passwords import password_matches
from survey.db import db
from survey.models import User
from survey.params import parse_id

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see this page."
# Flashed in the reader's language (the message is a msgid; see survey/translations).
login_manager.localize_callback = gettext
# Checked for unknown e-mails, so that they take as long as wrong passwords.
DUMMY_HASH = generate_password_hash("no account has this password")


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or ``None``; the same work either way.

    A disabled user, or an invited one who has no password yet, is ``None`` as well.

    Parameters
    ----------
    session
        A database session.
    email
        As typed; looked up trimmed and in lower case, as ``create-user`` stores it.
    password
        As typed.
    """
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or user.password_hash is None:
        check_password_hash(DUMMY_HASH, password)
        return None
    return user if password_matches(user.password_hash, password) and user.is_active else None


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of ``id:version`` if that version is still current (see ``User.get_id``) and
    the user is not disabled."""
    user_id, _, version = session_id.partition(":")
    user_id, version = parse_id(user_id), parse_id(version)
    if user_id is None or version is None:
        return None
    user = db.session.get(User, user_id)
    if user is None or user.session_version != version or not user.is_active:
        return None
    return user
