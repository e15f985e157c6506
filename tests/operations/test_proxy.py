"""Behind reverse proxies (``SURVEY_PROXY_HOPS``): the client's address and scheme they pass on
are trusted, hop by hop; their Host never is."""

from __future__ import annotations

import pytest
from flask import Flask, jsonify, request

from survey import create_app
from survey.config import proxy_hops
from tests.auth.helpers import login
from tests.conftest import csrf_from
from tests.operations.helpers import another_server

WHO = "/who-for-tests"
CLIENT, OTHER_CLIENT = "203.0.113.7", "203.0.113.8"


def behind(database_url: str, hops: int) -> Flask:
    app = another_server(database_url, PROXY_HOPS=hops, LOGIN_FAILURES_PER_ACCOUNT="3 per hour")
    app.add_url_rule(
        WHO, "who_for_tests", lambda: jsonify(request.remote_addr, request.scheme, request.host)
    )
    return app


def through_proxy(app: Flask, forwarded_for: str):
    """A client whose requests come from a proxy (127.0.0.1) that ended TLS, saying whom it
    forwards; its pages were at ``https://localhost`` (the Referer of its forms)."""
    client = app.test_client()
    client.environ_base.update(
        REMOTE_ADDR="127.0.0.1",
        HTTP_REFERER="https://localhost/login",
        HTTP_X_FORWARDED_FOR=forwarded_for,
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_X_FORWARDED_HOST="evil.example",
    )
    return client


@pytest.mark.parametrize(("hops", "seen"), [(0, ["127.0.0.1", "http"]), (1, [CLIENT, "https"])])
def test_the_forwarded_address_and_scheme_are_trusted_only_behind_a_proxy(database_url, hops, seen):
    app = behind(database_url, hops)
    address, scheme, host = through_proxy(app, f"198.51.100.1, {CLIENT}").get(WHO).get_json()
    # One hop: the address the proxy appended, not what the client wrote before it.
    assert [address, scheme] == seen
    assert host == "localhost"
    app.extensions["database"].engine.dispose()


@pytest.mark.parametrize(("hops", "other_client"), [(0, 429), (1, 401)])
def test_failed_logins_count_per_forwarded_address_only_behind_a_proxy(
    database_url, reference_org, hops, other_client
):
    app = behind(database_url, hops)
    email = reference_org.users["admin"].email
    first = through_proxy(app, CLIENT)
    assert [login(first, email, "wrong-password-123").status_code for _ in range(3)] == [401] * 3
    assert login(first, email, "wrong-password-123").status_code == 429
    # Without the proxy fix, everyone behind the proxy shares its address, and its refusal.
    second = through_proxy(app, OTHER_CLIENT)
    assert login(second, email, "wrong-password-123").status_code == other_client
    app.extensions["database"].engine.dispose()


@pytest.mark.usefixtures("app")  # the database's tables
def test_behind_a_tls_proxy_forms_need_the_host_the_browser_asked_for(database_url):
    """Over https, Flask-WTF checks that a form's Referer is this host: the proxy must pass the
    browser's Host on (nginx: ``proxy_set_header Host $host``), not its upstream's name."""
    app = behind(database_url, 1)
    client = through_proxy(app, CLIENT)
    for host, status in (("127.0.0.1:8000", 400), ("localhost", 401)):
        token = csrf_from(client.get("/login", headers={"Host": host}).get_data(as_text=True))
        form = {"email": "nobody@client.example", "password": "wrong-123", "csrf_token": token}
        assert client.post("/login", data=form, headers={"Host": host}).status_code == status
    app.extensions["database"].engine.dispose()


@pytest.mark.parametrize(("value", "hops"), [("0", 0), (" 2 ", 2), (1, 1)])
def test_proxy_hops_are_a_whole_number(value, hops):
    assert proxy_hops(value) == hops


@pytest.mark.parametrize("value", ["", "one", "-1", "1.5", "²", True])
def test_a_bad_number_of_proxy_hops_stops_the_app_from_starting(monkeypatch, tmp_path, value):
    monkeypatch.setenv("SURVEY_PROXY_HOPS", str(value))
    with pytest.raises(ValueError, match=r"^SURVEY_PROXY_HOPS must be a whole number, 0 or more"):
        create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'survey.db'}"})
