"""Configuration read from the environment, with safe defaults for a local install."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

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
    """A random key kept in the instance folder, for installs that set no SURVEY_SECRET_KEY."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def from_environment() -> dict:
    """Settings taken from ``SURVEY_*`` environment variables."""
    return {
        "SECRET_KEY": os.environ.get("SURVEY_SECRET_KEY")
        or local_secret_key(PROJECT_ROOT / "instance" / "secret-key"),
        "DATABASE_URL": os.environ.get("SURVEY_DATABASE_URL", DEFAULT_DATABASE_URL),
        "PUBLIC_URL": os.environ.get("SURVEY_PUBLIC_URL", "http://127.0.0.1:5000"),
    }


DEFAULTS: dict = {
    # A survey page posts at most a few kilobytes; anything larger is refused with 413.
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "QUESTIONNAIRE_DIRECTORY": None,
    "ITEMS_PER_PAGE": 8,
    "INVITATION_DAYS": 60,
}
