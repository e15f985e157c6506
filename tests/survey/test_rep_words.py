"""The words are true: the intro says who sees what in this mode and through this link, with the
assessment's real k; the thank-you page is shown once and its scores leave the session."""

from __future__ import annotations

from tests.factories import make_invitation, make_team_link, make_world
from tests.survey.journey import answer_all


def intro(client, dbs, mode: str, team_link: bool = False, k: int = 7) -> str:
    world = make_world(dbs, mode=mode)
    world.assessment.min_group_size = k
    dbs.commit()
    token = make_team_link(dbs, world) if team_link else make_invitation(dbs, world)
    return " ".join(client.get(f"/r/{token}").get_data(as_text=True).split())


def test_anonymous_personal_link(client, dbs):
    html = intro(client, dbs, "anonymous")
    assert "Managers see only released results of groups of 7 or more people" in html
    assert "never anyone's own answers" in html
    assert "Consultants can export the answers without names" in html
    assert "nothing links your answers to you" in html
    assert "This link is yours alone and works once" in html
    assert "pseudonym" not in html and "team link" not in html


def test_confidential_personal_link(client, dbs):
    html = intro(client, dbs, "confidential", k=4)
    assert "groups of 4 or more people" in html
    assert "a pseudonym) that links your answers across the rounds of this survey" in html
    assert "never your name or your e-mail" in html
    assert "nothing links your answers to you" not in html


def test_confidential_team_link(client, dbs):
    html = intro(client, dbs, "confidential", team_link=True)
    assert "This is a team link, shared by your team" in html
    assert "Answers through team links are counted apart" in html
    assert "they are not paired with your answers in other rounds" in html
    assert "pseudonym" not in html
    assert "This link is yours alone" not in html


def session_data(app, client) -> dict:
    cookie = client.get_cookie("session")
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.loads(cookie.value) if cookie else {}


def test_the_thank_you_page_is_shown_once(app, client, dbs):
    world = make_world(dbs)
    world.assessment.min_group_size = 6
    dbs.commit()
    token = make_invitation(dbs, world)
    answer_all(client, token, world.questionnaire)
    assert "result" in session_data(app, client)

    first = client.get("/thanks").get_data(as_text=True)
    assert "Where you personally stand" in first
    assert "groups of 6 or more people" in first
    assert "result" not in session_data(app, client)

    again = client.get("/thanks")
    assert again.status_code == 200
    html = again.get_data(as_text=True)
    assert "Where you personally stand" not in html
    assert "already submitted" in html
