"""The bare Flask + SQLAlchemy baseline of the rep's page and submit: no session, no CSRF.

``GET /page/<n>`` renders the questionnaire's first ``n`` items (their texts, the scale's seven
labels, each item's answer checked, as a rep's draft holds it) in a Jinja loop, without a database.
``GET /read/<token>`` renders the first ``ITEMS_PER_PAGE`` items with the answers of the draft it
reads as a rep's page must: the invitation of that token (by its hash) with its wave and draft in
one ORM statement, refused unless unused, unexpired and open, the draft unsealed with its key.
``POST /submit`` (ORM) and ``POST /submit-core`` (Core inserts, as the app) read a whole response
from the form (``q-<item>`` answers, ``ladder-<n>-target`` and ``ladder-<n>-words`` rungs,
``help-received`` and ``help-given`` team ids) and store exactly the rows that the app's final
submit stores: one ``response`` row with the answers packed one byte per item, its ladder rungs and
its cooperation links, in one transaction, through the app's own models and engine settings; then
they redirect to ``/thanks``. ``GET /`` answers ``ready``.

The baseline of ``bench/bench_rep_journey.py`` and ``bench/load_submissions.py``, on SQLite and
PostgreSQL. Served by gunicorn from the repository root::

    BENCH_DATABASE_URL=sqlite:////tmp/bare.db BENCH_WAVE_ID=1 BENCH_TEAM_ID=2 \\
        gunicorn --workers 4 'bench.bare_response_app:create_app()'
"""

from __future__ import annotations

import os
import secrets

from flask import Flask, abort, redirect, render_template, request
from jinja2 import DictLoader
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bench._prepare import ANSWER, ITEMS_PER_PAGE, QUESTIONNAIRE
from questionnaires import load_directory
from survey.db import make_engine
from survey.models import CooperationLink, Draft, Invitation, LadderRung, Response, Wave
from survey.models._columns import utcnow
from survey.models.response import new_response_id, pack_values
from survey.rep.sealing import draft_key, unseal
from survey.tokens import token_hash

DIRECTIONS = ("received", "given")
INSERT_RESPONSE = insert(Response.__table__)
INSERT_RUNGS = insert(LadderRung.__table__)
INSERT_LINKS = insert(CooperationLink.__table__)
READ_INVITATION = (
    select(Invitation, Wave, Draft)
    .join(Wave, Wave.id == Invitation.wave_id)
    .outerjoin(Draft, Draft.invitation_id == Invitation.id)
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
    answers = {item.id: ANSWER for item in questionnaire.items}
    app = Flask(__name__)
    app.jinja_loader = DictLoader({"page.html": PAGE_TEMPLATE})

    @app.get("/")
    def ready():
        return "ready"

    @app.get("/page/<int:count>")
    def page(count: int):
        if not 1 <= count <= len(questionnaire.items):
            abort(404)
        return render_template(
            "page.html",
            items=questionnaire.items[:count],
            labels=questionnaire.scale.labels,
            answers=answers,
        )

    @app.get("/read/<token>")
    def read_page(token: str):
        """A rep's first page as a bare app would serve it: the same rows read, then rendered."""
        with Session(engine) as session:
            found = session.execute(
                READ_INVITATION.where(Invitation.token_hash == token_hash(token))
            ).first()
        now = utcnow()
        if found is None:
            abort(404)
        invitation, wave, draft = found
        if invitation.used or invitation.expires_at <= now or not wave.is_open(now):
            abort(404)
        state = unseal(draft_key(token), draft.id, draft.sealed) if draft else None
        return render_template(
            "page.html",
            items=questionnaire.items[:ITEMS_PER_PAGE],
            labels=questionnaire.scale.labels,
            answers=(state or {}).get("answers", {}),
        )

    def read_form() -> tuple[list[int], list[dict], list[dict]]:
        """The answers, the rungs and the links of the posted response (400 when malformed)."""
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
            ladder.append({"position": position, "target": target, "words": words or None})
        links = [
            {"other_team_id": _number(raw, range(1, 2**31)), "direction": direction}
            for direction in DIRECTIONS
            for raw in form.getlist(f"help-{direction}")
        ]
        return values, ladder, links

    def response_row(values: list[int]) -> dict:
        return {
            "wave_id": wave_id,
            "team_id": team_id,
            "role": "rep",
            "questionnaire_key": questionnaire.key,
            "questionnaire_version": questionnaire.version,
            "values": pack_values(values),
            "respondent_key": secrets.token_hex(16),
        }

    @app.post("/submit")
    def submit():
        """The rows through the ORM's unit of work (the plain way; the issue's baseline)."""
        values, ladder, links = read_form()
        with Session(engine) as session, session.begin():
            session.add(
                Response(
                    **response_row(values),
                    ladder=[LadderRung(**rung) for rung in ladder],
                    cooperation=[CooperationLink(**link) for link in links],
                )
            )
        return redirect("/thanks")

    @app.post("/submit-core")
    def submit_core():
        """The same rows through Core inserts built once, as the app's submit stores them."""
        values, ladder, links = read_form()
        response_id = new_response_id()
        row = {**response_row(values), "id": response_id}
        row["ladder_top"] = ladder[-1]["target"] if ladder else None
        with engine.begin() as connection:
            connection.execute(INSERT_RESPONSE, row)
            if ladder:
                connection.execute(
                    INSERT_RUNGS, [{**rung, "response_id": response_id} for rung in ladder]
                )
            if links:
                connection.execute(
                    INSERT_LINKS, [{**link, "response_id": response_id} for link in links]
                )
        return redirect("/thanks")

    return app
