"""Migration 0006: a ladder step's category becomes optional, words can be held back, and each
assessment has a threshold for showing words; existing rungs keep their category and words."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text

from survey.db import make_engine
from survey.migrate import alembic_config, upgrade

NOW = "2026-11-01 09:00:00"
ROWS = [
    "INSERT INTO organisation (id, name, created_at) VALUES (1, 'Acme', :now)",
    "INSERT INTO team (id, organisation_id, parent_id, name, department) VALUES"
    " (1, 1, NULL, 'Global', 'sales')",
    "INSERT INTO assessment (id, organisation_id, name, mode, min_group_size,"
    " rep_questionnaire_key, rep_questionnaire_version, rep_questionnaire_sha256, created_at)"
    " VALUES (1, 1, 'Mindset', 'anonymous', 5, 'rep-mindset', 1, 'x', :now),"
    " (2, 1, 'Strict', 'anonymous', 12, 'rep-mindset', 1, 'x', :now)",
    "INSERT INTO wave (id, assessment_id, name, opens_at, closes_at)"
    " VALUES (1, 1, 'Wave 1', :now, '2026-12-01 09:00:00')",
    "INSERT INTO response (id, wave_id, team_id, role, questionnaire_key, questionnaire_version,"
    ' "values", ladder_top) VALUES'
    " (987654321, 1, 1, 'rep', 'rep-mindset', 1, X'0102', 'customers')",
    "INSERT INTO ladder_rung (response_id, position, target, words) VALUES"
    " (987654321, 1, 'pay', NULL), (987654321, 2, 'customers', 'kept words')",
]


def test_upgrade_keeps_rungs_and_allows_words_without_a_category(database_url, tmp_path):
    if not database_url.startswith("sqlite"):
        pytest.skip("the data is written in SQLite's dialect")
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0005")
    with engine.begin() as connection:
        for statement in ROWS:
            connection.execute(text(statement), {"now": NOW})
    upgrade(engine, "0006")
    with engine.begin() as connection:

        def rows(query: str) -> list[tuple]:
            return [tuple(row) for row in connection.execute(text(query))]

        assert rows("SELECT position, target, words, held_back FROM ladder_rung") == [
            (1, "pay", None, 0),
            (2, "customers", "kept words", 0),
        ]
        # 10 by default; an assessment with k = 12 starts at its k, never below it.
        assert rows("SELECT id, comment_min_group_size FROM assessment ORDER BY id") == [
            (1, 10),
            (2, 12),
        ]
        connection.execute(
            text(
                "INSERT INTO ladder_rung (response_id, position, target, words)"
                " VALUES (987654321, 3, NULL, 'sorted later')"
            )
        )
        with pytest.raises(Exception, match="no such column: rowid"):
            connection.execute(text("SELECT rowid FROM ladder_rung"))
    config = alembic_config(engine)  # and back: a step without a category becomes "none"
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
    with engine.begin() as connection:
        rows = connection.execute(text("SELECT position, target FROM ladder_rung")).all()
        assert [tuple(row) for row in rows] == [(1, "pay"), (2, "customers"), (3, "none")]
    engine.dispose()
