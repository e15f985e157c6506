"""The password rule for every account, wherever a password is set: at least 12 characters and
not a common password.

"Common" is what zxcvbn (Wheeler 2016, "zxcvbn: Low-Budget Password Strength Estimation",
USENIX Security) finds in its lists of leaked passwords, words and names, or guesses cheaply
(repeats, sequences, keyboard walks, dates): its score must reach 3 of 4 ("safely
unguessable"). Hashing is werkzeug's (scrypt).
"""

from __future__ import annotations

from flask import has_request_context
from flask_babel import gettext
from werkzeug.security import check_password_hash, generate_password_hash

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
MIN_STRENGTH = 3  # zxcvbn's score: 0 (too guessable) to 4
# zxcvbn's work grows with the length; past this it sees only a prefix (still >= 12 characters).
CHECKED_LENGTH = 100
TOO_COMMON = (
    "This password is too common or too easy to guess. Use a longer phrase of unrelated "
    "words, or a password manager."
)


def _(message: str, **values: object) -> str:
    """``message`` in the reader's language; in English outside a request (the command line,
    whose messages are for operators)."""
    return gettext(message, **values) if has_request_context() else message % values


def password_problem(password: str, *, email: str = "") -> str | None:
    """Why ``password`` may not be used, or ``None`` when it may.

    ``email`` (the account's) counts as known to an attacker: a password built on it is weak.

    >>> password_problem("short")
    'The password needs at least 12 characters.'
    >>> password_problem("password1234") == TOO_COMMON
    True
    >>> password_problem("violet-anchor-drizzle-42") is None
    True
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("The password needs at least %(num)d characters.", num=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("The password may have at most %(num)d characters.", num=MAX_PASSWORD_LENGTH)
    from zxcvbn import zxcvbn  # imported here: its dictionaries, see README 'Workers'

    known = [part for part in email.lower().replace("@", ".").split(".") if part]
    if zxcvbn(password[:CHECKED_LENGTH], user_inputs=known)["score"] < MIN_STRENGTH:
        return _(
            "This password is too common or too easy to guess. Use a longer phrase of unrelated "
            "words, or a password manager."
        )
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` is the one hashed; never for an account without a password."""
    return password_hash is not None and check_password_hash(password_hash, password)
