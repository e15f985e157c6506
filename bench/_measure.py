"""Pieces the benchmarks share: counting SQL and timing calls, and throw-away PostgreSQL
databases."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import psycopg
from flask import Flask
from sqlalchemy import event

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
Result = TypeVar("Result")


class Meter:
    """Counts SQL statements on the app's engine and times one call at a time."""

    def __init__(self, app: Flask) -> None:
        self.statements = 0
        event.listen(app.extensions["database"].engine, "before_cursor_execute", self._count)

    def _count(self, *_args) -> None:
        self.statements += 1

    def measure(self, call: Callable[[], Result]) -> tuple[Result, dict]:
        """The call's result, and its wall and CPU seconds and SQL statements."""
        before = self.statements
        wall, cpu = time.perf_counter(), time.process_time()
        result = call()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        return result, {"wall": wall, "cpu": cpu, "sql": self.statements - before}


@contextmanager
def postgres_databases(*names: str) -> Iterator[tuple[str, ...]]:
    """Fresh databases on the local PostgreSQL, by name (never ``test``, the tests'), as
    SQLAlchemy URLs; dropped at the end."""
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {name}")
        try:
            yield tuple(f"postgresql+psycopg://postgres@127.0.0.1:5432/{n}" for n in names)
        finally:
            for name in names:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
