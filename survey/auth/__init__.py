"""Accounts: log in with e-mail and password, log out; failed logins are slowed, then refused."""

from flask import Blueprint, Flask
from flask_login import current_user

from survey.config import wants_secure_cookies

bp = Blueprint("auth", __name__)

from survey.auth import (  # noqa: E402, F401
    account_routes,
    branding_routes,
    password_routes,
    preference_routes,
    routes,
    two_factor_routes,
)
from survey.auth.accounts import login_manager  # noqa: E402
from survey.limiter import init_app as init_limiter  # noqa: E402


def init_app(app: Flask) -> None:
    """Secure cookies (except in debug and tests), Flask-Login and the failed-login limits."""
    secure = wants_secure_cookies(app.config["SECURE_COOKIES"], app.config["PUBLIC_URL"])
    secure = secure and not (app.debug or app.testing)
    app.config.update(SESSION_COOKIE_SECURE=secure, REMEMBER_COOKIE_SECURE=secure)
    # Templates get the proxy, not the user: the account is loaded only where a page reads it (a
    # survey page does not).
    login_manager.init_app(app, add_context_processor=False)
    app.context_processor(lambda: {"current_user": current_user})
    init_limiter(app)
