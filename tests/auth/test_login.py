"""Logging in and out: credentials, the session cookie, CSRF, redirects and failed-login limits."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from flask import Flask
from flask_login import login_required

from survey import create_app
from survey.auth.redirects import local_path
from survey.auth.routes import FAILED_MESSAGE
from survey.auth.throttle import REFUSED_MESSAGE
from survey.config import wants_secure_cookies
from tests.auth.helpers import PASSWORD, login, logout
from tests.conftest import csrf_from, without_csrf

PRIVATE = "/private-for-tests"
EMAIL = "admin@example.com"  # the reference organisation's admin


@pytest.fixture
def app(app: Flask) -> Flask:
    """The shared app, plus one page behind login, added before the first request."""
    app.add_url_rule(PRIVATE, "private_for_tests", login_required(lambda: "private page"))
    app.config["LOGIN_FAILURE_DELAY_SECONDS"] = 0
    return app


@pytest.fixture
def user(reference_org):
    """The admin of the reference organisation, who logs in with ``EMAIL``."""
    return reference_org.users["admin"]


def session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else ""


def test_login_redirects_to_the_dashboard_or_to_a_local_next(client, user):
    response = login(client, EMAIL)
    assert response.status_code == 302
    assert response.location == "/dashboard/"
    assert client.get(PRIVATE).get_data(as_text=True) == "private page"

    other = client.application.test_client()
    response = login(other, " ADMIN@Example.COM ", next_path=PRIVATE + "?wave=2")
    assert response.status_code == 302
    assert response.location == PRIVATE + "?wave=2"


def test_wrong_password_and_unknown_email_get_the_same_401_page(client, user):
    wrong = login(client, EMAIL, "not-the-right-password")
    unknown = login(client, "nobody@client.example", "not-the-right-password")
    assert wrong.status_code == unknown.status_code == 401
    assert str(FAILED_MESSAGE) in wrong.get_data(as_text=True)
    pages = [
        without_csrf(response.get_data(as_text=True)).replace(email, "E-MAIL")
        for response, email in ((wrong, EMAIL), (unknown, "nobody@client.example"))
    ]
    assert pages[0] == pages[1]
    assert "not-the-right-password" not in pages[0]
    assert client.get(PRIVATE).status_code == 302


def test_an_empty_form_is_422_and_logs_nobody_in(client, user):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": EMAIL, "password": "", "csrf_token": token})
    assert response.status_code == 422
    assert client.get(PRIVATE).status_code == 302


def test_login_starts_a_new_session_in_an_httponly_lax_cookie(client, user):
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    before = session_cookie(client)

    response = login(client, EMAIL)

    set_cookie = response.headers["Set-Cookie"]
    assert set_cookie.startswith("session=")
    assert "HttpOnly" in set_cookie
    assert "SameSite=Lax" in set_cookie
    assert "Secure" not in set_cookie  # tests run on http; see test_cookies_are_secure_...
    assert session_cookie(client) != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == f"{user.id}:{user.session_version}"


def test_logout_ends_the_session(client, user):
    login(client, EMAIL)
    assert client.get(PRIVATE).status_code == 200

    response = logout(client)

    assert response.status_code == 302
    assert response.location == "/login"
    assert "You are logged out." in client.get("/login").get_data(as_text=True)
    again = client.get(PRIVATE)
    assert again.status_code == 302
    assert again.location == "/login?next=" + quote(PRIVATE, safe="")
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_logout_also_ends_copies_of_the_old_session_cookie(app, client, user):
    login(client, EMAIL)
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    assert copy.get(PRIVATE).status_code == 200

    logout(client)

    assert copy.get(PRIVATE).status_code == 302
    login(client, EMAIL)
    assert client.get(PRIVATE).status_code == 200


def test_logout_needs_a_post_with_the_csrf_token(client, user):
    login(client, EMAIL)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get(PRIVATE).status_code == 200


def test_csrf_stays_on_for_login(client, user):
    client.get("/login")
    response = client.post("/login", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get(PRIVATE).status_code == 302


def test_an_anonymous_visitor_is_sent_to_login_and_back(client, user):
    response = client.get(PRIVATE)
    assert response.status_code == 302
    assert response.location == "/login?next=" + quote(PRIVATE, safe="")
    page = client.get(response.location).get_data(as_text=True)
    assert "Please log in to see this page." in page

    assert login(client, EMAIL, next_path=PRIVATE).location == PRIVATE


@pytest.mark.parametrize(
    "target",
    ["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", ""],
)
def test_next_never_leaves_the_site(client, user, target):
    response = login(client, EMAIL, next_path=target)
    assert response.status_code == 302
    assert response.location == "/dashboard/"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/dashboard/teams/3?wave=2", "/dashboard/teams/3?wave=2"),
        ("/", "/"),
        (None, None),
        ("dashboard", None),
        ("https://evil.example/", None),
        ("//evil.example", None),
        ("///evil.example", None),
        ("/\\evil.example", None),
        ("/\tevil", None),
        ("http:/evil.example", None),
    ],
)
def test_local_path_keeps_only_paths_on_this_site(target, expected):
    assert local_path(target) == expected


def test_a_session_with_a_bad_or_stale_user_id_is_anonymous(client, user, dbs):
    for user_id in ("not-a-number", "999999:0", f"{user.id}", f"{user.id}:7", f"{user.id}:x"):
        with client.session_transaction() as session:
            session["_user_id"] = user_id
        assert client.get(PRIVATE).status_code == 302


def test_failed_logins_on_one_account_reach_429_then_even_the_right_password_is_refused(
    app, client, user
):
    app.config["LOGIN_FAILURES_PER_ACCOUNT"] = "3 per hour"
    statuses = [login(client, EMAIL, "wrong-password-123").status_code for _ in range(3)]
    assert statuses == [401, 401, 401]

    refused = login(client, EMAIL)
    assert refused.status_code == 429
    assert str(REFUSED_MESSAGE) in refused.get_data(as_text=True)
    assert client.get(PRIVATE).status_code == 302
    # Another account from the same address is still open (below the per-address limit).
    assert login(client, "someone@client.example", "wrong-password-123").status_code == 401


def test_failed_logins_from_one_address_reach_429_across_accounts(app, client, user):
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = "4 per hour"
    for number in range(4):
        assert login(client, f"guess{number}@client.example", "guess-guess-1").status_code == 401
    assert login(client, EMAIL).status_code == 429


def test_only_failed_logins_count(app, client, user):
    app.config["LOGIN_FAILURES_PER_ACCOUNT"] = "2 per hour"
    assert login(client, EMAIL, "wrong-password-123").status_code == 401
    for _ in range(5):
        assert login(client, EMAIL).status_code == 302
        logout(client)
    assert login(client, EMAIL, "wrong-password-123").status_code == 401
    assert login(client, EMAIL).status_code == 429


def test_failed_logins_and_refusals_are_logged_without_the_password(app, client, user, caplog):
    app.config["LOGIN_FAILURES_PER_ACCOUNT"] = "1 per hour"
    login(client, EMAIL, "secret-typo-password")
    login(client, EMAIL, "secret-typo-password")
    assert f"Failed login for '{EMAIL}'" in caplog.text
    assert "Login refused from 127.0.0.1" in caplog.text
    assert "secret-typo-password" not in caplog.text


def test_the_header_offers_log_in_or_log_out(client, user):
    assert 'href="/login"' in client.get("/").get_data(as_text=True)
    login(client, EMAIL)
    page = client.get("/").get_data(as_text=True)
    assert 'action="/logout"' in page
    assert 'href="/login"' not in page


@pytest.mark.parametrize(
    ("setting", "public_url", "secure"),
    [
        ("auto", "http://127.0.0.1:5000", False),
        ("auto", "http://localhost:8000", False),
        ("auto", "http://[::1]:5000", False),
        ("auto", "https://survey.client.example", True),
        ("auto", "http://survey.client.example", True),
        ("auto", "https://127.0.0.1:5000", True),
        ("off", "https://survey.client.example", False),
        ("On", "http://127.0.0.1:5000", True),
    ],
)
def test_wants_secure_cookies(setting, public_url, secure):
    assert wants_secure_cookies(setting, public_url) is secure


def test_wants_secure_cookies_refuses_unknown_settings():
    with pytest.raises(
        ValueError, match=r"^SURVEY_SECURE_COOKIES must be on, off or auto, not 'yes'\.$"
    ):
        wants_secure_cookies("yes", "https://survey.client.example")


@pytest.mark.parametrize(("testing", "secure"), [(False, True), (True, False)])
def test_cookies_are_secure_outside_tests_and_debug(database_url, testing, secure):
    app = create_app(
        {
            "TESTING": testing,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "DATABASE_URL": database_url,
            "PUBLIC_URL": "https://survey.client.example",
            "SECURE_COOKIES": "auto",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is secure
    assert app.config["REMEMBER_COOKIE_SECURE"] is secure
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    app.extensions["database"].engine.dispose()
