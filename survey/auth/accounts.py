"""Who is logged in: checking a password, loading the user of a session."""

from __future__ import annotations

from flask_login import LoginManager
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from survey.db import db
from survey.models import User

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see this page."
# Checked for unknown e-mails, so that they take as long as wrong passwords.
DUMMY_HASH = generate_password_hash("no account has this password")


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user with this e-mail and password, or ``None``; the same work either way.

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
    if user is None:
        check_password_hash(DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None
