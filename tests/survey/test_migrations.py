"""Alembic migrations build, from an empty database, exactly the schema the models declare."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from survey.db import Base, make_engine
from survey.migrate import upgrade


def _empty_engine(database_url: str):
    engine = make_engine(database_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS migrations_test CASCADE"))
            connection.execute(text("CREATE SCHEMA migrations_test"))
        engine.dispose()
        engine = create_engine(
            database_url, connect_args={"options": "-csearch_path=migrations_test"}
        )
    return engine


def test_upgrade_from_empty_to_head_matches_the_models(database_url):
    engine = _empty_engine(database_url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            assert set(Base.metadata.tables) <= tables
            assert "alembic_version" in tables
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
        upgrade(engine)  # a second run has nothing to do
    finally:
        if engine.dialect.name == "postgresql":
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA migrations_test CASCADE"))
        engine.dispose()


def test_a_database_made_from_the_models_is_adopted_and_a_different_one_refused(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'made.db'}")
    Base.metadata.create_all(engine)
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar()

    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    Base.metadata.create_all(other)
    with other.begin() as connection:
        connection.execute(text("ALTER TABLE organisation ADD COLUMN stray INTEGER"))
    with pytest.raises(RuntimeError, match="no migration history"):
        upgrade(other)
    engine.dispose()
    other.dispose()
