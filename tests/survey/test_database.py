"""Every SQLite connection runs in WAL mode with a busy timeout and foreign keys on."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from survey.db import SQLITE_BUSY_TIMEOUT_MS


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(app):
    engine = app.extensions["database"].engine
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's own settings")
    with engine.connect() as first, engine.connect() as second:
        for connection in (first, second):
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            timeout = connection.execute(text("PRAGMA busy_timeout")).scalar()
            assert timeout == SQLITE_BUSY_TIMEOUT_MS


def test_relative_sqlite_path_is_anchored_at_the_project(tmp_path):
    from survey.config import PROJECT_ROOT, resolve_database_url

    assert resolve_database_url("sqlite:///instance/x.db") == (
        f"sqlite:///{PROJECT_ROOT / 'instance' / 'x.db'}"
    )
    assert resolve_database_url(f"sqlite:///{tmp_path}/y.db") == f"sqlite:///{tmp_path}/y.db"
    assert resolve_database_url("postgresql+psycopg://h/db") == "postgresql+psycopg://h/db"
