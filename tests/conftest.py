"""Shared fixtures: an app on a fresh database per test, a client that keeps CSRF on."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from survey import create_app
from survey.db import db

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


@pytest.fixture
def database_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'survey.db'}"


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "DATABASE_URL": database_url,
            "PUBLIC_URL": "http://localhost",
        }
    )
    with app.app_context():
        db.create_all()
    # No app context stays pushed: each request gets its own, as in production.
    yield app
    app.extensions["database"].engine.dispose()


@pytest.fixture
def dbs(app: Flask) -> Iterator[Session]:
    """A database session of the test's own, outside any request."""
    session = Session(app.extensions["database"].engine)
    yield session
    session.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()
