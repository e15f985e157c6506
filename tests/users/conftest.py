"""Fixtures of the Users pages' tests: an app that mails through the test SMTP server, and
logged-in clients of the reference organisation's admin and consultant."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.auth.helpers import login
from tests.factories import ReferenceOrg

PUBLIC_URL = "https://survey.consultancy.example"


@pytest.fixture
def mailing(app: Flask, smtp_server):
    """The test SMTP server, which the app mails through in the request."""
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
def admin_client(app: Flask, reference_org: ReferenceOrg) -> FlaskClient:
    client = app.test_client()
    assert login(client, reference_org.users["admin"].email).status_code == 302
    return client
