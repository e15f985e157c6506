"""Fixtures: the small organisation of ``tests.org_factory`` and users at every level."""

from __future__ import annotations

import pytest

from tests.auth.helpers import make_user
from tests.org_factory import Org, build_org


@pytest.fixture
def org(dbs) -> Org:
    return build_org(dbs)


@pytest.fixture
def users(dbs, org):
    return {
        "admin": make_user(dbs, "admin@example.com", "admin"),
        "consultant": make_user(
            dbs, "c@example.com", "consultant", organisations=[org.organisation]
        ),
        "global": make_user(dbs, "g@example.com", "manager", team=org.teams["Global"]),
        "france": make_user(dbs, "f@example.com", "manager", team=org.teams["France"]),
        "paris": make_user(dbs, "p@example.com", "manager", team=org.teams["Paris"]),
    }
