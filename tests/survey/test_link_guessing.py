"""Guessing survey links is refused with 429 after a few links that open nothing."""

from __future__ import annotations

from tests.factories import make_invitation, make_world


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
