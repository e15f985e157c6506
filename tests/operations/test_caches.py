"""Every app server keeps its own cache of figures; keyed by what they depend on in the
database, the caches of two servers never disagree, even after an answer is erased."""

from __future__ import annotations

from sqlalchemy import delete, select

from survey.db import db
from survey.index_precision import pooled_precision
from survey.models import Response
from survey.releases.store import release_closed_waves, remember_erased
from tests.auth.helpers import login
from tests.factories import rep_questionnaire
from tests.operations.helpers import another_server
from tests.quality.world import add_answers, simulated, text_of

POOLED = "/instruments/rep-mindset/1/quality"
BEFORE = "40 responses from 1 assessment (2 waves)"
AFTER = "20 responses from 1 assessment (1 wave)"


def released_twice(app, dbs, org) -> None:
    for w, wave in enumerate(org.waves):
        add_answers(dbs, wave, org.teams["France"], simulated(rep_questionnaire(), 20, w))
    with app.app_context():
        release_closed_waves(dbs, org.assessment)


def erase_one_answer(dbs, wave) -> None:
    """As a data-rights erasure does: a tombstone, then the response goes."""
    one = select(Response.id).where(Response.wave_id == wave.id).limit(1)
    which = Response.id.in_(one.scalar_subquery())
    remember_erased(dbs, which)
    dbs.execute(delete(Response).where(which))
    dbs.commit()


def test_an_erased_answer_leaves_the_pooled_page_of_every_server(
    app, consultant_client, dbs, reference_org, database_url
):
    org = reference_org
    released_twice(app, dbs, org)
    other = another_server(database_url)
    other_client = other.test_client()
    login(other_client, org.users["consultant"].email)
    for client in (consultant_client, other_client):  # each server caches the figures
        assert BEFORE in text_of(client.get(POOLED).get_data(as_text=True))

    erase_one_answer(dbs, org.waves[0])

    for client in (consultant_client, other_client):  # no cache cleared, no restart
        text = text_of(client.get(POOLED).get_data(as_text=True))
        assert AFTER in text
        assert "1 wave with an answer erased since its release was left out" in text
    other.extensions["database"].engine.dispose()


def test_the_pooled_precision_follows_an_erasure_too(app, dbs, reference_org):
    org = reference_org
    released_twice(app, dbs, org)
    with app.app_context():
        assert pooled_precision(db.session, rep_questionnaire()).n == 40
    erase_one_answer(dbs, org.waves[0])
    with app.app_context():
        assert pooled_precision(db.session, rep_questionnaire()).n == 20
