"""Guessing survey links is refused with 429 after a few tokens that match no link; a link that
opens a survey never is, whatever came from the same address before it."""

from __future__ import annotations

from survey.tokens import new_token
from tests.factories import make_invitation, make_team_link, make_world
from tests.survey.journey import answer_all


def test_guessing_links_reaches_429_and_good_links_do_not_count(app, client, dbs):
    app.config["LINK_FAILURES_PER_ADDRESS"] = "5 per minute"
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    for _ in range(10):  # opening a real link never counts
        assert client.get(f"/r/{token}").status_code == 200
    statuses = [client.get(f"/r/guess-{n}").status_code for n in range(5)]
    assert statuses == [404] * 5
    refused = client.get("/r/guess-6")
    assert refused.status_code == 429
    assert "Too many links that do not open a survey" in refused.get_data(as_text=True)
    assert client.get("/r/guess-7/1").status_code == 429


BROWSER = {"User-Agent": "Mozilla/5.0 (guesser)"}
COLLEAGUE = {"User-Agent": "Mozilla/5.0 (colleague)"}


def test_a_valid_link_opens_after_40_unknown_tokens_from_the_same_browser(app, client, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    team = make_team_link(dbs, world)
    client.environ_base["HTTP_USER_AGENT"] = BROWSER["User-Agent"]
    statuses = [client.get(f"/r/{new_token()}").status_code for _ in range(40)]
    assert statuses == [404] * 30 + [429] * 10  # LINK_FAILURES_PER_BROWSER, 30 by default
    for url in (f"/r/{token}", f"/r/{token}/1", f"/r/{team}", f"/r/{team}/1"):
        assert client.get(url).status_code == 200, url
    answer_all(client, token, world.questionnaire)  # every page posted, from the same browser
    assert client.get(f"/r/{new_token()}").status_code == 429


def test_a_valid_link_opens_even_past_the_ceiling_of_its_address(app, client, dbs):
    app.config["LINK_FAILURES_PER_ADDRESS"] = "5 per minute"
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    for n in range(8):
        client.get(f"/r/{new_token()}", headers={"User-Agent": f"agent {n}"})
    assert client.get(f"/r/{new_token()}", headers=COLLEAGUE).status_code == 429
    assert client.get(f"/r/{token}", headers=COLLEAGUE).status_code == 200


def test_one_browser_guessing_does_not_lock_out_another_behind_the_same_address(client, dbs):
    make_world(dbs)
    for _ in range(30):
        client.get(f"/r/{new_token()}", headers=BROWSER)
    assert client.get(f"/r/{new_token()}", headers=BROWSER).status_code == 429
    assert client.get(f"/r/{new_token()}", headers=COLLEAGUE).status_code == 404


def test_changing_the_user_agent_does_not_make_guessing_unlimited(app, client, dbs):
    app.config["LINK_FAILURES_PER_ADDRESS"] = "10 per minute"
    make_world(dbs)
    statuses = [
        client.get(f"/r/{new_token()}", headers={"User-Agent": f"agent {n}"}).status_code
        for n in range(12)
    ]
    assert statuses == [404] * 10 + [429] * 2


def test_40_requests_for_a_used_link_are_not_counted(app, client, dbs):
    world = make_world(dbs)
    used = make_invitation(dbs, world)
    answer_all(app.test_client(), used, world.questionnaire)
    for _ in range(40):
        assert client.get(f"/r/{used}", headers=BROWSER).status_code == 404
        assert client.get(f"/r/{used}/1", headers=BROWSER).status_code == 404
    statuses = [client.get(f"/r/{new_token()}", headers=BROWSER).status_code for _ in range(31)]
    assert statuses == [404] * 30 + [429]  # the guesses alone reach the limit


def test_links_that_exist_but_open_nothing_are_refused_like_guesses_past_the_limit(
    app, client, dbs
):
    """Not counted, but not exempt either: past the limit a used link gets the same 429 as an
    unknown token, so the answer does not tell which tokens are real."""
    app.config["LINK_FAILURES_PER_BROWSER"] = "3 per minute"
    world = make_world(dbs)
    used = make_invitation(dbs, world)
    answer_all(app.test_client(), used, world.questionnaire)
    for _ in range(3):
        client.get(f"/r/{new_token()}", headers=BROWSER)
    unknown = client.get(f"/r/{new_token()}", headers=BROWSER)
    refused = client.get(f"/r/{used}", headers=BROWSER)
    assert (refused.status_code, refused.get_data()) == (unknown.status_code, unknown.get_data())
    assert refused.status_code == 429
