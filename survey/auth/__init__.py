"""Accounts: log in with e-mail and password, log out; failed logins are slowed, then refused."""

from flask import Blueprint, Flask

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
from survey.limiter import limiter  # noqa: E402


def init_app(app: Flask) -> None:
    """Secure cookies (except in debug and tests), Flask-Login and the failed-login limits."""
    secure = wants_secure_cookies(app.config["SECURE_COOKIES"], app.config["PUBLIC_URL"])
    secure = secure and not (app.debug or app.testing)
    app.config.update(SESSION_COOKIE_SECURE=secure, REMEMBER_COOKIE_SECURE=secure)
    login_manager.init_app(app)
    limiter.init_app(app)
