"""Configuration read from the environment, with safe defaults for a local install."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "sqlite:///instance/survey.db"


def resolve_database_url(url: str) -> str:
    """Anchor a relative SQLite path at the project root, so the CLI and the server agree."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix + ":memory:":
        path = PROJECT_ROOT / url.removeprefix(prefix)
        path.parent.mkdir(parents=True, exist_ok=True)
        return prefix + str(path)
    return url


def local_secret_key(path: Path) -> str:
    """A random key kept in the instance folder, for installs that set no SURVEY_SECRET_KEY.

    Written on first use only: the one file ``create_app`` may write, and only when no key is
    given.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


MIN_SECRET_KEY_LENGTH = 32
KNOWN_WEAK_KEYS = {"dev", "secret", "changeme", "change-me", "development", "test"}


ON_OFF = {"on": True, "off": False}


def on_or_off(name: str, value: str) -> bool:
    """The switch ``value`` of the environment variable ``name``: ``on`` or ``off``."""
    choice = value.strip().lower()
    if choice not in ON_OFF:
        raise ValueError(f"{name} must be on or off, not {value!r}.")
    return ON_OFF[choice]


def from_environment() -> dict:
    """Settings taken from ``SURVEY_*`` environment variables; reads nothing else.

    ``SECRET_KEY`` is None unless ``SURVEY_SECRET_KEY`` is set: see :func:`ensure_secret_key`.
    """
    return {
        "PRODUCTION": os.environ.get("SURVEY_ENV", "development") == "production",
        "SECRET_KEY": os.environ.get("SURVEY_SECRET_KEY") or None,
        "DATABASE_URL": os.environ.get("SURVEY_DATABASE_URL", DEFAULT_DATABASE_URL),
        "PUBLIC_URL": os.environ.get("SURVEY_PUBLIC_URL", "http://127.0.0.1:5000"),
        "SECURE_COOKIES": os.environ.get("SURVEY_SECURE_COOKIES", "auto"),
        "RATELIMIT_STORAGE_URI": os.environ.get("SURVEY_RATELIMIT_STORAGE_URI", "memory://"),
        # Invitations by e-mail (survey/mail.py); security is none, starttls or ssl.
        "SMTP_HOST": os.environ.get("SURVEY_SMTP_HOST", "localhost"),
        "SMTP_PORT": int(os.environ.get("SURVEY_SMTP_PORT", "25")),
        "SMTP_USERNAME": os.environ.get("SURVEY_SMTP_USERNAME") or None,
        "SMTP_PASSWORD": os.environ.get("SURVEY_SMTP_PASSWORD") or None,
        "SMTP_SENDER": os.environ.get("SURVEY_SMTP_SENDER", "survey@localhost"),
        "SMTP_SECURITY": os.environ.get("SURVEY_SMTP_SECURITY", "none"),
        # Admins and consultants must turn two-factor authentication on (survey/auth).
        "TWO_FACTOR_REQUIRED_FOR_STAFF": on_or_off(
            "SURVEY_REQUIRE_TWO_FACTOR", os.environ.get("SURVEY_REQUIRE_TWO_FACTOR", "off")
        ),
    }


SECURE_COOKIE_CHOICES = {"on": True, "off": False, "auto": None}
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def ensure_secret_key(config: dict, instance_path: Path) -> None:
    """Outside production, an app given no key (by the environment or the caller) uses the
    random one kept in ``instance/secret-key``, made on first use. In production the key must
    come from ``SURVEY_SECRET_KEY``: :func:`check_production` refuses to start without it."""
    if not config.get("SECRET_KEY") and not config.get("PRODUCTION"):
        config["SECRET_KEY"] = local_secret_key(instance_path / "secret-key")


def check_production(config: dict) -> None:
    """Refuse to run in production with a missing, short or well-known secret key."""
    if not config.get("PRODUCTION"):
        return
    key = config.get("SECRET_KEY") or ""
    if len(key) < MIN_SECRET_KEY_LENGTH or key.lower() in KNOWN_WEAK_KEYS:
        raise RuntimeError(
            "SURVEY_ENV=production needs SURVEY_SECRET_KEY set to a random value of at least "
            f"{MIN_SECRET_KEY_LENGTH} characters, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`."
        )


def wants_secure_cookies(setting: str, public_url: str) -> bool:
    """Whether cookies get the Secure flag: ``on``, ``off``, or ``auto`` (on unless local http).

    ``auto`` leaves the flag off only when the public URL is plain http on this machine, as
    ``make run`` serves it; a browser would not send a Secure cookie back over http.
    """
    choice = setting.strip().lower()
    if choice not in SECURE_COOKIE_CHOICES:
        raise ValueError(f"SURVEY_SECURE_COOKIES must be on, off or auto, not {setting!r}.")
    if SECURE_COOKIE_CHOICES[choice] is not None:
        return SECURE_COOKIE_CHOICES[choice]
    url = urlsplit(public_url)
    return not (url.scheme == "http" and url.hostname in LOCAL_HOSTS)


DEFAULTS: dict = {
    # A survey page posts at most a few kilobytes; anything larger is refused with 413.
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "QUESTIONNAIRE_DIRECTORY": None,
    "ITEMS_PER_PAGE": 8,
    "INVITATION_DAYS": 60,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    # Failed logins: each waits this long, then the limits below refuse more (429).
    "RATELIMIT_ENABLED": True,
    "LOGIN_FAILURE_DELAY_SECONDS": 0.5,
    "LOGIN_FAILURES_PER_ACCOUNT": "5 per 15 minutes",
    "LOGIN_FAILURES_PER_ADDRESS": "30 per hour",
    # "Forgot your password?" requests (each one counts) and wrong current passwords when
    # changing one's own: past these, 429.
    "PASSWORD_RESETS_PER_EMAIL": "5 per hour",
    "PASSWORD_RESETS_PER_ADDRESS": "20 per hour",
    "PASSWORD_RESETS_PER_ACCOUNT": "10 per day",  # one e-mail, from any address
    "PASSWORD_CHANGE_FAILURES_PER_USER": "5 per 15 minutes",
    # Survey tokens that match no link are guesses, refused past these limits: per address and
    # user agent, and a ceiling per address. A link that opens is never refused (rep/guessing.py).
    "LINK_FAILURES_PER_BROWSER": "30 per 10 minutes",
    "LINK_FAILURES_PER_ADDRESS": "300 per 10 minutes",
    # Answers sent through team links from one address; more are refused (429) until it moves.
    "TEAM_LINK_SUBMITS_PER_ADDRESS": "20 per hour",
    # Invitations one admin or consultant sends (each form sent counts); more are refused (429).
    "INVITATIONS_PER_USER": "200 per hour",
    # Roster uploads (the one form allowed past MAX_CONTENT_LENGTH): larger files are refused.
    "ROSTER_MAX_BYTES": 2 * 1024 * 1024,
    "ROSTER_MAX_ROWS": 20_000,
    # Invitation mails: seconds an SMTP step may take; sent by a background thread unless False.
    "SMTP_TIMEOUT_SECONDS": 30,
    "MAIL_IN_BACKGROUND": True,
    # Whether admins and consultants must turn two-factor authentication on (from
    # SURVEY_REQUIRE_TWO_FACTOR); managers never must.
    "TWO_FACTOR_REQUIRED_FOR_STAFF": False,
    # How often the response-rate page asks for fresh counts.
    "RATES_POLL_SECONDS": 15,
}
