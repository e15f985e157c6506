"""The review's findings on reset links: a "forgot" request does the same work in the request
for every address, one e-mail cannot be flooded from many addresses, and a link or a session
version cannot be taken twice by two requests at once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from survey.accounts.links import open_link, spend_links
from survey.accounts.passwords import password_matches
from survey.accounts.sessions import end_sessions
from survey.models import User
from survey.models._columns import utcnow
from tests.auth.helpers import PASSWORD, login
from tests.auth.password_helpers import (
    NEW_PASSWORD,
    actions,
    ask_reset,
    gen_link,
    mailed_path,
    reloaded,
    set_password,
)
from tests.conftest import csrf_from
from tests.factories import gen_user

EMAIL = "ann@example.com"
WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def user(dbs) -> User:
    return gen_user(dbs, EMAIL, "admin")


def reset_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "mail-password-reset"]


def sent(response) -> int:
    """Close ``response`` as a WSGI server does once it is sent, which starts the background
    work, and wait for that work; the response's status."""
    response.close()
    for thread in reset_threads():
        thread.join()
    return response.status_code


def statements_of_the_request(app, email: str) -> list[str]:
    """The SQL that the POST of "forgot" runs in the request's own thread."""
    client = app.test_client()
    token = csrf_from(client.get("/password/forgot").get_data(as_text=True))
    engine = app.extensions["database"].engine
    request_thread = threading.get_ident()
    seen: list[str] = []

    def note(_connection, _cursor, statement, *_args) -> None:
        if threading.get_ident() == request_thread:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        response = client.post("/password/forgot", data={"email": email, "csrf_token": token})
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert not reset_threads()  # nothing started before the response is sent
    assert sent(response) == 200
    return seen


def test_in_the_background_the_request_does_the_same_for_every_address(app, dbs, user, smtp_server):
    app.config.update(
        SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port, MAIL_IN_BACKGROUND=True
    )
    known = statements_of_the_request(app, EMAIL)
    unknown = statements_of_the_request(app, "nobody@example.com")
    assert known == unknown
    assert not [sql for sql in known if sql.lstrip().upper().startswith(WRITES)]
    # The background thread did the work: the link, its audit event and the mail.
    (message,) = smtp_server.messages
    assert message["To"] == EMAIL
    assert actions(dbs) == [("user.reset_requested", f"user {user.id}")]
    assert set_password(app.test_client(), mailed_path(message)).status_code == 302


def test_a_failure_in_the_background_is_logged_without_the_address(app, user, caplog):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=1, MAIL_IN_BACKGROUND=True)
    assert sent(ask_reset(app.test_client(), EMAIL)) == 200
    (warning,) = [r for r in caplog.records if "password-reset mail was not sent" in r.message]
    assert EMAIL not in warning.getMessage() and "/password/reset/" not in warning.getMessage()


def test_an_error_in_the_background_is_logged_by_its_kind_only(app, user, caplog, monkeypatch):
    def broken(_session, email):
        raise RuntimeError(f"database said no about {email}")

    monkeypatch.setattr("survey.accounts.resets.reset_for_email", broken)
    app.config["MAIL_IN_BACKGROUND"] = True
    assert sent(ask_reset(app.test_client(), EMAIL)) == 200
    (error,) = [r for r in caplog.records if "password-reset request failed" in r.message]
    assert "RuntimeError" in error.getMessage() and EMAIL not in error.getMessage()
    assert error.exc_info is None


def test_one_e_mail_is_limited_whatever_address_asks(app, dbs, user, smtp_server):
    app.config.update(
        SMTP_HOST=smtp_server.host,
        SMTP_PORT=smtp_server.port,
        MAIL_IN_BACKGROUND=False,
        PASSWORD_RESETS_PER_ACCOUNT="2 per day",
    )

    def ask_from(address: str, email: str) -> int:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return ask_reset(client, email).status_code

    statuses = [ask_from(f"10.0.0.{n}", f" {EMAIL.upper()} ") for n in range(1, 5)]
    assert statuses == [200, 200, 429, 429]
    assert len(smtp_server.messages) == 2
    assert ask_from("10.0.0.9", "bea@example.com") == 200  # another e-mail is not held up
    assert [action for action, _ in actions(dbs)] == ["user.reset_requested"] * 2


def test_a_link_spent_by_another_request_meanwhile_is_dead(app, client, dbs, user, monkeypatch):
    """The second of two requests at once: it opened the link just before the first spent it."""
    path = gen_link(dbs, user, "reset")
    page = client.get(path)
    token = csrf_from(page.get_data(as_text=True))

    def open_then_lose_the_race(session: Session, token: str, purpose: str):
        link = open_link(session, token, purpose)
        with Session(app.extensions["database"].engine) as racer:
            assert spend_links(racer, racer.get(type(link), link.id))
            racer.commit()
        return link

    monkeypatch.setattr("survey.auth.password_routes.open_link", open_then_lose_the_race)
    data = {"password": NEW_PASSWORD, "repeat": NEW_PASSWORD, "csrf_token": token}
    lost = client.post(path, data=data)
    assert lost.status_code == 404
    assert "This link does not work" in lost.get_data(as_text=True)
    after = reloaded(dbs, user)
    assert password_matches(after.password_hash, PASSWORD)
    assert after.session_version == 0
    assert actions(dbs) == []
    assert client.get("/account").status_code == 302  # not logged in


def test_spending_takes_the_link_once(app, dbs, user):
    path = gen_link(dbs, user, "invite")
    engine = app.extensions["database"].engine
    with Session(engine) as first, Session(engine) as second:
        token = path.rsplit("/", 1)[1]
        mine, theirs = open_link(first, token, "invite"), open_link(second, token, "invite")
        assert mine is not None and theirs is not None
        assert spend_links(first, mine)
        first.commit()
        assert not spend_links(second, theirs)
        assert theirs.used_at is None  # nothing changed in the loser's session
    assert open_link(dbs, token, "invite") is None


def test_ending_sessions_twice_at_once_gives_two_new_versions(app, dbs, user):
    engine = app.extensions["database"].engine
    with Session(engine) as first, Session(engine) as second:
        mine, theirs = first.get(User, user.id), second.get(User, user.id)
        assert mine.session_version == theirs.session_version == 0
        end_sessions(first, mine)
        kept_by_first = mine.session_version
        first.commit()
        end_sessions(second, theirs)
        assert (kept_by_first, theirs.session_version) == (1, 2)
        second.commit()
    assert reloaded(dbs, user).session_version == 2


def test_a_disabled_user_still_gets_nothing_from_the_background(app, dbs, user, smtp_server):
    app.config.update(
        SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port, MAIL_IN_BACKGROUND=True
    )
    user.disabled_at = utcnow()
    dbs.commit()
    assert sent(ask_reset(app.test_client(), EMAIL)) == 200
    assert smtp_server.messages == []
    assert actions(dbs) == []
    assert login(app.test_client(), EMAIL).status_code == 401
