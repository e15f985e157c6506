"""Failed logins: each waits a fixed moment, and too many are refused with 429 (Flask-Limiter).

Two limits count failed attempts only, so that people who type their password right are never
held up: one per remote address and submitted e-mail (an attack on one account), and one per
remote address (one client trying many accounts). Their sizes are the config keys
``LOGIN_FAILURES_PER_ACCOUNT`` and ``LOGIN_FAILURES_PER_ADDRESS``; the counts live in
``RATELIMIT_STORAGE_URI`` (Redis when ``SURVEY_REDIS_URL`` is set, shared by every app server;
else ``memory://``, per process: see :mod:`survey.limiter`). Behind a reverse proxy, the remote
address is the proxy's unless ``SURVEY_PROXY_HOPS`` says how many proxies to see through.
"""

from __future__ import annotations

import hashlib
import time

from flask import Response, current_app, request, session
from flask_babel import lazy_gettext as _l
from flask_limiter import RequestLimit
from flask_limiter.util import get_remote_address
from flask_login import current_user

from survey.accounts.logins import PENDING_LOGIN
from survey.limiter import limiter

FAILED_LOGIN_STATUS = 401
REFUSED_MESSAGE = _l("Too many failed logins. Please wait a few minutes before trying again.")


def submitted_email() -> str:
    """The e-mail of a login form as it is looked up: trimmed and lower-case."""
    return request.form.get("email", "").strip().lower()


def email_hash() -> str:
    """The submitted e-mail as it appears in rate-limit keys: hashed, never in clear."""
    return hashlib.sha256(submitted_email().encode()).hexdigest()[:32]


def address_and_email() -> str:
    """The rate-limit key of one account from one address."""
    return f"{get_remote_address()}/{email_hash()}"


def email_alone() -> str:
    """The rate-limit key of one account, from whatever address."""
    return f"email/{email_hash()}"


def failures_per_account() -> str:
    return current_app.config["LOGIN_FAILURES_PER_ACCOUNT"]


def failures_per_address() -> str:
    return current_app.config["LOGIN_FAILURES_PER_ADDRESS"]


def is_failed_login(response: Response) -> bool:
    return response.status_code == FAILED_LOGIN_STATUS


def log_refusal(limit: RequestLimit) -> None:
    current_app.logger.warning(
        "Login refused from %s: more than %s failed logins", get_remote_address(), limit.limit
    )


def slow_down() -> None:
    """The fixed wait after every failed login (``LOGIN_FAILURE_DELAY_SECONDS``)."""
    time.sleep(current_app.config["LOGIN_FAILURE_DELAY_SECONDS"])


def pending_or_current_user() -> str:
    """The rate-limit key of the second-factor step: the account alone (whoever is there
    already has its password), the pending login's user or else the logged-in one."""
    pending = session.get(PENDING_LOGIN)
    if isinstance(pending, dict):
        return f"user/{pending.get('user')}"
    return f"user/{current_user.id}" if current_user.is_authenticated else "user/-"


def limit_failed_logins(view, account_key=address_and_email):
    """Count the view's failed POSTs against both limits, and refuse once either is reached;
    ``account_key`` names the account a request tries (by default its form's e-mail)."""
    shared = {
        "methods": ["POST"],
        "deduct_when": is_failed_login,
        "error_message": REFUSED_MESSAGE,
        "on_breach": log_refusal,
    }
    per_address = limiter.limit(failures_per_address, **shared)
    per_account = limiter.limit(failures_per_account, key_func=account_key, **shared)
    return per_account(per_address(view))


def limit_failed_codes(view):
    """:func:`limit_failed_logins` for the two-factor code forms, per account."""
    return limit_failed_logins(view, account_key=pending_or_current_user)
