"""Back up and restore the SQLite database, also while the app runs; PostgreSQL has its own tools.

Both directions go through SQLite's online backup API (``sqlite3.Connection.backup``): it copies
the database page by page under SQLite's own locks, so the copy is one consistent state that
includes what is still in the write-ahead log, and app servers may keep reading and writing.
A backup is a single self-contained file (rollback journal, no ``-wal`` beside it).
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing  # a sqlite3 connection's own `with` commits, never closes
from datetime import datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from survey.config import resolve_database_url
from survey.migrate import MIGRATIONS

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_SECONDS = 30
POSTGRESQL_ADVICE = (
    "The database is PostgreSQL: back it up with pg_dump and restore it with pg_restore, e.g. "
    "`pg_dump --format=custom --file=survey.dump DATABASE_URL` and "
    "`pg_restore --clean --if-exists --no-owner --dbname=DATABASE_URL survey.dump` "
    "(DATABASE_URL in libpq form, postgresql://user@host/db). See README, Operations."
)


class BackupRefused(ValueError):
    """A backup or restore that cannot go ahead; the message says why, for the command line."""


def sqlite_file(database_url: str) -> Path:
    """The file behind a SQLite ``database_url``.

    Raises
    ------
    BackupRefused
        For PostgreSQL (with the pg_dump advice), other databases, and in-memory SQLite.
    """
    url = make_url(resolve_database_url(database_url))
    backend = url.get_backend_name()
    if backend == "postgresql":
        raise BackupRefused(POSTGRESQL_ADVICE)
    if backend != "sqlite":
        raise BackupRefused(f"Backups are made for SQLite only, not for {backend}.")
    if not url.database or url.database == ":memory:":
        raise BackupRefused("The database lives in memory only; there is no file to back up.")
    return Path(url.database)


def known_revisions() -> set[str]:
    """Every revision of the app's Alembic migrations."""
    return {script.revision for script in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}


def check_our_database(path: Path) -> str:
    """The Alembic revision of the Mindset Survey database at ``path``.

    Raises
    ------
    BackupRefused
        When the file is missing, not SQLite, damaged, or not one of this app's databases (no
        ``alembic_version`` table, or a revision these migrations do not know).
    """
    if not path.is_file():
        raise BackupRefused(f"There is no file {path}.")
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupRefused(f"{path} is not a SQLite database, so it was not used.")
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            problems = [row[0] for row in db.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupRefused(f"{path} is damaged ({problems[0]}), so it was not used.")
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            if "alembic_version" not in tables:
                raise BackupRefused(
                    f"{path} is a SQLite database but not one of Mindset Survey's: it has no "
                    "alembic_version table."
                )
            revisions = [row[0] for row in db.execute("SELECT version_num FROM alembic_version")]
    except sqlite3.DatabaseError as error:
        raise BackupRefused(f"{path} cannot be read as a SQLite database ({error}).") from None
    if len(revisions) != 1 or revisions[0] not in known_revisions():
        raise BackupRefused(
            f"{path} is at migration revision {', '.join(revisions) or 'none'}, which this "
            "version of Mindset Survey does not know; restore it with the version that made it."
        )
    return revisions[0]


def back_up(source: Path, target: Path) -> None:
    """Copy the live database ``source`` into the new file ``target``, consistently.

    The copy is written beside ``target`` and renamed into place once complete and checked, so
    ``target`` is never a half-written file.

    Raises
    ------
    BackupRefused
        When ``source`` is missing or ``target`` exists already.
    """
    if not source.is_file():
        raise BackupRefused(f"There is no database at {source} to back up.")
    if target.exists():
        raise BackupRefused(f"{target} exists already; choose a new file name for the backup.")
    if not target.parent.is_dir():
        raise BackupRefused(f"There is no folder {target.parent} to write the backup into.")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        _copy(source, partial)
        with closing(sqlite3.connect(partial)) as copy:
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise BackupRefused(f"The copy of {source} failed its integrity check: {problems[0]}.")
        _fsync(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def restore(backup: Path, target: Path, now: datetime) -> Path | None:
    """Replace the database ``target`` by the contents of ``backup``; returns the kept copy.

    ``backup`` must be one of this app's databases (``check_our_database``). The database being
    replaced is first backed up beside itself as ``<name>.before-restore-<UTC time>``; that
    copy's path is returned, or ``None`` when there was no database yet. The pages are written
    into ``target`` through SQLite's locks, so running app servers see either the old database
    or the restored one, never a mix.
    """
    check_our_database(backup)
    kept = None
    if target.exists():
        kept = target.with_name(f"{target.name}.before-restore-{now:%Y%m%d-%H%M%S}")
        back_up(target, kept)
    _copy(backup, target)
    return kept


def _copy(source: Path, target: Path) -> None:
    """All pages of ``source`` into ``target`` in one step of the online backup API."""
    with (
        closing(sqlite3.connect(source, timeout=BUSY_TIMEOUT_SECONDS)) as reading,
        closing(sqlite3.connect(target, timeout=BUSY_TIMEOUT_SECONDS)) as writing,
    ):
        reading.backup(writing)


def _fsync(path: Path) -> None:
    with path.open("rb") as file:
        os.fsync(file.fileno())
