"""Fixtures: the small organisation of ``tests.org_factory`` and users of every kind."""

from __future__ import annotations

import pytest

from survey.models import Organisation
from tests.auth.helpers import make_user
from tests.org_factory import Org, build_org


@pytest.fixture
def org(dbs) -> Org:
    return build_org(dbs)


@pytest.fixture
def users(dbs, org):
    rival = Organisation(name="Rival Solar")
    dbs.add(rival)
    dbs.commit()
    return {
        "admin": make_user(dbs, "admin@example.com", "admin"),
        "consultant": make_user(
            dbs, "c@example.com", "consultant", organisations=[org.organisation]
        ),
        "rival": make_user(dbs, "rival@example.com", "consultant", organisations=[rival]),
        "manager": make_user(dbs, "g@example.com", "manager", team=org.teams["Global"]),
    }
