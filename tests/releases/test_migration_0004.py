"""Migration 0004 adds the tombstones' partner columns, keeping the rows, and takes them away."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from survey.db import make_engine
from survey.migrate import alembic_config, upgrade

PARTNERS = {"previous_partner_team_id", "next_partner_team_id"}


def _columns(engine) -> set[str]:
    with engine.connect() as connection:
        return {c["name"] for c in inspect(connection).get_columns("released_erasure")}


def _downgrade(engine, revision: str) -> None:
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_0004_up_and_down_on_sqlite(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    try:
        upgrade(engine, "0003")
        assert not PARTNERS & _columns(engine)
        with engine.begin() as connection:
            connection.execute(text("PRAGMA foreign_keys = OFF"))
            connection.execute(
                text(
                    "INSERT INTO released_erasure (wave_id, team_id, role, first_release, "
                    "last_release) VALUES (1, 2, 'rep', 1, 2)"
                )
            )
        upgrade(engine, "0004")
        assert _columns(engine) >= PARTNERS
        with engine.begin() as connection:
            row = connection.execute(
                text(
                    "SELECT team_id, last_release, previous_partner_team_id, "
                    "next_partner_team_id FROM released_erasure"
                )
            ).one()
            assert tuple(row) == (2, 2, None, None)
            connection.execute(text("UPDATE released_erasure SET next_partner_team_id = 7"))
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            assert version == "0004"

        _downgrade(engine, "0003")
        assert not PARTNERS & _columns(engine)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT team_id FROM released_erasure")).scalar() == 2
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            assert version == "0003"

        upgrade(engine)  # and up again
        assert _columns(engine) >= PARTNERS
    finally:
        engine.dispose()
