"""Fixtures: the Helio organisation of ``tests.org_factory``, a rival client, and users."""

from __future__ import annotations

import pytest

from tests.auth.helpers import login, make_user
from tests.org_factory import Org, build_org


@pytest.fixture
def org(dbs) -> Org:
    """Helio: Global > France > Paris, Global > Spain, Product; responses in two waves."""
    return build_org(dbs)


@pytest.fixture
def rival(dbs) -> Org:
    return build_org(dbs, name="Rival Solar")


@pytest.fixture
def users(dbs, org, rival) -> dict:
    return {
        "admin": make_user(dbs, "admin@example.com", "admin"),
        "consultant": make_user(
            dbs, "c@example.com", "consultant", organisations=[org.organisation]
        ),
        "rival consultant": make_user(
            dbs, "rival@example.com", "consultant", organisations=[rival.organisation]
        ),
        "manager": make_user(dbs, "g@example.com", "manager", team=org.teams["Global"]),
    }


@pytest.fixture
def consultant(client, users):
    """The test client, logged in as Helio's consultant."""
    login(client, "c@example.com")
    return client
