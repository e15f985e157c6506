"""Survey links that open nothing all look alike, whatever the reason, and each counts as a guess.

Unknown, used, expired, replaced (a reminder gave a fresh link), revoked (the person was
deleted), and links to a wave that has closed or not opened yet: on every rep route the same
status, the same body and the same headers as an unknown link, so a response tells a guesser
nothing. Only tokens that match no link at all count towards the 429 for guessing
(``LINK_FAILURES_PER_BROWSER`` and ``LINK_FAILURES_PER_ADDRESS``); past it, links that exist but
open nothing are refused like them.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from survey.campaigns.issuing import reissue
from survey.erasure import erase_person
from survey.models import Invitation, TeamLink
from survey.models._columns import utcnow
from survey.tokens import new_token, token_hash
from tests.conftest import csrf_from
from tests.factories import (
    World,
    gen_invitation,
    gen_person,
    gen_person_invitation,
    gen_team_link,
    gen_wave,
    make_invitation,
    make_team_link,
    make_world,
)
from tests.survey.journey import answer_all


def dead_links(dbs) -> tuple[dict[str, str], World]:
    """A token of every kind that opens nothing, by kind, and an ``open`` one that works."""
    world = make_world(dbs)
    now = utcnow()
    france = world.teams["France"]
    closed = gen_wave(dbs, world.assessment, -timedelta(days=40), timedelta(days=20), "Closed")
    scheduled = gen_wave(dbs, world.assessment, timedelta(days=20), timedelta(days=20), "Later")
    emails = ("reminded@acme.example", "deleted@acme.example")
    people = [gen_person(dbs, france, email) for email in emails]
    reminded, deleted = (gen_person_invitation(dbs, world.wave, person) for person in people)
    tokens = {
        "unknown": new_token(),
        "open": make_invitation(dbs, world),
        "used": make_invitation(dbs, world),
        "expired invitation": make_invitation(dbs, world),
        "expired team link": make_team_link(dbs, world),
        "closed wave": gen_invitation(dbs, closed, france),
        "closed wave's team link": gen_team_link(dbs, closed, france, capacity=None),
        "wave not open yet": gen_invitation(dbs, scheduled, france),
        "replaced by a reminder": reminded,
        "revoked": deleted,
    }
    dbs.commit()
    reissue(dbs, [invitation_of(dbs, Invitation, reminded)], world.wave, now, 30)
    erase_person(dbs, people[1], delete_responses=False)
    for model, kind in ((Invitation, "expired invitation"), (TeamLink, "expired team link")):
        invitation_of(dbs, model, tokens[kind]).expires_at = now - timedelta(minutes=1)
    dbs.commit()
    return tokens, world


def invitation_of(dbs, model, token: str):
    return dbs.scalar(select(model).where(model.token_hash == token_hash(token)))


def test_every_link_that_opens_nothing_answers_like_an_unknown_one(app, client, dbs):
    app.config["LINK_FAILURES_PER_ADDRESS"] = "1000 per minute"
    tokens, world = dead_links(dbs)
    answer_all(app.test_client(), tokens["used"], world.questionnaire)
    assert client.get(f"/r/{tokens['open']}").status_code == 200
    csrf = csrf_from(client.get(f"/r/{tokens['open']}/1").get_data(as_text=True))

    def answers(token: str) -> dict[str, tuple]:
        found = {path: client.get(f"/r/{token}{path}") for path in ("", "/1", "/2", "/99")}
        data = {"csrf_token": csrf, "action": "next"}
        found["POST /1"] = client.post(f"/r/{token}/1", data=data)
        return {
            path: (r.status_code, sorted(r.headers.items()), r.get_data())
            for path, r in found.items()
        }

    answers(new_token())  # the session's first 404 page adds to the cookie, whatever the link
    unknown = answers(tokens["unknown"])
    assert {path: answer[0] for path, answer in unknown.items()} == dict.fromkeys(unknown, 404)
    for kind, token in tokens.items():
        if kind not in ("unknown", "open"):
            for path, answer in answers(token).items():
                assert answer == unknown[path], (kind, path)


@pytest.mark.parametrize("kind", ["used", "expired invitation", "closed wave"])
def test_links_that_exist_but_open_nothing_are_not_counted_as_guesses(app, client, dbs, kind):
    tokens, world = dead_links(dbs)
    if kind == "used":
        answer_all(app.test_client(), tokens["used"], world.questionnaire)
    app.config["LINK_FAILURES_PER_ADDRESS"] = "3 per minute"
    assert [client.get(f"/r/{tokens[kind]}").status_code for _ in range(6)] == [404] * 6
    assert [client.get(f"/r/{new_token()}").status_code for _ in range(3)] == [404] * 3
    refused = client.get(f"/r/{tokens['unknown']}")
    assert refused.status_code == 429
    assert tokens["unknown"] not in refused.get_data(as_text=True)
    assert client.get(f"/r/{tokens[kind]}").status_code == 429  # refused like a guess past it
    assert client.get(f"/r/{tokens['open']}").status_code == 200  # an open link never is


@pytest.mark.parametrize("kind", ["unknown", "revoked", "replaced by a reminder"])
def test_tokens_that_match_no_link_count_as_guesses(app, client, dbs, kind):
    tokens, _world = dead_links(dbs)
    app.config["LINK_FAILURES_PER_ADDRESS"] = "3 per minute"
    assert [client.get(f"/r/{tokens[kind]}").status_code for _ in range(3)] == [404] * 3
    refused = client.get(f"/r/{new_token()}")
    assert refused.status_code == 429
    assert client.get(f"/r/{tokens['open']}").status_code == 200
