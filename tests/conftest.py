"""Shared fixtures: an app on a fresh database per test, a client that keeps CSRF on."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

import survey
from survey import create_app
from survey.catalogues import compile_catalogues
from survey.db import Base, db
from survey.static_assets import build_vega_bundle

# The fixtures of the one test world: reference_org, answered_org, reference_roster, ...
pytest_plugins = ["tests.factories.fixtures"]

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def without_csrf(html: str) -> str:
    """The page with its CSRF token values blanked: tokens carry the second they were signed."""
    return CSRF_FIELD.sub('name="csrf_token" value=""', html)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests are slow tests too: ``-m "not slow"`` leaves them out as well."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session", autouse=True)
def message_catalogues() -> None:
    """The compiled catalogues, as ``flask build-assets`` compiles them (only those older than
    their ``.po``), so that a bare ``pytest`` reads the pages in every language too."""
    compile_catalogues()


@pytest.fixture(scope="session")
def vega_bundle() -> Path:
    """The chart bundle in the app's static files, written as ``flask build-assets`` writes it
    (about 2 s; unchanged when it is already the same). ``create_app`` never writes it: tests
    that draw charts in a browser ask for this."""
    path, _ = build_vega_bundle(Path(survey.__file__).resolve().parent / "static")
    return path


POSTGRES_URL = os.environ.get("SURVEY_TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[None]:
    """A fresh schema on the test PostgreSQL, made once per test run."""
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
        Base.metadata.create_all(connection)
    yield
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    """A new SQLite file per test, or the test PostgreSQL emptied for this test."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'survey.db'}"
    request.getfixturevalue("postgres_schema")
    engine = create_engine(POSTGRES_URL)
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return POSTGRES_URL


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "DATABASE_URL": database_url,
            "PUBLIC_URL": "http://localhost",
            # Jobs run in the thread that asks for them (a test sees them done), never on a
            # Redis the environment might name; tests of the queue set these themselves.
            "JOBS_IN_BACKGROUND": False,
            "REDIS_URL": None,
            "RATELIMIT_STORAGE_URI": "memory://",
            # SQLite's log is emptied by the commit that asks (a test reads the files after it).
            "SQLITE_LOG_WIPE_SECONDS": 0,
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


REFUSED_DOMAIN = "refused.example"
PUBLIC_URL = "https://survey.consultancy.example"


@pytest.fixture
def mailing(app: Flask, smtp_server):
    """The test SMTP server, which the app mails through in the request, with links to
    ``PUBLIC_URL``."""
    app.config.update(
        SMTP_HOST=smtp_server.host,
        SMTP_PORT=smtp_server.port,
        SMTP_SENDER="survey@consultancy.example",
        SMTP_SECURITY="none",
        MAIL_IN_BACKGROUND=False,
        PUBLIC_URL=PUBLIC_URL,
    )
    return smtp_server


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 and a free port, keeping what it accepts.

    Yields ``host``, ``port`` and ``messages``: each accepted mail as an
    ``email.message.EmailMessage``, in order. Recipients at ``refused.example`` get
    ``550 5.1.1``, so that tests can see a refused address.
    """
    import socket
    from email import message_from_bytes, policy
    from types import SimpleNamespace

    from aiosmtpd.controller import Controller

    class Handler:
        def __init__(self) -> None:
            self.messages: list = []

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address.lower().endswith("@" + REFUSED_DOMAIN):
                return "550 5.1.1 No such mailbox here"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            content = envelope.content.replace(b"\r\n", b"\n")  # as a local mail file has it
            self.messages.append(message_from_bytes(content, policy=policy.default))
            return "250 Message accepted"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield SimpleNamespace(host="127.0.0.1", port=port, messages=handler.messages)
    controller.stop()
