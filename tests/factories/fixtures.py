"""The fixtures of the one test world; ``tests/conftest.py`` loads them as a plugin."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from survey.models import Person
from tests.auth.helpers import login
from tests.factories.reference import (
    ReferenceOrg,
    gen_reference_answers,
    gen_reference_org,
    gen_roster,
)


@pytest.fixture
def reference_org(dbs: Session) -> ReferenceOrg:
    """Acme Solar, its rival Zenith Wind and users of every role; no answers, no roster."""
    return gen_reference_org(dbs)


@pytest.fixture
def answered_org(dbs: Session, reference_org: ReferenceOrg) -> ReferenceOrg:
    """The reference organisation with the ``REFERENCE_COUNTS`` answers in both its waves."""
    return gen_reference_answers(dbs, reference_org)


@pytest.fixture
def reference_roster(dbs: Session, reference_org: ReferenceOrg) -> dict[str, Person]:
    """The people of ``ROSTER`` on the reference organisation's roster, by e-mail."""
    return gen_roster(dbs, reference_org)


@pytest.fixture
def consultant_client(app: Flask, reference_org: ReferenceOrg) -> FlaskClient:
    """A test client of its own, logged in as the reference organisation's consultant."""
    client = app.test_client()
    login(client, reference_org.users["consultant"].email)
    return client
