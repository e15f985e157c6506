"""Every POST route of the app, sent by a logged-in admin without the CSRF token (as a forged
cross-site form would be): 400, and no table changes by a single row."""

from __future__ import annotations

from sqlalchemy import func, select

from survey.db import Base
from tests.factories import gen_hostile_invitation
from tests.security.routes import real_values, routes


def _row_counts(dbs) -> dict[str, int]:
    dbs.expire_all()
    return {
        table.name: dbs.scalar(select(func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
    }


def test_no_post_route_acts_without_the_csrf_token(hostile, dbs):
    token = gen_hostile_invitation(dbs, hostile)
    values = real_values(hostile, token)
    posts = [route for route in routes(hostile.app) if "POST" in route.methods]
    assert len(posts) > 40  # the users, two-factor, password and sign-on forms among them
    client = hostile.clients["admin"]
    before = _row_counts(dbs)
    refused = {}
    for route in posts:
        response = client.post(route.url(values), data={"email": "x@example.com", "code": "1"})
        refused[route.endpoint] = response.status_code
    assert {endpoint for endpoint, status in refused.items() if status != 400} == set()
    after = _row_counts(dbs)
    assert {
        name: (before[name], after[name]) for name in before if before[name] != after[name]
    } == {}
