"""The end of every way of logging in (password, single sign-on): start the session, or first
ask for the second factor of a user who turned two-factor authentication on."""

from __future__ import annotations

import time

from flask import session, url_for
from sqlalchemy.orm import Session

from survey.accounts.sessions import start_session
from survey.models import User

PENDING_LOGIN = "pending_login"  # the session key of a login waiting for its code
PENDING_SECONDS = 300  # how long the code step waits


def finish_login(db_session: Session, user: User, after: str) -> str:
    """Where to send ``user``, who just proved their password or identity: ``after`` once
    logged in, or the code step (``auth.login_code``) when two-factor is on.

    The code step's pending login names the user and session version, so that a password
    change or a disabling in between makes it void; it lasts ``PENDING_SECONDS``.
    """
    if not user.two_factor_on:
        start_session(db_session, user)
        return after
    session.clear()
    session[PENDING_LOGIN] = {
        "user": user.id,
        "version": user.session_version,
        "after": after,
        "since": int(time.time()),
    }
    return url_for("auth.login_code")
