"""Guessing survey links is refused with 429; a link that opens a survey never is.

The token is looked at first. A link that opens a survey (known, unused, unexpired, its wave
open) is exempt from the limits: it is neither counted nor refused, however many guesses came
from the same address before it. Only a token that matches no link at all counts as a guess. A
link that exists but opens nothing (used, expired, its wave closed or not open yet) does not
count either, but once a limit is reached it is refused like an unknown token, so that a 429 or
a 404 never tells a guesser which of the two a token is.

Guesses are counted twice (Flask-Limiter, ``RATELIMIT_STORAGE_URI``):

- ``LINK_FAILURES_PER_BROWSER`` per address *and* user agent, so that one browser guessing, or
  mistyping, does not lock out the others behind the same address (an office's NAT);
- ``LINK_FAILURES_PER_ADDRESS`` per address, a higher ceiling, so that changing the user agent
  with every request does not make guessing unlimited.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from functools import wraps

from flask import Response, current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from sqlalchemy import exists, or_, select

from survey.db import db
from survey.limiter import limiter
from survey.models import Invitation, TeamLink
from survey.models._columns import utcnow
from survey.rep.entries import Entry, open_entry
from survey.tokens import token_hash

REFUSED_MESSAGE = _l("Too many links that do not open a survey. Please wait a few minutes.")


def opened_entry(token: str, now: datetime | None = None) -> Entry | None:
    """What ``token`` opens (see ``open_entry``), looked up once per request."""
    found = g.setdefault("opened_links", {})
    if token not in found:
        found[token] = open_entry(db.session, token, now or utcnow())
    return found[token]


def token_known(token: str) -> bool:
    """Whether any invitation or team link, in whatever state, has this token."""
    digest = token_hash(token)
    return bool(
        db.session.scalar(
            select(
                or_(
                    exists().where(Invitation.token_hash == digest),
                    exists().where(TeamLink.token_hash == digest),
                )
            )
        )
    )


def _token() -> str | None:
    token = (request.view_args or {}).get("token")
    return token if isinstance(token, str) else None


def _opens_a_survey() -> bool:
    """Exempt from the limits: the request's token opens a survey."""
    token = _token()
    return token is not None and opened_entry(token) is not None


def _was_a_guess(response: Response) -> bool:
    """Counted: the request opened nothing, and its token matches no link at all."""
    token = _token()
    return response.status_code == 404 and token is not None and not token_known(token)


def browser_key() -> str:
    """The client's address and a hash of its user agent (never the user agent itself)."""
    agent = request.headers.get("User-Agent", "")
    return f"links/{get_remote_address()}/{hashlib.sha256(agent.encode()).hexdigest()[:16]}"


def address_key() -> str:
    return f"links/{get_remote_address()}"


def _per_browser() -> str:
    return current_app.config["LINK_FAILURES_PER_BROWSER"]


def _per_address() -> str:
    return current_app.config["LINK_FAILURES_PER_ADDRESS"]


_shared = {
    "exempt_when": _opens_a_survey,
    "deduct_when": _was_a_guess,
    "error_message": REFUSED_MESSAGE,
}
_browser_limit = limiter.shared_limit(
    _per_browser, scope="survey-links-browser", key_func=browser_key, **_shared
)
_address_limit = limiter.shared_limit(
    _per_address, scope="survey-links-address", key_func=address_key, **_shared
)


def limit_link_guessing(view: Callable) -> Callable:
    """Refuse a rep route with 429 once either limit is reached, unless its link opens.

    A link that opens is served by ``view`` itself, without Flask-Limiter's work (resolving,
    filtering and evaluating the limits only to find them exempt): it is neither counted nor
    refused either way. Any other token goes through both limits.
    """
    limited = _browser_limit(_address_limit(view))

    @wraps(view)
    def guarded(*args, **kwargs):
        if _opens_a_survey():
            return view(*args, **kwargs)
        return limited(*args, **kwargs)

    return guarded
