"""The limit on invitations: each admin or consultant sends at most ``INVITATIONS_PER_USER``
(by e-mail, from a roster, again), refused or not, so the invitation form's answers cannot be
used to test addresses in bulk; beyond, 429."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext
from flask_limiter.util import get_remote_address
from flask_login import current_user

from survey.limiter import limiter

TOO_MANY_INVITATIONS = "You sent too many invitations for now. Please try again later."


def _too_many_invitations() -> str:
    """The refusal, in the inviter's language (the limiter calls this when it refuses)."""
    return gettext("You sent too many invitations for now. Please try again later.")


def _invitations_per_user() -> str:
    return current_app.config["INVITATIONS_PER_USER"]


def _inviter() -> str:
    """The limit's key: the logged-in user (anyone else is refused anyway: their address)."""
    user_id = getattr(current_user, "id", None)
    return f"user/{user_id}" if user_id is not None else get_remote_address()


invitations_limit = limiter.shared_limit(
    _invitations_per_user,
    scope="users-invitations",
    key_func=_inviter,
    methods=["POST"],
    error_message=_too_many_invitations,
)
