"""Fixtures of the Users pages' tests: an app that mails through the test SMTP server, and
logged-in clients of the reference organisation's admin and consultant."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.auth.helpers import login
from tests.conftest import PUBLIC_URL  # noqa: F401 (its tests import it from here)
from tests.factories import ReferenceOrg


@pytest.fixture
def admin_client(app: Flask, reference_org: ReferenceOrg) -> FlaskClient:
    client = app.test_client()
    assert login(client, reference_org.users["admin"].email).status_code == 302
    return client
