"""Migration 0007: the action plans' table, with at most three actions per team and wave."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from survey.db import make_engine
from survey.migrate import alembic_config, upgrade
from tests.survey.test_migration_0006 import NOW
from tests.survey.test_migration_0006 import ROWS as SETUP

ROWS = SETUP[:4]  # an organisation, its team, two assessments and a wave
ACTION = (
    "INSERT INTO planned_action (wave_id, team_id, slot, dimension, text, owner, due_on,"
    " created_at, updated_at) VALUES (1, 1, :slot, 'cooperation', 'Share', 'Ana', '2027-01-31',"
    " :now, :now)"
)


def test_upgrade_adds_plans_of_at_most_three_actions_and_downgrade_removes_them(
    database_url, tmp_path
):
    if not database_url.startswith("sqlite"):
        pytest.skip("the data is written in SQLite's dialect")
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    upgrade(engine, "0006")
    with engine.begin() as connection:
        for statement in ROWS:
            connection.execute(text(statement), {"now": NOW})
    upgrade(engine, "0007")
    with engine.begin() as connection:
        for slot in (1, 2, 3):
            connection.execute(text(ACTION), {"slot": slot, "now": NOW})
    for slot in (3, 4, 0):  # the same slot twice, and slots outside 1 to 3
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text(ACTION), {"slot": slot, "now": NOW})
    with engine.begin() as connection:
        assert connection.execute(text("SELECT count(*) FROM planned_action")).scalar() == 3
    command.downgrade(alembic_config(engine), "0006")
    assert "planned_action" not in inspect(engine).get_table_names()
    engine.dispose()
