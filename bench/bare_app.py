"""The bare Flask baseline of the rep-journey benchmark: no session, no CSRF, no app code.

``GET /page/<n>`` renders ``n`` seven-point radio groups in a Jinja loop, without a database.
``POST /submit`` stores one submission (a response row and one row per answer) in one transaction
through SQLAlchemy and redirects to ``/thanks``, as the app's final submit does.

Served by gunicorn from the repository root::

    BENCH_DATABASE_URL=sqlite:////tmp/bare.db gunicorn -w 2 'bench.bare_app:create_app()'
"""

from __future__ import annotations

import os

from flask import Flask, abort, redirect, render_template, request
from jinja2 import DictLoader
from sqlalchemy import ForeignKey, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

MAX_ITEMS = 100
SUBMITTED_ITEMS = 30
SCALE = (
    "Strongly disagree",
    "Disagree",
    "Somewhat disagree",
    "Neither agree nor disagree",
    "Somewhat agree",
    "Agree",
    "Strongly agree",
)
PAGE_TEMPLATE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Page of {{ items|length }} statements</title></head>
<body>
<main>
<form method="post" action="/submit">
  {% for item in items %}
  <fieldset class="item">
    <legend>{{ item.text }}</legend>
    <div class="scale">
      {% for label in labels %}{% set value = loop.index %}
      <label><input type="radio" name="q-{{ item.id }}" value="{{ value }}"
        {% if answers.get(item.id) == value %}checked{% endif %}><span>{{ label }}</span></label>
      {% endfor %}
    </div>
  </fieldset>
  {% endfor %}
  <button type="submit">Send my answers</button>
</form>
</main>
</body>
</html>
"""


class Base(DeclarativeBase):
    pass


class Submission(Base):
    __tablename__ = "submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    answers: Mapped[list[Answer]] = relationship()


class Answer(Base):
    __tablename__ = "answer"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), primary_key=True)
    item: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int]


def _configure_sqlite(dbapi_connection, _record) -> None:
    """The app's SQLite settings: WAL journal, busy timeout, foreign keys, synchronous=NORMAL."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def sqlite_engine(database_url: str) -> Engine:
    """An engine on a SQLite file with the same pragmas as the app's."""
    engine = create_engine(database_url, connect_args={"timeout": 10})
    event.listen(engine, "connect", _configure_sqlite)
    return engine


def create_app(database_url: str | None = None) -> Flask:
    """The bare app on ``database_url`` (default: ``BENCH_DATABASE_URL``); creates its tables."""
    database_url = database_url or os.environ["BENCH_DATABASE_URL"]
    app = Flask(__name__)
    app.jinja_loader = DictLoader({"page.html": PAGE_TEMPLATE})
    engine = sqlite_engine(database_url)
    Base.metadata.create_all(engine)
    items = [
        {"id": number, "text": f"Statement number {number} about how sales work is done here."}
        for number in range(1, MAX_ITEMS + 1)
    ]

    @app.get("/page/<int:count>")
    def page(count: int):
        if not 1 <= count <= MAX_ITEMS:
            abort(404)
        return render_template("page.html", items=items[:count], labels=SCALE, answers={})

    @app.post("/submit")
    def submit():
        values = []
        for number in range(1, SUBMITTED_ITEMS + 1):
            raw = request.form.get(f"q-{number}", "")
            if not raw.isdigit() or not 1 <= int(raw) <= len(SCALE):
                abort(400)
            values.append(int(raw))
        with Session(engine) as session, session.begin():
            session.add(
                Submission(
                    answers=[
                        Answer(item=number, value=value)
                        for number, value in enumerate(values, start=1)
                    ]
                )
            )
        return redirect("/thanks")

    return app
