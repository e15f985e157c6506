"""Invitation and reset links, and "Forgot your password?": single use, one answer for every
dead link, no enumeration, throttled, and a new password ends every other session."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import update

from survey.accounts.passwords import password_matches
from survey.models import AccountLink
from survey.models._columns import utcnow
from tests.auth.helpers import PASSWORD, login
from tests.auth.password_helpers import (
    NEW_PASSWORD,
    actions,
    ask_reset,
    gen_invited,
    gen_link,
    mailed_path,
    reloaded,
    set_password,
)
from tests.conftest import csrf_from
from tests.factories import gen_user

EMAIL = "ann@example.com"


@pytest.fixture
def mail_app(app, smtp_server):
    app.config.update(
        SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port, MAIL_IN_BACKGROUND=False
    )
    return app


@pytest.fixture
def user(dbs):
    return gen_user(dbs, EMAIL, "admin")


def test_an_invited_user_sets_a_password_once_and_is_logged_in(client, dbs):
    invited = gen_invited(dbs)
    path = gen_link(dbs, invited, "invite")
    page = client.get(path)
    assert page.status_code == 200 and "new@example.com" in page.get_data(as_text=True)
    done = set_password(client, path)
    assert done.status_code == 302 and done.location == "/dashboard/"
    assert client.get("/account").status_code == 200
    invited = reloaded(dbs, invited)
    assert password_matches(invited.password_hash, NEW_PASSWORD)
    assert invited.last_login_at is not None and invited.session_version == 1
    assert ("user.password_set", f"user {invited.id}") in actions(dbs)
    assert client.get(path).status_code == 404
    assert (
        login(client.application.test_client(), "new@example.com", NEW_PASSWORD).status_code == 302
    )


def test_a_get_does_not_spend_the_link_and_mistakes_show_with_422(client, dbs):
    invited = gen_invited(dbs)
    path = gen_link(dbs, invited, "invite")
    assert client.get(path).status_code == 200
    short = set_password(client, path, "short")
    assert short.status_code == 422
    assert "at least 12 characters" in short.get_data(as_text=True)
    common = set_password(client, path, "password1234")
    assert common.status_code == 422 and "too common" in common.get_data(as_text=True)
    differ = set_password(client, path, NEW_PASSWORD, NEW_PASSWORD + "x")
    assert differ.status_code == 422 and "not the same" in differ.get_data(as_text=True)
    assert reloaded(dbs, invited).password_hash is None
    assert set_password(client, path).status_code == 302


def _expire(dbs, path):
    dbs.execute(update(AccountLink).values(expires_at=utcnow() - timedelta(seconds=1)))
    dbs.commit()
    return path


def _reuse(dbs, path):
    set_password(dbs.info["client"], path)
    return path


def _replace(dbs, path):
    gen_link(dbs, dbs.info["user"], "reset")
    return path


def _disable(dbs, path):
    dbs.info["user"].disabled_at = utcnow()
    dbs.commit()
    return path


DEAD = {
    "unknown": lambda dbs, path: "/password/reset/" + "A" * 32,
    "forged": lambda dbs, path: path[:-1] + ("a" if path[-1] != "a" else "b"),
    "too long": lambda dbs, path: path + "x" * 200,
    "other purpose": lambda dbs, path: path.replace("/password/reset/", "/welcome/"),
    "expired": _expire,
    "reused": _reuse,
    "replaced": _replace,
    "disabled user": _disable,
}


@pytest.mark.parametrize("case", DEAD)
def test_a_dead_link_gets_one_404_page_and_changes_nothing(app, client, dbs, user, case):
    path = gen_link(dbs, user, "reset")
    dbs.info.update(client=app.test_client(), user=user)
    dead = DEAD[case](dbs, path)
    before = reloaded(dbs, user)
    hash_before, version_before = before.password_hash, before.session_version
    page = client.get(dead)
    assert page.status_code == 404
    text = page.get_data(as_text=True)
    assert "This link does not work" in text and "/password/forgot" in text
    token = csrf_from_login(client)
    sent = client.post(
        dead,
        data={"password": "x" + NEW_PASSWORD, "repeat": "x" + NEW_PASSWORD, "csrf_token": token},
    )
    assert sent.status_code == 404 and sent.get_data(as_text=True) == text
    after = reloaded(dbs, user)
    assert (after.password_hash, after.session_version) == (hash_before, version_before)


def csrf_from_login(client) -> str:
    return csrf_from(client.get("/login").get_data(as_text=True))


def test_forgot_mails_a_reset_link_that_ends_every_other_session(
    mail_app, client, dbs, user, smtp_server
):
    other = mail_app.test_client()
    assert login(other, EMAIL).status_code == 302
    assert other.get("/account").status_code == 200
    login_page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in login_page
    assert ask_reset(client, " Ann@Example.com ").status_code == 200
    (message,) = smtp_server.messages
    assert message["To"] == EMAIL and "password" in message["Subject"]
    path = mailed_path(message)
    assert path.startswith("/password/reset/")
    assert ("user.reset_requested", f"user {user.id}") in actions(dbs)
    done = set_password(client, path)
    assert done.status_code == 302 and done.location == "/dashboard/"
    assert ("user.password_set", f"user {user.id}") in actions(dbs)
    refused = other.get("/account")
    assert refused.status_code == 302 and refused.location.startswith("/login")
    fresh = mail_app.test_client()
    assert login(fresh, EMAIL, PASSWORD).status_code == 401
    assert login(fresh, EMAIL, NEW_PASSWORD).status_code == 302
    assert client.get(path).status_code == 404


def test_an_invited_user_may_ask_for_a_reset_link_too(mail_app, client, dbs, smtp_server):
    invited = gen_invited(dbs)
    invitation = gen_link(dbs, invited, "invite")
    ask_reset(client, invited.email)
    assert set_password(client, mailed_path(smtp_server.messages[0])).status_code == 302
    assert client.get(invitation).status_code == 404  # the invitation died with it


def test_forgot_answers_alike_for_known_unknown_and_disabled_addresses(
    mail_app, app, dbs, user, smtp_server
):
    disabled = gen_user(dbs, "gone@example.com", "admin")
    disabled.disabled_at = utcnow()
    dbs.commit()
    answers = [
        ask_reset(app.test_client(), email)
        for email in (EMAIL, "nobody@example.com", "gone@example.com", "not an e-mail")
    ]
    assert {answer.status_code for answer in answers} == {200}
    assert len({answer.get_data() for answer in answers}) == 1
    assert "If an account uses this address" in answers[0].get_data(as_text=True)
    assert [message["To"] for message in smtp_server.messages] == [EMAIL]
    assert [action for action, _ in actions(dbs)] == ["user.reset_requested"]


def test_a_disabled_user_can_neither_reset_nor_log_in(mail_app, client, dbs, user, smtp_server):
    path = gen_link(dbs, user, "reset")
    user.disabled_at = utcnow()
    dbs.commit()
    assert client.get(path).status_code == 404
    ask_reset(client, EMAIL)
    assert smtp_server.messages == []
    assert login(client, EMAIL).status_code == 401


def test_forgot_is_throttled_per_e_mail_and_per_address(app):
    app.config.update(
        PASSWORD_RESETS_PER_EMAIL="2 per hour", PASSWORD_RESETS_PER_ADDRESS="4 per hour"
    )
    client = app.test_client()
    assert [ask_reset(client, "x@example.com").status_code for _ in range(3)] == [200, 200, 429]
    refused = ask_reset(client, "x@example.com").get_data(as_text=True)
    assert "Too many password-reset requests" in refused
    assert ask_reset(client, "y@example.com").status_code == 200
    assert ask_reset(client, "z@example.com").status_code == 200
    assert ask_reset(client, "w@example.com").status_code == 429


def test_the_mail_goes_out_in_the_background_when_configured(app, client, user, smtp_server):
    app.config.update(
        SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port, MAIL_IN_BACKGROUND=True
    )
    response = ask_reset(client, EMAIL)
    assert response.status_code == 200
    response.close()  # as a WSGI server does once it is sent: the background work starts
    for thread in threading.enumerate():
        if thread.name == "mail-password-reset":
            thread.join()
    assert [message["To"] for message in smtp_server.messages] == [EMAIL]


@pytest.mark.parametrize("purpose", ["invite", "reset", "forgot"])
def test_every_post_needs_the_csrf_token(client, dbs, user, purpose):
    path = "/password/forgot" if purpose == "forgot" else gen_link(dbs, user, purpose)
    data = {"email": EMAIL, "password": NEW_PASSWORD, "repeat": NEW_PASSWORD}
    assert client.post(path, data=data).status_code == 400
    assert reloaded(dbs, user).session_version == 0
    assert actions(dbs) == []


def test_a_user_with_two_factor_on_still_needs_the_code_after_a_reset(client, dbs, user):
    user.totp_enabled_at = utcnow()
    dbs.commit()
    done = set_password(client, gen_link(dbs, user, "reset"))
    assert done.status_code == 302 and done.location == "/login/code"
    assert client.get("/account").status_code == 302
    assert password_matches(reloaded(dbs, user).password_hash, NEW_PASSWORD)


def test_the_mailed_link_comes_from_public_url_not_the_request_host(
    mail_app, client, user, smtp_server
):
    mail_app.config["PUBLIC_URL"] = "https://survey.consultancy.example/"
    token = csrf_from(client.get("/password/forgot").get_data(as_text=True))
    sent = client.post(
        "/password/forgot",
        data={"email": EMAIL, "csrf_token": token},
        headers={"X-Forwarded-Host": "evil.example", "Forwarded": "host=evil.example"},
    )
    assert sent.status_code == 200
    body = smtp_server.messages[0].get_content()
    assert "https://survey.consultancy.example/password/reset/" in body
    assert "evil.example" not in body
