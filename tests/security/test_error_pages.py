"""Errors answer plain pages: no traceback, no debugger, no database text, no software versions."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from survey import create_app
from survey.config import PROJECT_ROOT
from survey.db import db
from tests.security.checks import database_text

SECRET_DETAIL = "secret detail: password=hunter2 in /srv/survey/app.py line 42"
REVEALING = re.compile(
    r"Traceback|RuntimeError|hunter2|/srv/|__debugger__|Werkzeug|Flask|Python|"
    r"gunicorn|Debugger|\d+\.\d+\.\d+",
    re.IGNORECASE,
)


def add_failing_routes(app) -> None:
    """Test-only routes, registered before the app's first request."""

    @app.get("/test-only/exception")
    def exception():
        raise RuntimeError(SECRET_DETAIL)

    @app.get("/test-only/database")
    def database():
        db.session.execute(text("SELECT secret FROM no_such_table"))
        return "unreachable"


def plain_500(response) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    assert "Something went wrong on our side" in body
    assert "Nothing you entered was lost" in body
    assert REVEALING.findall(body) == []
    assert database_text(body) == []
    assert "object-src 'none'" in response.headers["Content-Security-Policy"]
    assert "Server" not in response.headers


@pytest.fixture
def failing_app(database_url):
    app = create_app(
        {
            "TESTING": True,
            "PROPAGATE_EXCEPTIONS": False,  # as in production: the error page, not the test
            "SECRET_KEY": "test-secret-key-not-for-production",
            "DATABASE_URL": database_url,
        }
    )
    add_failing_routes(app)
    yield app
    app.extensions["database"].engine.dispose()


def test_an_unexpected_exception_gives_the_plain_500_page(failing_app):
    plain_500(failing_app.test_client().get("/test-only/exception"))


def test_a_database_error_gives_the_plain_500_page(failing_app):
    plain_500(failing_app.test_client().get("/test-only/database"))


def test_in_production_mode_too(monkeypatch, tmp_path):
    monkeypatch.setenv("SURVEY_ENV", "production")
    monkeypatch.setenv("SURVEY_SECRET_KEY", "k" * 64)
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'survey.db'}"})
    assert not app.debug and not app.testing
    add_failing_routes(app)
    client = app.test_client()
    plain_500(client.get("/test-only/exception"))
    plain_500(client.get("/test-only/database"))
    app.extensions["database"].engine.dispose()


def test_other_error_pages_name_no_software(client):
    answers = {
        404: client.get("/no-such-page"),
        405: client.get("/logout"),
        400: client.post("/login", data={"email": "a@example.com", "password": "x"}),
        413: client.post("/login", data={"padding": "x" * 200_000}),
    }
    for status, response in answers.items():
        body = response.get_data(as_text=True)
        assert response.status_code == status
        assert REVEALING.findall(body) == [], status
        assert "Server" not in response.headers and "X-Powered-By" not in response.headers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_gunicorn_serves_the_app_without_a_version_banner(tmp_path):
    port = free_port()
    environment = {
        **os.environ,
        "SURVEY_ENV": "production",
        "SURVEY_SECRET_KEY": "k" * 64,
        "SURVEY_DATABASE_URL": f"sqlite:///{tmp_path / 'survey.db'}",
        "SURVEY_PUBLIC_URL": "https://survey.example",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "--workers", "1", "--bind", f"127.0.0.1:{port}", "survey.wsgi:app"],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        answers = {path: fetch(port, path) for path in ("/health", "/no-such-page", "/login")}
    finally:
        server.terminate()
        _out, errors = server.communicate(timeout=30)
    assert answers["/health"][0] == 200
    assert answers["/no-such-page"][0] == 404
    for status, headers, body in answers.values():
        assert re.search(r"\d", headers.get("Server", "")) is None, headers.get("Server")
        assert REVEALING.findall(body) == [], status
    lines = [line for line in errors.decode().splitlines() if line.startswith("{")]
    assert len(lines) == 3  # the request log, one JSON line per request


def fetch(port: int, path: str, wait_seconds: float = 30) -> tuple[int, dict, str]:
    """GET ``path`` from the server on ``port``, waiting for it to start."""
    deadline = time.monotonic() + wait_seconds
    while True:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode()
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
        finally:
            connection.close()
