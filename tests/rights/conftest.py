"""Fixtures of the data-rights tests."""

from __future__ import annotations

import pytest

from tests.rights.builders import Clients, build_clients


@pytest.fixture
def clients(dbs) -> Clients:
    return build_clients(dbs)
