"""Migration 0002 keeps the answers and what refers to them, drops dates and plain drafts."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from survey.db import make_engine
from survey.migrate import upgrade

NOW = "2026-11-01 09:00:00"
ROWS = [
    "INSERT INTO organisation (id, name, created_at) VALUES (1, 'Acme', :now)",
    "INSERT INTO team (id, organisation_id, parent_id, name, department) VALUES"
    " (1, 1, NULL, 'Global', 'sales'), (2, 1, 1, 'France', 'sales'), (3, 1, 2, 'Paris', 'sales')",
    "INSERT INTO person (id, organisation_id, team_id, email, role, pseudonym, created_at) VALUES"
    " (1, 1, 2, 'a@x.example', 'rep', 'p1', :now), (2, 1, 3, 'b@x.example', 'rep', 'p2', :now),"
    " (3, 1, 3, 'c@x.example', 'rep', 'p3', :now), (4, 1, 2, 'd@x.example', 'manager', 'p4', :now)",
    "INSERT INTO assessment (id, organisation_id, name, mode, min_group_size,"
    " rep_questionnaire_key, rep_questionnaire_version, rep_questionnaire_sha256, created_at)"
    " VALUES (1, 1, 'Mindset', 'anonymous', 5, 'rep-mindset', 1, 'x', :now)",
    "INSERT INTO wave (id, assessment_id, name, opens_at, closes_at)"
    " VALUES (1, 1, 'Wave 1', :now, '2026-12-01 09:00:00')",
    "INSERT INTO invitation (id, wave_id, team_id, person_id, role, token_hash, created_at,"
    " expires_at, used_on) VALUES (1, 1, 3, 2, 'rep', 'h1', :now, :now, '2026-11-02'),"
    " (2, 1, 3, 3, 'rep', 'h2', :now, :now, NULL)",
    "INSERT INTO response (id, wave_id, team_id, role, questionnaire_key, questionnaire_version,"
    ' "values", submitted_on, respondent_key, ladder_top) VALUES'
    " (987654321, 1, 3, 'rep', 'rep-mindset', 1, X'0102', '2026-11-02', NULL, 'customers')",
    "INSERT INTO ladder_rung (response_id, position, target, words) VALUES"
    " (987654321, 1, 'customers', 'kept words')",
    "INSERT INTO cooperation_link (response_id, other_team_id, direction) VALUES"
    " (987654321, 1, 'given')",
    "INSERT INTO team_link (id, wave_id, team_id, role, token_hash, created_at, expires_at)"
    " VALUES (1, 1, 2, 'rep', 't1', :now, :now), (2, 1, 1, 'manager', 't2', :now, :now)",
    "INSERT INTO draft (id, invitation_id, team_link_id, state, updated_at) VALUES"
    ' (1, 2, NULL, \'{"answers": {"a": 1}}\', :now)',
    "INSERT INTO mail_batch (id, wave_id, kind, created_at, updated_at) VALUES"
    " (1, 1, 'invitation', :now, :now)",
    "INSERT INTO mail_delivery (id, batch_id, invitation_id, status) VALUES"
    " (1, 1, 1, 'sent'), (2, 1, 2, 'sent')",
]


def test_upgrade_from_0001_keeps_answers_and_links_and_drops_dates(database_url, tmp_path):
    if not database_url.startswith("sqlite"):
        pytest.skip("the data is written in SQLite's dialect")
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0001")
    with engine.begin() as connection:
        for statement in ROWS:
            connection.execute(text(statement), {"now": NOW})
    upgrade(engine, "0002")
    with engine.connect() as connection:

        def rows(query: str) -> list[tuple]:
            return [tuple(row) for row in connection.execute(text(query))]

        assert rows("SELECT id, used FROM invitation ORDER BY id") == [(1, 1), (2, 0)]
        assert rows("SELECT id, channel, ladder_top FROM response") == [
            (987654321, "personal", "customers")
        ]
        assert rows("SELECT response_id, words FROM ladder_rung") == [(987654321, "kept words")]
        assert rows("SELECT response_id, direction FROM cooperation_link") == [(987654321, "given")]
        assert rows("SELECT COUNT(*) FROM mail_delivery") == [(2,)]
        # France's reps: its own one and Paris's two; Global's managers: France's one.
        links = rows("SELECT id, capacity, used FROM team_link ORDER BY id")
        assert links == [(1, 3, 0), (2, 1, 0)]
        assert rows("SELECT COUNT(*) FROM draft") == [(0,)]
        columns = {row[1] for row in connection.execute(text("PRAGMA table_info(response)"))}
        assert "submitted_on" not in columns
        columns = {row[1] for row in connection.execute(text("PRAGMA table_info(invitation)"))}
        assert "used_on" not in columns
        for table in ("ladder_rung", "cooperation_link"):
            with pytest.raises(Exception, match="no such column: rowid"):
                connection.execute(text(f"SELECT rowid FROM {table}"))
    engine.dispose()
