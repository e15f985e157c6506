"""The rep's journey through the app: pages, Back, resume, submit, result, privacy."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, inspect, select

from survey.models import Draft, Invitation, LadderRung, Response
from survey.models.response import unpack_values
from tests.factories import make_invitation, make_person_invitation, make_team_link, make_world
from tests.survey.journey import answer_all, item_fields, page_form, pages_of

TIMES = (date, datetime)


def test_intro_says_what_is_asked_how_long_and_who_sees_what(client, app, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    html = client.get(f"/r/{token}").get_data(as_text=True)
    assert world.questionnaire.title in html
    assert f"about {world.questionnaire.minutes} minutes" in html
    assert "Who sees what" in html
    assert "anonymous" in html
    assert f'href="/r/{token}/1"' in html


def test_whole_journey_stores_one_response_and_shows_the_result(client, app, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    final = answer_all(client, token, world.questionnaire, value=6)
    assert final.headers["Location"].endswith("/thanks")

    stored = dbs.scalars(select(Response)).all()
    assert len(stored) == 1
    response = stored[0]
    assert response.team_id == world.teams["France"].id
    values = unpack_values(response.values)
    assert len(values) == len(world.questionnaire.items)
    assert set(values) == {6}
    rungs = dbs.scalars(select(LadderRung).order_by(LadderRung.position)).all()
    assert [(r.target, r.words) for r in rungs] == [
        ("customers", "Customers who trust us"),
        ("society", "less CO2 with every roof"),
    ]
    assert response.ladder_top == "society"  # where the ladder ends: its highest rung
    assert dbs.scalar(select(func.count()).select_from(Draft)) == 0

    thanks = client.get("/thanks").get_data(as_text=True)
    assert "Where you personally stand" in thanks
    for dimension in world.questionnaire.dimensions:
        assert dimension.name in thanks
    assert 'type="application/json" id="personal-spec"' in thanks
    assert "vendor/vega-bundle.js" in thanks


def test_used_link_is_refused_like_an_unknown_one(client, app, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    answer_all(app.test_client(), token, world.questionnaire)  # sent from another browser
    used = client.get(f"/r/{token}")
    unknown = client.get("/r/not-a-real-token-at-all")
    assert used.status_code == unknown.status_code == 404
    assert used.get_data() == unknown.get_data()


def test_closed_wave_looks_like_an_unknown_link(client, app, dbs):
    closed = make_world(dbs, wave_open=False)
    token = make_invitation(dbs, closed)
    unknown = client.get("/r/unknown-token")
    response = client.get(f"/r/{token}")
    assert response.status_code == 404
    assert response.get_data() == unknown.get_data()


def test_expired_invitation_is_refused(client, app, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    invitation = dbs.scalar(select(Invitation))
    invitation.expires_at = world.wave.opens_at
    dbs.commit()
    assert client.get(f"/r/{token}").status_code == 404


def test_back_keeps_answers_and_reopening_the_link_resumes(client, app, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    first, second = pages_of(world.questionnaire)[:2]
    assert page_form(client, token, 1, item_fields(first, 3)).status_code == 302
    partial = {f"q-{second.items[0].id}": "5"}
    back = page_form(client, token, 2, partial, action="back")
    assert back.headers["Location"].endswith(f"/r/{token}/1")

    fresh = app.test_client()  # another browser: the personal link alone resumes
    intro = fresh.get(f"/r/{token}").get_data(as_text=True)
    assert "Continue where" in intro and "page 2 of" in intro
    page_one = fresh.get(f"/r/{token}/1").get_data(as_text=True)
    for item in first.items:
        assert f'name="q-{item.id}" value="3"\n        checked' in page_one
    page_two = fresh.get(f"/r/{token}/2").get_data(as_text=True)
    assert f'name="q-{second.items[0].id}" value="5"\n        checked' in page_two


def test_pages_ahead_of_the_reached_one_redirect_back(client, app, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    response = client.get(f"/r/{token}/3")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/r/{token}/1")
    assert client.get(f"/r/{token}/99").status_code == 404


def test_anonymous_response_keeps_no_link_to_the_person(client, app, dbs):
    world = make_world(dbs, mode="anonymous")
    token = make_person_invitation(dbs, world, "ana@example.com")
    answer_all(client, token, world.questionnaire)
    response = dbs.scalar(select(Response))
    assert response.respondent_key is None
    columns = {column.key: column for column in inspect(Response).columns}
    assert {
        "id",
        "wave_id",
        "team_id",
        "role",
        "questionnaire_key",
        "questionnaire_version",
        "values",
        "respondent_key",
        "ladder_top",
        "channel",
    } <= set(columns)
    # Nothing that leads to a person, a link, a client or a time finer than the wave.
    assert not {"submitted_on", "invitation_id", "person_id", "ip", "user_agent"} & set(columns)
    assert not [key for key, column in columns.items() if column.type.python_type in TIMES]
    assert response.channel == "personal"


def test_confidential_response_carries_the_pseudonym_only(client, app, dbs):
    world = make_world(dbs, mode="confidential")
    token = make_person_invitation(dbs, world, "bo@example.com")
    answer_all(client, token, world.questionnaire)
    response = dbs.scalar(select(Response))
    invitation = dbs.scalar(select(Invitation))
    assert response.respondent_key == invitation.person.pseudonym
    assert "bo@example.com" not in (response.respondent_key or "")


def test_team_link_is_reusable_and_resumes_in_the_same_browser(client, app, dbs):
    world = make_world(dbs)
    token = make_team_link(dbs, world)
    first = pages_of(world.questionnaire)[0]
    page_form(client, token, 1, item_fields(first, 2))
    assert "Continue where" in client.get(f"/r/{token}").get_data(as_text=True)
    assert "Continue where" not in app.test_client().get(f"/r/{token}").get_data(as_text=True)
    answer_all(client, token, world.questionnaire)
    answer_all(app.test_client(), token, world.questionnaire)
    assert dbs.scalar(select(func.count()).select_from(Response)) == 2
