"""Fixtures: a client organisation with its roster, logged-in clients, and mail to a real server."""

from __future__ import annotations

import pytest

from tests.auth.helpers import login
from tests.campaigns.helpers import Client, make_client


@pytest.fixture
def acme(dbs) -> Client:
    return make_client(dbs)


@pytest.fixture
def consultant(app, acme):
    """A test client logged in as Acme's consultant."""
    client = app.test_client()
    login(client, acme.users["consultant"].email)
    return client


@pytest.fixture
def mail(app, smtp_server):
    """The app sends through the test SMTP server, in the request (not in the background)."""
    app.config.update(
        SMTP_HOST=smtp_server.host,
        SMTP_PORT=smtp_server.port,
        SMTP_SENDER="survey@consultancy.example",
        SMTP_SECURITY="none",
        MAIL_IN_BACKGROUND=False,
    )
    return smtp_server
