"""The share-back link: a team's released results for its reps, without an account, exactly as
a manager of that team sees them, and nothing more."""

from __future__ import annotations

import logging
import re

import pytest
from babel.dates import format_date
from itsdangerous import URLSafeSerializer

from survey import share_back
from survey.request_log import LOGGER_NAME
from tests.auth.helpers import login
from tests.factories import make_invitation, make_team_link, make_world
from tests.survey.journey import answer_all

LINK = re.compile(r'href="http://[^"/]+/results/([^"]+)"')
BIG_NUMBER = re.compile(r'<p class="big-number">.*?</p>', re.S)
HEADLINE = re.compile(r'<section class="panel" aria-labelledby="h-headline">.*?</section>', re.S)
PENDING = "Results for your team appear here once the wave is released"


@pytest.fixture
def share_token(app):
    """Makes the token of a share-back link as the app does (it needs the app's secret)."""

    def make(assessment_id: int, team_id: int) -> str:
        with app.app_context():
            return share_back.share_token(assessment_id, team_id)

    return make


def dashboard_page(client, org, team: str) -> str:
    url = f"/dashboard/{org.assessment.id}/{org.teams[team].id}?wave={org.waves[-1].id}"
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def share_page(client, share_token, org, team: str, query: str = "") -> str:
    response = client.get(f"/results/{share_token(org.assessment.id, org.teams[team].id)}{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_link_shows_the_managers_figures_of_that_team_and_nothing_more(
    client, app, answered_org, share_token
):
    manager = app.test_client()
    login(manager, "p@example.com")
    managers = dashboard_page(manager, answered_org, "Paris")
    html = share_page(client, share_token, answered_org, "Paris")
    assert BIG_NUMBER.search(html).group(0) == BIG_NUMBER.search(managers).group(0)
    assert HEADLINE.search(html).group(0) == HEADLINE.search(managers).group(0)
    assert "Where Paris stands in Autumn" in html
    for outside in ("Global", "France", "Spain", "Product", answered_org.rival.name):
        assert outside not in html, outside
    # read-only: no drill-down, no downloads, no way into the logged-in pages
    for link in ('href="/dashboard', 'href="/login', 'href="/clients', ".csv", "Teams in "):
        assert link not in html, link
    # the charts load the local bundle only
    assert 'id="spec-' in html
    assert "vendor/vega-bundle.js" in html
    assert not re.search(r'src="(https?:)?//', html)


def test_a_team_above_shows_its_children_as_its_manager_does_without_drill_down(
    client, app, answered_org, share_token
):
    manager = app.test_client()
    login(manager, "f@example.com")
    managers = dashboard_page(manager, answered_org, "France")
    html = share_page(client, share_token, answered_org, "France")
    assert HEADLINE.search(html).group(0) == HEADLINE.search(managers).group(0)
    assert "Teams in France" in managers and "Teams in France" not in html
    assert "Product" not in html and "Global" not in html
    # Spain is named only where France's manager reads it too: why France's own cell is hidden
    assert html.count("Spain") == managers.count("Spain") > 0


def test_a_hidden_cell_shows_its_reason_and_no_figure(client, answered_org, share_token):
    html = share_page(client, share_token, answered_org, "Spain")
    assert "fewer than 5 answers" in html
    assert "big-number" not in html
    assert "spec-" not in html


def test_earlier_released_waves_can_be_picked(client, answered_org, share_token):
    html = share_page(
        client, share_token, answered_org, "Paris", f"?wave={answered_org.waves[0].id}"
    )
    assert "Where Paris stands in Spring" in html
    assert '<select id="wave" name="wave">' in html


def test_forged_and_unknown_links_get_the_same_neutral_404(client, app, answered_org, share_token):
    org = answered_org
    valid = share_token(org.assessment.id, org.teams["Paris"].id)
    unknown = client.get("/results/nothing-here")
    assert unknown.status_code == 404
    body = unknown.get_data(as_text=True)
    assert "Paris" not in body and org.organisation.name not in body
    assert client.get("/r/nothing-here").get_data(as_text=True) == body  # a survey link's 404
    payload, _, signature = valid.rpartition(".")
    other_salt = URLSafeSerializer(app.secret_key, salt="something else")
    other_key = URLSafeSerializer("another secret", salt="survey.share-back")
    forged = [
        f"{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}",
        other_salt.dumps([org.assessment.id, org.teams["Paris"].id]),
        other_key.dumps([org.assessment.id, org.teams["Paris"].id]),
        share_token(org.assessment.id, org.rival_team.id),  # another organisation's team
        share_token(org.assessment.id, 999999),
        share_token(999999, org.teams["Paris"].id),
    ]
    for token in forged:
        response = client.get(f"/results/{token}")
        assert response.status_code == 404, token
        assert response.get_data(as_text=True) == body, token
    wave_not_released = client.get(f"/results/{valid}?wave=999999")
    assert wave_not_released.status_code == 404
    assert wave_not_released.get_data(as_text=True) == body


def test_every_rep_of_a_team_gets_the_same_link_on_the_thank_you_page(app, dbs):
    world = make_world(dbs)
    first, second = make_invitation(dbs, world), make_team_link(dbs, world)
    other_team = make_invitation(dbs, world, "Spain")
    links = []
    for token in (first, second, other_team):
        rep = app.test_client()
        answer_all(rep, token, world.questionnaire)
        thanks = rep.get("/thanks").get_data(as_text=True)
        assert "See the results of your team when they are released" in thanks
        links.append(LINK.findall(thanks))
    assert links[0] == links[1] and len(links[0]) == 1
    assert links[2] != links[0] and len(links[2]) == 1
    # before any release the page says when results come, and shows no figure
    page = app.test_client().get(f"/results/{links[0][0]}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    closes = format_date(world.wave.closes_at, "long", locale="en")  # the |when filter's date
    assert PENDING in html and closes in html
    assert "big-number" not in html and "spec-" not in html


def test_consultants_find_each_teams_link_on_the_assessment_page(
    consultant_client, answered_org, share_token
):
    org = answered_org
    url = f"/clients/{org.organisation.id}/assessments/{org.assessment.id}"
    html = consultant_client.get(url).get_data(as_text=True)
    assert "Share results with reps" in html
    token = share_token(org.assessment.id, org.teams["Paris"].id)
    assert f"/results/{token}</code>" in html
    # Random tokens (links, CSRF) may hold the letters of a short team name: leave them out.
    assert org.rival_team.name not in re.sub(r"[A-Za-z0-9_.-]{20,}", "", html)


def test_the_token_is_redacted_in_the_request_log(client, answered_org, share_token):
    token = share_token(answered_org.assessment.id, answered_org.teams["Paris"].id)
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger(LOGGER_NAME)
    logger.addHandler(handler)
    try:
        client.get(f"/results/{token}")
        client.get(f"/results/{token}x")
    finally:
        logger.removeHandler(handler)
    text = "\n".join(record.getMessage() for record in records)
    assert token not in text
    assert text.count('"path": "/results/<token>"') == 2
