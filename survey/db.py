"""The database engine, one session per request, and the declarative base of all models.

SQLite runs with ``secure_delete`` on, so deleted rows are overwritten with zeros in the file
rather than left in free space. Deleted rows also live on as old page images in the write-ahead
log until it is checkpointed: code that deletes answers or drafts calls :func:`wipe_after_commit`
on its session, and once that session commits, the log is copied into the database file and
truncated (``PRAGMA wal_checkpoint(TRUNCATE)``). The checkpoint does not wait: while another
connection is reading, it does what it can and returns, and a later one finishes the job.

An app's engine wipes its log through a :class:`LogWiper`: the commits of one
``SQLITE_LOG_WIPE_SECONDS`` (1 s by default) share one checkpoint, made by a thread of the process,
which tries again every such delay until the log is empty. With 0, each commit checkpoints at once
in its own thread (tests, commands).
"""

from __future__ import annotations

import atexit
import logging
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from flask import Flask, current_app, g
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from survey.config import resolve_database_url

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLITE_BUSY_TIMEOUT_MS = 10_000
logger = logging.getLogger(__name__)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _configure_sqlite(dbapi_connection, _record) -> None:
    """WAL journal, a busy timeout and foreign keys on every SQLite connection."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def wipe_after_commit(session: Session) -> None:
    """Checkpoint and truncate SQLite's write-ahead log once ``session`` commits.

    For code that deletes drafts or answers: their old page images stay in the log until then.
    """
    session.info["wipe_log"] = True


def checkpoint_log(engine: Engine) -> bool:
    """Copy SQLite's write-ahead log into the database and truncate it, without waiting.

    Returns whether the log was emptied; ``False`` when a reader or writer kept it busy (or the
    database is not SQLite), in which case a later checkpoint finishes the job.
    """
    if engine.dialect.name != "sqlite":
        return False
    with engine.connect() as connection:
        cursor = connection.connection.driver_connection.cursor()
        try:
            cursor.execute("PRAGMA busy_timeout=0")
            busy, *_frames = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.OperationalError:
            busy = 1
        finally:
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.close()
    return busy == 0


class LogWiper:
    """Empties an SQLite engine's write-ahead log ``delay`` seconds after a commit asks, with one
    checkpoint for every commit that asked meanwhile; when readers keep the log busy, it tries
    again after another ``delay``, until the log is empty.

    A submission's own checkpoint cost about as much server time as the rest of its writes; under
    load, one a second does the same work for all of them.
    """

    def __init__(self, engine: Engine, delay: float) -> None:
        self.engine = engine
        self.delay = delay
        self._asked = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def ask(self) -> None:
        """Have the log emptied within ``delay`` seconds (at once, in this thread, if 0)."""
        if self.delay <= 0:
            checkpoint_log(self.engine)
            return
        with self._lock:
            if (
                self._thread is None
                or self._pid != os.getpid()  # forked since: the thread stayed in the parent
                or not self._thread.is_alive()
            ):
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="log-wiper", daemon=True)
                self._thread.start()
                atexit.register(self._before_exit)
        self._asked.set()

    def _before_exit(self) -> None:
        """A process that ends (a command, a worker stopped) does not leave its commits' pages
        in the log for the thread it stops."""
        checkpoint_log(self.engine)

    def _run(self) -> None:
        while True:
            self._asked.wait()
            time.sleep(self.delay)  # the commits of this delay share the checkpoint
            self._asked.clear()  # a commit from here on is covered, or asks again
            try:
                emptied = checkpoint_log(self.engine)
            except Exception:  # no connection to be had (a full pool, a disk error): try again
                logger.exception("The write-ahead log could not be checkpointed")
                emptied = False
            if not emptied:
                self._asked.set()


_WIPERS: WeakKeyDictionary[Engine, LogWiper] = WeakKeyDictionary()


@event.listens_for(Session, "after_commit")
def _wipe_log_if_asked(session: Session) -> None:
    if session.info.pop("wipe_log", False):
        bind = session.get_bind()
        engine = bind if isinstance(bind, Engine) else bind.engine
        wiper = _WIPERS.get(engine)
        if wiper is None:
            checkpoint_log(engine)
        else:
            wiper.ask()


def make_engine(url: str, log_wipe_seconds: float = 0.0) -> Engine:
    """An engine for ``url``; on SQLite, with WAL and the settings above, and a
    :class:`LogWiper` of ``log_wipe_seconds`` when above 0 (else each commit wipes at once)."""
    url = resolve_database_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _configure_sqlite)
        if log_wipe_seconds > 0:
            _WIPERS[engine] = LogWiper(engine, log_wipe_seconds)
        return engine
    return create_engine(url, pool_pre_ping=True)


@dataclass(frozen=True)
class _Bound:
    engine: Engine
    sessions: sessionmaker[Session]


class Database:
    """Gives each app its engine and each app context its own session, closed at teardown."""

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"], app.config["SQLITE_LOG_WIPE_SECONDS"])
        app.extensions["database"] = _Bound(engine, sessionmaker(engine, expire_on_commit=False))
        app.teardown_appcontext(self._close_session)

    @property
    def engine(self) -> Engine:
        return current_app.extensions["database"].engine

    @property
    def session(self) -> Session:
        if "db_session" not in g:
            g.db_session = current_app.extensions["database"].sessions()
        return g.db_session

    def create_all(self) -> None:
        Base.metadata.create_all(self.engine)

    def _close_session(self, _exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


db = Database()
