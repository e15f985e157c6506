"""More app servers on the test's database, as several processes would run them."""

from __future__ import annotations

from flask import Flask

from survey import create_app


def another_server(database_url: str, **settings) -> Flask:
    """A new app on the test's database, configured like the ``app`` fixture plus
    ``settings``; each ``create_app`` builds its own caches and its own rate-limit store."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "DATABASE_URL": database_url,
            "PUBLIC_URL": "http://localhost",
            "LOGIN_FAILURE_DELAY_SECONDS": 0,
            **settings,
        }
    )
