"""Team links cannot be stuffed: a capacity counted atomically, one answer per browser, a limit
per address, and answers stored with their channel."""

from __future__ import annotations

import http.client
import threading
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from survey.invitations import roster_capacity, team_link
from survey.models import Person, Response, TeamLink
from survey.models._columns import utcnow
from tests.conftest import csrf_from
from tests.factories import make_team_link, make_world
from tests.survey.journey import answer_all, answer_page, item_fields, page_form, pages_of

CONCURRENT = 6
CAPACITY = 3


def stored(dbs) -> int:
    dbs.expire_all()
    return dbs.scalar(select(func.count()).select_from(Response))


def test_answers_through_a_team_link_are_stored_as_such(app, client, dbs):
    world = make_world(dbs)
    token = make_team_link(dbs, world)
    answer_all(client, token, world.questionnaire)
    response = dbs.scalar(select(Response))
    assert (response.channel, response.respondent_key) == ("team_link", None)
    assert dbs.scalar(select(TeamLink.used)) == 1


def test_a_browser_answers_once_through_a_team_link(app, client, dbs):
    world = make_world(dbs)
    token = make_team_link(dbs, world)
    answer_all(client, token, world.questionnaire)
    for path in (f"/r/{token}", f"/r/{token}/1"):
        again = client.get(path)
        assert again.status_code == 409
        assert "already submitted" in again.get_data(as_text=True)
    first = pages_of(world.questionnaire)[0]
    csrf = csrf_from(client.get("/login").get_data(as_text=True))  # the session's token
    data = {"csrf_token": csrf, "action": "next", **item_fields(first)}
    refused = client.post(f"/r/{token}/1", data=data)
    assert refused.status_code == 409
    answer_all(app.test_client(), token, world.questionnaire)  # another browser may answer
    assert stored(dbs) == 2


def test_the_default_capacity_is_the_roster_of_that_role_below_the_team(app, dbs):
    world = make_world(dbs)
    france, sales = world.teams["France"], world.teams["Global"]
    for email, team, role in (
        ("a@acme.example", france, "rep"),
        ("b@acme.example", france, "rep"),
        ("c@acme.example", france, "manager"),
        ("d@acme.example", sales, "rep"),  # above France: not counted for France
    ):
        dbs.add(Person(organisation_id=world.organisation.id, team=team, email=email, role=role))
    dbs.commit()
    assert roster_capacity(dbs, france.id, "rep") == 2
    assert roster_capacity(dbs, sales.id, "rep") == 3  # France is below Global
    assert roster_capacity(dbs, sales.id, "manager") == 1
    assert roster_capacity(dbs, world.teams["Product"].id, "rep") == 1  # nobody: at least 1
    link = team_link(dbs, world.wave, france.id, "rep", utcnow(), 30)
    assert link.capacity == 2
    with pytest.raises(ValueError, match="between 1 and 10000"):
        team_link(dbs, world.wave, france.id, "rep", utcnow(), 30, capacity=0)


def test_a_full_team_link_says_so_and_stores_nothing_more(app, dbs):
    world = make_world(dbs)
    token = make_team_link(dbs, world, capacity=2)
    late = app.test_client()
    first = pages_of(world.questionnaire)[0]
    assert page_form(late, token, 1, item_fields(first)).status_code == 302  # a draft, early
    answer_all(app.test_client(), token, world.questionnaire)
    answer_all(app.test_client(), token, world.questionnaire)
    assert stored(dbs) == 2
    for browser in (late, app.test_client()):
        full = browser.get(f"/r/{token}")
        assert full.status_code == 409
        assert "has taken all the answers it can" in full.get_data(as_text=True)
    assert late.get(f"/r/{token}/2").status_code == 409
    assert stored(dbs) == 2
    assert dbs.scalar(select(TeamLink.used)) == 2


def test_team_link_submissions_are_limited_per_address(app, dbs):
    app.config["TEAM_LINK_SUBMITS_PER_ADDRESS"] = "2 per hour"
    world = make_world(dbs)
    token = make_team_link(dbs, world, capacity=10)
    answer_all(app.test_client(), token, world.questionnaire)
    answer_all(app.test_client(), token, world.questionnaire)
    third = app.test_client()
    pages = pages_of(world.questionnaire)
    for page in pages[:-1]:
        assert answer_page(third, token, page).status_code == 302
    refused = page_form(third, token, pages[-1].number, {}, action="submit")
    assert refused.status_code == 429
    assert "Too many answers from this network" in refused.get_data(as_text=True)
    assert stored(dbs) == 2
    assert "Continue where" in third.get(f"/r/{token}").get_data(as_text=True)  # kept


@pytest.fixture
def server(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_port
    httpd.shutdown()
    thread.join()


def _ready_to_submit(app, token: str, questionnaire) -> tuple[str, str, int]:
    """A browser whose draft holds every answer: its session cookie and the last page's form."""
    browser = app.test_client()
    pages = pages_of(questionnaire)
    for page in pages:
        assert answer_page(browser, token, page).status_code == 302
    last = pages[-1].number
    html = browser.get(f"/r/{token}/{last}").get_data(as_text=True)
    body = urlencode({"csrf_token": csrf_from(html), "action": "submit"})
    return f"session={browser.get_cookie('session').value}", body, last


def _post(port: int, path: str, body: str, cookie: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    connection.request("POST", path, body=body, headers=headers)
    status = connection.getresponse().status
    connection.close()
    return status


@pytest.mark.slow
def test_simultaneous_submissions_never_pass_the_capacity(app, server, dbs):
    app.config["TEAM_LINK_SUBMITS_PER_ADDRESS"] = "1000 per hour"
    world = make_world(dbs)
    token = make_team_link(dbs, world, capacity=CAPACITY)
    browsers = [_ready_to_submit(app, token, world.questionnaire) for _ in range(CONCURRENT)]
    barrier = threading.Barrier(CONCURRENT)
    statuses: list[int] = []

    def submit(cookie: str, body: str, last: int) -> None:
        barrier.wait()
        statuses.append(_post(server, f"/r/{token}/{last}", body, cookie))

    threads = [threading.Thread(target=submit, args=browser) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [302] * CAPACITY + [409] * (CONCURRENT - CAPACITY)
    assert stored(dbs) == CAPACITY
    assert dbs.scalar(select(TeamLink.used)) == CAPACITY
