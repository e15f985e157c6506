"""The account page and changing one's own password."""

from __future__ import annotations

import pytest

from survey.accounts.passwords import password_matches
from tests.auth.helpers import PASSWORD, login
from tests.auth.password_helpers import NEW_PASSWORD, actions, reloaded
from tests.conftest import csrf_from


def change(client, current: str, new: str = NEW_PASSWORD, repeat: str | None = None):
    token = csrf_from(client.get("/account/password").get_data(as_text=True))
    data = {"current": current, "password": new, "repeat": new if repeat is None else repeat}
    return client.post("/account/password", data={**data, "csrf_token": token})


def logged_in(app, email: str):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        ("admin", "Everything"),
        ("consultant", "Acme Solar"),
        ("france manager", "Acme Solar: Global/France and every team below it"),
        ("idle consultant", "No organisation is assigned to you yet."),
    ],
)
def test_the_account_page_shows_email_role_scope_and_links(app, reference_org, role, scope):
    user = reference_org.users[role]
    client = logged_in(app, user.email)
    page = client.get("/account")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert user.email in text and user.role.capitalize() in text and scope in text
    assert "Two-factor authentication" in text and 'href="/account/password"' in text
    assert 'href="/account">Account</a>' in text  # the header's link


def test_account_pages_need_a_login(client):
    for path in ("/account", "/account/password"):
        response = client.get(path)
        assert response.status_code == 302 and response.location.startswith("/login")


def test_a_new_password_ends_every_other_session_and_keeps_this_one(app, dbs, reference_org):
    user = reference_org.users["consultant"]
    other = logged_in(app, user.email)
    client = logged_in(app, user.email)
    done = change(client, PASSWORD)
    assert done.status_code == 302 and done.location == "/account"
    assert "Your password is changed" in client.get("/account").get_data(as_text=True)
    assert other.get("/account").status_code == 302
    assert password_matches(reloaded(dbs, user).password_hash, NEW_PASSWORD)
    assert ("user.password_changed", f"user {user.id}") in actions(dbs)
    assert login(app.test_client(), user.email, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("new", "repeat", "message"),
    [
        ("short", None, "at least 12 characters"),
        ("password1234", None, "too common"),
        (PASSWORD, None, "must differ from the current one"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "not the same"),
    ],
)
def test_a_refused_new_password_shows_why_with_422(app, dbs, reference_org, new, repeat, message):
    user = reference_org.users["consultant"]
    client = logged_in(app, user.email)
    refused = change(client, PASSWORD, new, repeat)
    assert refused.status_code == 422 and message in refused.get_data(as_text=True)
    assert reloaded(dbs, user).session_version == 0
    assert client.get("/account").status_code == 200


def test_wrong_current_passwords_get_401_then_429(app, dbs, reference_org):
    app.config["PASSWORD_CHANGE_FAILURES_PER_USER"] = "2 per 15 minutes"
    user = reference_org.users["consultant"]
    client = logged_in(app, user.email)
    wrong = change(client, "not-my-password")
    assert wrong.status_code == 401
    assert "not your current password" in wrong.get_data(as_text=True)
    assert change(client, "still-not-it").status_code == 401
    refused = change(client, PASSWORD)
    assert refused.status_code == 429 and "Too many wrong passwords" in refused.get_data(
        as_text=True
    )
    assert password_matches(reloaded(dbs, user).password_hash, PASSWORD)
    # Another user is not held up.
    assert change(logged_in(app, "admin@example.com"), PASSWORD).status_code == 302


def test_a_user_without_a_password_is_sent_to_forgot_your_password(app, dbs, reference_org):
    user = reference_org.users["consultant"]
    client = logged_in(app, user.email)
    reloaded(dbs, user).password_hash = None
    dbs.commit()
    page = client.get("/account/password")
    assert page.status_code == 200 and "Forgot your password?" in page.get_data(as_text=True)
    assert "csrf_token" in page.get_data(as_text=True)  # the header's logout form only
    assert client.post("/account/password", data={}).status_code == 400


def test_changing_the_password_needs_the_csrf_token(app, dbs, reference_org):
    user = reference_org.users["consultant"]
    client = logged_in(app, user.email)
    data = {"current": PASSWORD, "password": NEW_PASSWORD, "repeat": NEW_PASSWORD}
    assert client.post("/account/password", data=data).status_code == 400
    assert password_matches(reloaded(dbs, user).password_hash, PASSWORD)
