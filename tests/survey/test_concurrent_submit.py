"""Two simultaneous submissions through one personal link store exactly one response.

The app runs in a real threaded HTTP server; the two final POSTs are released together.
"""

from __future__ import annotations

import http.client
import threading
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from survey.models import Response
from survey.models._columns import utcnow
from survey.rep.entries import open_entry
from survey.rep.sealing import draft_key
from survey.rep.store import save_draft
from tests.conftest import csrf_from
from tests.factories import full_answers, make_invitation, make_world
from tests.survey.journey import pages_of

pytestmark = pytest.mark.slow
ROUNDS = 5


@pytest.fixture
def server(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_port
    httpd.shutdown()
    thread.join()


def _prepare(dbs, world) -> tuple[str, int]:
    """A link whose draft holds every answer, so only the final page is left."""
    token = make_invitation(dbs, world)
    pages = pages_of(world.questionnaire)
    entry = open_entry(dbs, token, utcnow())
    state = {
        "answers": full_answers(world.questionnaire),
        "ladder": [{"target": "customers", "words": "Customers who trust us"}],
        "ladder_done": True,
        "reached": len(pages),
    }
    save_draft(dbs, entry, None, state, draft_key(token))
    return token, len(pages)


def _request(port: int, method: str, path: str, body: str = "", cookie: str = ""):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    result = response.status, response.read().decode(), response.getheader("Set-Cookie") or ""
    connection.close()
    return result


def test_simultaneous_submissions_store_exactly_one_response(app, server, dbs):
    world = make_world(dbs)
    for _ in range(ROUNDS):
        token, last = _prepare(dbs, world)
        status, html, set_cookie = _request(server, "GET", f"/r/{token}/{last}")
        assert status == 200
        cookie = set_cookie.split(";", 1)[0]
        body = urlencode({"csrf_token": csrf_from(html), "action": "submit"})
        barrier = threading.Barrier(2)
        results: list[tuple[int, str]] = []

        def submit(
            body=body, cookie=cookie, token=token, last=last, barrier=barrier, results=results
        ):
            barrier.wait()
            status, text, _ = _request(server, "POST", f"/r/{token}/{last}", body, cookie)
            results.append((status, text))

        threads = [threading.Thread(target=submit) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        statuses = sorted(status for status, _ in results)
        assert statuses[0] == 302, results
        # The loser either raced past the link check and sees "already submitted" (409), or
        # arrived after the first commit and sees the page every used link gets (404).
        assert statuses[1] in (404, 409), statuses
        loser = max(results)[1]
        assert ("already submitted" in loser) or ("does not open a survey" in loser)

    dbs.expire_all()
    assert dbs.scalar(select(func.count()).select_from(Response)) == ROUNDS
