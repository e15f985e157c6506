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
        **_jobs_from_environment(),
        "PRODUCTION": os.environ.get("SURVEY_ENV", "development") == "production",
        "SECRET_KEY": os.environ.get("SURVEY_SECRET_KEY") or None,
        "DATABASE_URL": os.environ.get("SURVEY_DATABASE_URL", DEFAULT_DATABASE_URL),
        "PUBLIC_URL": os.environ.get("SURVEY_PUBLIC_URL", "http://127.0.0.1:5000"),
        "SECURE_COOKIES": os.environ.get("SURVEY_SECURE_COOKIES", "auto"),
        # Redis, shared by every app server, worker and scheduler: the job queue (survey/jobs)
        # and, unless SURVEY_RATELIMIT_STORAGE_URI names another store, the rate limits.
        "REDIS_URL": os.environ.get("SURVEY_REDIS_URL") or None,
        "RATELIMIT_STORAGE_URI": os.environ.get("SURVEY_RATELIMIT_STORAGE_URI") or None,
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted.
        "PROXY_HOPS": os.environ.get("SURVEY_PROXY_HOPS", "0"),
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


def _jobs_from_environment() -> dict:
    """The jobs' lease and the scheduler's pace, when the environment sets them (whole
    seconds, at least 1)."""
    found = {}
    for name, key in (
        ("SURVEY_JOBS_LEASE_SECONDS", "JOBS_LEASE_SECONDS"),
        ("SURVEY_SCHEDULER_SECONDS", "SCHEDULER_SECONDS"),
    ):
        value = os.environ.get(name)
        if value is None:
            continue
        if not (value.strip().isascii() and value.strip().isdigit() and int(value) >= 1):
            raise ValueError(
                f"{name} must be a whole number of seconds, at least 1, not {value!r}."
            )
        found[key] = int(value)
    return found


REDIS_TIMEOUTS = {"socket_connect_timeout": 1, "socket_timeout": 1}
"""Seconds a rate-limit count waits for Redis to connect, and to answer."""


def choose_rate_limit_storage(config: dict) -> None:
    """Set where the rate limits count: ``RATELIMIT_STORAGE_URI`` when given, else Redis when
    ``REDIS_URL`` is, else each process's own memory (``memory://``).

    A Redis store gets short timeouts, so that a Redis that does not answer makes the limits
    fall back to memory (``RATELIMIT_IN_MEMORY_FALLBACK_ENABLED``) within a second rather
    than hold every request.
    """
    uri = config.get("RATELIMIT_STORAGE_URI") or config.get("REDIS_URL") or "memory://"
    config["RATELIMIT_STORAGE_URI"] = uri
    if uri.startswith(("redis", "valkey")):
        config.setdefault("RATELIMIT_STORAGE_OPTIONS", dict(REDIS_TIMEOUTS))


def proxy_hops(value: str | int) -> int:
    """The number of reverse proxies in front of the app (``SURVEY_PROXY_HOPS``): 0 (none, the
    default) or more, as a whole number."""
    text = str(value).strip()
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()):
        raise ValueError(f"SURVEY_PROXY_HOPS must be a whole number, 0 or more, not {value!r}.")
    return int(text)


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
    # When the shared store (Redis) does not answer, each process counts in its own memory until
    # it answers again: limits stay on, nobody is refused for it (README, Operations). An error
    # past that fallback loses one count and is logged; the request is answered as usual.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_SWALLOW_ERRORS": True,
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
    # Seconds an SMTP step may take.
    "SMTP_TIMEOUT_SECONDS": 30,
    # A password reset's mail goes out from a thread once the answer is sent (same timing for
    # every address: survey/accounts/resets.py), unless False.
    "MAIL_IN_BACKGROUND": True,
    # Background jobs (survey/jobs): without REDIS_URL they run in a thread of the app process,
    # or in the caller's thread when this is False (most tests).
    "JOBS_IN_BACKGROUND": True,
    # A mailing is sent by one job per this many mails, which several workers share.
    "MAIL_JOB_SIZE": 500,
    # A running job whose heartbeat is older than this has lost its worker and is sent again.
    "JOBS_LEASE_SECONDS": 120,
    # The prefix of Dramatiq's keys in Redis.
    "JOBS_NAMESPACE": "survey",
    # Seconds between two looks of the scheduler (flask jobs-scheduler).
    "SCHEDULER_SECONDS": 30,
    # Days a job's file (a report, an export) is kept after the job finished.
    "JOB_RESULT_DAYS": 1,
    # Whether admins and consultants must turn two-factor authentication on (from
    # SURVEY_REQUIRE_TWO_FACTOR); managers never must.
    "TWO_FACTOR_REQUIRED_FOR_STAFF": False,
    # SQLite: the commits that deleted drafts or answers within this many seconds share one
    # checkpoint that empties the write-ahead log (survey.db.LogWiper); 0: each one at once.
    "SQLITE_LOG_WIPE_SECONDS": 1.0,
    # How often the response-rate page asks for fresh counts.
    "RATES_POLL_SECONDS": 15,
}
