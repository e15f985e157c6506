"""``flask --app survey backup PATH`` and ``restore PATH``: SQLite's online backup, checked."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from survey import backup, create_app
from survey.config import PROJECT_ROOT
from survey.db import db
from survey.migrate import MIGRATIONS
from survey.models import Organisation

# The newest migration's revision, which a freshly made database is at.
HEAD = ScriptDirectory(str(MIGRATIONS)).get_current_head()


@pytest.fixture
def sqlite_app(tmp_path):
    """An app on a SQLite file brought to the newest migration, as ``init-db`` leaves it."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'live' / 'survey.db'}",
        }
    )
    (tmp_path / "live").mkdir()
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    yield app
    app.extensions["database"].engine.dispose()


def live_file(app) -> Path:
    return backup.sqlite_file(app.config["DATABASE_URL"])


def add_organisations(app, *names: str) -> None:
    with Session(app.extensions["database"].engine) as session:
        session.add_all(Organisation(name=name) for name in names)
        session.commit()


def organisations_in(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return [row[0] for row in connection.execute("SELECT name FROM organisation ORDER BY 1")]


def invoke(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def test_back_up_change_restore_and_the_data_is_back(sqlite_app, tmp_path):
    add_organisations(sqlite_app, "Acme Solar", "Helio")
    saved = tmp_path / "saved.db"
    made = invoke(sqlite_app, "backup", str(saved))
    assert made.exit_code == 0, made.output
    assert made.output.startswith(f"Backed up {live_file(sqlite_app)} to {saved} (")
    assert f"revision {HEAD}" in made.output

    with Session(sqlite_app.extensions["database"].engine) as session:
        session.scalar(select(Organisation).where(Organisation.name == "Helio")).name = "Renamed"
        session.add(Organisation(name="Added later"))
        session.commit()
    other_process = sqlite3.connect(live_file(sqlite_app))  # another app server, still open
    assert [row[0] for row in other_process.execute("SELECT count(*) FROM organisation")] == [3]

    restored = invoke(sqlite_app, "restore", str(saved), "--yes")
    assert restored.exit_code == 0, restored.output
    assert f"Restored {live_file(sqlite_app)} from {saved} (revision {HEAD})." in restored.output
    assert organisations_in(live_file(sqlite_app)) == ["Acme Solar", "Helio"]
    with Session(sqlite_app.extensions["database"].engine) as session:
        assert sorted(session.scalars(select(Organisation.name))) == ["Acme Solar", "Helio"]
    assert [row[0] for row in other_process.execute("SELECT count(*) FROM organisation")] == [2]
    other_process.close()
    assert sqlite_app.test_client().get("/health").get_json() == {
        "status": "ok",
        "database": "ok",
    }

    (kept,) = live_file(sqlite_app).parent.glob("survey.db.before-restore-*")
    assert f"Kept the replaced database as {kept}." in restored.output
    assert organisations_in(kept) == ["Acme Solar", "Added later", "Renamed"]


def test_a_backup_holds_what_is_still_in_the_write_ahead_log(sqlite_app, tmp_path):
    engine = sqlite_app.extensions["database"].engine
    with engine.connect() as holding:  # an open connection keeps SQLite from checkpointing
        holding.execute(text("SELECT 1"))
        add_organisations(sqlite_app, "Only in the log")
        wal = live_file(sqlite_app).with_name("survey.db-wal")
        assert wal.stat().st_size > 0
        saved = tmp_path / "saved.db"
        assert invoke(sqlite_app, "backup", str(saved)).exit_code == 0
    assert organisations_in(saved) == ["Only in the log"]
    assert not saved.with_name("saved.db-wal").exists()
    with closing(sqlite3.connect(saved)) as copy:
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)


def test_backups_taken_while_the_app_writes_are_whole(sqlite_app, tmp_path):
    done = threading.Event()

    def write() -> None:
        number = 0
        while not done.is_set():
            number += 1
            add_organisations(sqlite_app, f"Client {number}")

    writer = threading.Thread(target=write)
    writer.start()
    try:
        for attempt in range(5):
            saved = tmp_path / f"saved-{attempt}.db"
            backup.back_up(live_file(sqlite_app), saved)
            assert backup.check_our_database(saved) == HEAD
            names = organisations_in(saved)
            assert names == sorted(f"Client {n}" for n in range(1, len(names) + 1))
    finally:
        done.set()
        writer.join()


def test_restore_asks_for_yes_and_changes_nothing_without_it(sqlite_app, tmp_path):
    add_organisations(sqlite_app, "Acme Solar")
    saved = tmp_path / "saved.db"
    invoke(sqlite_app, "backup", str(saved))
    add_organisations(sqlite_app, "Kept")
    refused = invoke(sqlite_app, "restore", str(saved))
    assert refused.exit_code == 1
    assert (
        f"Error: This replaces the database {live_file(sqlite_app)} by {saved}; nothing was "
        "changed. Run again with --yes to go ahead" in refused.output
    )
    assert organisations_in(live_file(sqlite_app)) == ["Acme Solar", "Kept"]
    assert list(live_file(sqlite_app).parent.glob("*before-restore*")) == []


def refused_restore(app, path: Path) -> str:
    before = organisations_in(live_file(app))
    result = invoke(app, "restore", str(path), "--yes")
    assert result.exit_code == 1
    assert organisations_in(live_file(app)) == before
    assert list(live_file(app).parent.glob("*before-restore*")) == []
    return result.output


def test_a_file_that_is_not_a_database_is_refused(sqlite_app, tmp_path):
    add_organisations(sqlite_app, "Acme Solar")
    notes = tmp_path / "notes.db"
    notes.write_text("team path,e-mail,role\nGlobal,ada@acme.example,rep\n")
    assert f"Error: {notes} is not a SQLite database, so it was not used." in refused_restore(
        sqlite_app, notes
    )
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    assert "is not a SQLite database" in refused_restore(sqlite_app, empty)
    missing = tmp_path / "missing.db"
    assert f"Error: There is no file {missing}." in refused_restore(sqlite_app, missing)


def test_another_apps_sqlite_database_is_refused(sqlite_app, tmp_path):
    foreign = tmp_path / "foreign.db"
    with closing(sqlite3.connect(foreign)) as connection:
        connection.execute("CREATE TABLE organisation (id INTEGER PRIMARY KEY, name TEXT)")
        connection.commit()
    assert (
        f"Error: {foreign} is a SQLite database but not one of Mindset Survey's: it has no "
        "alembic_version table." in refused_restore(sqlite_app, foreign)
    )


def test_a_database_from_an_unknown_migration_is_refused(sqlite_app, tmp_path):
    saved = tmp_path / "saved.db"
    backup.back_up(live_file(sqlite_app), saved)
    with closing(sqlite3.connect(saved)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffff9999'")
        connection.commit()
    assert f"Error: {saved} is at migration revision ffff9999, which this version" in (
        refused_restore(sqlite_app, saved)
    )


def test_a_damaged_database_is_refused(sqlite_app, tmp_path):
    add_organisations(sqlite_app, *(f"Client {n}" for n in range(300)))
    saved = tmp_path / "saved.db"
    backup.back_up(live_file(sqlite_app), saved)
    data = bytearray(saved.read_bytes())
    page = 4096
    data[2 * page : 4 * page] = b"\xff" * (2 * page)  # overwrite two pages past the header
    saved.write_bytes(bytes(data))
    output = refused_restore(sqlite_app, saved)
    assert "Error: " in output and str(saved) in output
    assert "damaged" in output or "cannot be read as a SQLite database" in output


def test_backup_does_not_overwrite_a_file_or_write_into_a_missing_folder(sqlite_app, tmp_path):
    existing = tmp_path / "existing.db"
    existing.write_text("keep me")
    result = invoke(sqlite_app, "backup", str(existing))
    assert result.exit_code == 1
    assert f"Error: {existing} exists already; choose a new file name" in result.output
    assert existing.read_text() == "keep me"
    nowhere = tmp_path / "no-such-folder" / "saved.db"
    result = invoke(sqlite_app, "backup", str(nowhere))
    assert f"Error: There is no folder {nowhere.parent} to write the backup into." in result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["existing.db", "live"]


def test_restore_into_a_new_install_needs_no_yes(sqlite_app, tmp_path):
    add_organisations(sqlite_app, "Acme Solar")
    saved = tmp_path / "saved.db"
    backup.back_up(live_file(sqlite_app), saved)
    fresh = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}"})
    result = invoke(fresh, "restore", str(saved))
    assert result.exit_code == 0, result.output
    assert "Kept the replaced" not in result.output
    assert organisations_in(tmp_path / "fresh.db") == ["Acme Solar"]
    with fresh.app_context():
        assert db.session.scalar(select(Organisation.name)) == "Acme Solar"
    fresh.extensions["database"].engine.dispose()


@pytest.mark.parametrize(
    ("command", "tool"), [(["backup", "x.db"], "pg_dump"), (["restore", "x.db"], "pg_restore")]
)
def test_postgresql_is_pointed_to_pg_dump_and_pg_restore(tmp_path, command, tool):
    app = create_app(
        {"TESTING": True, "DATABASE_URL": "postgresql+psycopg://survey@127.0.0.1:9/survey"}
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        result = invoke(app, *command)
    assert result.exit_code == 1
    assert result.output.startswith("Error: The database is PostgreSQL: back it up with pg_dump")
    assert tool in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_in_memory_database_has_nothing_to_back_up(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})
    result = invoke(app, "backup", str(tmp_path / "x.db"))
    assert result.exit_code == 1
    assert "Error: The database lives in memory only; there is no file to back up." in (
        result.output
    )


@pytest.mark.slow
def test_the_flask_command_line_runs_backup(sqlite_app, tmp_path):
    add_organisations(sqlite_app, "Acme Solar")
    saved = tmp_path / "saved.db"
    environment = {**os.environ, "SURVEY_DATABASE_URL": sqlite_app.config["DATABASE_URL"]}
    flask = Path(sys.executable).with_name("flask")
    finished = subprocess.run(
        [str(flask), "--app", "survey", "backup", str(saved)],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.startswith("Backed up ")
    assert organisations_in(saved) == ["Acme Solar"]
