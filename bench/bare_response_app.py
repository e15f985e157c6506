"""The bare Flask + SQLAlchemy baseline of ``bench/load_submissions.py``: no session, no CSRF.

``POST /submit`` reads a whole response from the form (``q-<item>`` answers, ``ladder-<n>-target``
and ``ladder-<n>-words`` rungs, ``help-received`` and ``help-given`` team ids) and stores exactly
the rows that the app's final submit stores: one ``response`` row with the answers packed one byte
per item, its ladder rungs and its cooperation links, in one transaction, through the app's own
models and engine settings; then it redirects to ``/thanks``. ``GET /`` answers ``ready``.

Unlike ``bench/bare_app.py`` (the rep-journey baseline: its own two tables, SQLite only), it runs
on SQLite and PostgreSQL. Served by gunicorn from the repository root::

    BENCH_DATABASE_URL=sqlite:////tmp/bare.db BENCH_WAVE_ID=1 BENCH_TEAM_ID=2 \\
        gunicorn --workers 4 'bench.bare_response_app:create_app()'
"""

from __future__ import annotations

import os
import secrets

from flask import Flask, abort, redirect, request
from sqlalchemy.orm import Session

from bench._prepare import QUESTIONNAIRE
from questionnaires import load_directory
from survey.db import make_engine
from survey.models import CooperationLink, LadderRung, Response
from survey.models.response import pack_values

DIRECTIONS = ("received", "given")


def _number(raw: str, allowed: range) -> int:
    if not raw.isdigit() or int(raw) not in allowed:
        abort(400)
    return int(raw)


def create_app(database_url: str | None = None) -> Flask:
    """The bare app on ``database_url`` (default: ``BENCH_DATABASE_URL``), whose tables exist.

    Responses go to the wave ``BENCH_WAVE_ID`` and the team ``BENCH_TEAM_ID``.
    """
    engine = make_engine(database_url or os.environ["BENCH_DATABASE_URL"])
    wave_id = int(os.environ["BENCH_WAVE_ID"])
    team_id = int(os.environ["BENCH_TEAM_ID"])
    questionnaire = load_directory()[QUESTIONNAIRE]
    points = range(questionnaire.scale.min, questionnaire.scale.max + 1)
    item_fields = [f"q-{item.id}" for item in questionnaire.items]
    targets = {target.key for target in questionnaire.ladder.targets}
    app = Flask(__name__)

    @app.get("/")
    def ready():
        return "ready"

    @app.post("/submit")
    def submit():
        form = request.form
        values = [_number(form.get(field, ""), points) for field in item_fields]
        ladder = []
        for position in range(1, questionnaire.ladder.max_rungs + 1):
            target = form.get(f"ladder-{position}-target", "")
            if not target:
                break
            if target not in targets:
                abort(400)
            words = form.get(f"ladder-{position}-words", "")
            ladder.append(LadderRung(position=position, target=target, words=words or None))
        links = [
            CooperationLink(other_team_id=_number(raw, range(1, 2**31)), direction=direction)
            for direction in DIRECTIONS
            for raw in form.getlist(f"help-{direction}")
        ]
        with Session(engine) as session, session.begin():
            session.add(
                Response(
                    wave_id=wave_id,
                    team_id=team_id,
                    role="rep",
                    questionnaire_key=questionnaire.key,
                    questionnaire_version=questionnaire.version,
                    values=pack_values(values),
                    respondent_key=secrets.token_hex(16),
                    ladder=ladder,
                    cooperation=links,
                )
            )
        return redirect("/thanks")

    return app
