"""Migration 0005 adds the waves' own questionnaire versions and the careless-response columns,
keeping every row (existing waves ask their assessment's versions), and takes them away."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from survey.db import make_engine
from survey.migrate import alembic_config, upgrade

WAVE = {
    "rep_questionnaire_version",
    "rep_questionnaire_sha256",
    "manager_questionnaire_version",
    "manager_questionnaire_sha256",
}


def _columns(engine, table: str) -> set[str]:
    with engine.connect() as connection:
        return {c["name"] for c in inspect(connection).get_columns(table)}


def test_0005_up_and_down_on_sqlite(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    try:
        upgrade(engine, "0004")
        with engine.begin() as connection:
            connection.execute(text("PRAGMA foreign_keys = OFF"))
            connection.execute(
                text(
                    "INSERT INTO assessment (id, organisation_id, name, mode, min_group_size, "
                    "rep_questionnaire_key, rep_questionnaire_version, rep_questionnaire_sha256, "
                    "created_at) VALUES (1, 1, 'A', 'anonymous', 5, 'rep-mindset', 1, 'abc', "
                    "'2026-01-01 00:00:00')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO wave (id, assessment_id, name, opens_at, closes_at) VALUES "
                    "(1, 1, 'W', '2026-01-01 00:00:00', '2026-02-01 00:00:00')"
                )
            )
        upgrade(engine, "0005")
        assert _columns(engine, "wave") >= WAVE
        assert "careless" in _columns(engine, "response")
        with engine.connect() as connection:
            wave = connection.execute(
                text("SELECT name, rep_questionnaire_version FROM wave")
            ).one()
            assert tuple(wave) == ("W", None)  # None: the assessment's version
            left_out = connection.execute(text("SELECT careless_left_out FROM assessment"))
            assert not left_out.scalar()
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            assert version == "0005"

        config = alembic_config(engine)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0004")
        assert not WAVE & _columns(engine, "wave")
        assert "careless" not in _columns(engine, "response")
        assert "careless_left_out" not in _columns(engine, "assessment")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT name FROM wave")).scalar() == "W"
    finally:
        engine.dispose()
