"""The account commands: create-user's password sources, disable-user, enable-user,
reset-password and reset-two-factor."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.accounts.passwords import password_matches
from survey.accounts.two_factor import replace_recovery_codes
from survey.models import RecoveryCode, User
from survey.models._columns import utcnow
from tests.auth.helpers import PASSWORD, login
from tests.auth.password_helpers import (
    LINK,
    NEW_PASSWORD,
    actions,
    gen_link,
    mailed_path,
    reloaded,
    set_password,
)
from tests.factories import gen_user

EMAIL = "ann@example.com"


def create(runner, *options: str, input: str | None = None):
    return runner.invoke(
        args=["create-user", "--email", " Bo@Example.com ", "--role", "admin", *options],
        input=input,
    )


def stored_hash(dbs) -> str | None:
    dbs.expire_all()
    return dbs.scalar(select(User.password_hash).where(User.email == "bo@example.com"))


@pytest.fixture
def user(dbs):
    gen_user(dbs, "bea@example.com", "admin")  # so that ann is not the last active admin
    return gen_user(dbs, EMAIL, "admin")


def test_create_user_reads_the_password_from_a_file(runner, dbs, tmp_path):
    path = tmp_path / "password"
    path.write_text(NEW_PASSWORD + "\nsecond line\n")
    made = create(runner, "--password-file", str(path))
    assert made.exit_code == 0, made.output
    assert password_matches(stored_hash(dbs), NEW_PASSWORD)


def test_create_user_reads_the_first_line_of_stdin(runner, dbs):
    made = create(runner, "--password-stdin", input=NEW_PASSWORD + "\r\n")
    assert made.exit_code == 0, made.output
    assert password_matches(stored_hash(dbs), NEW_PASSWORD)


def test_create_user_asks_for_the_password_twice_without_an_option(runner, dbs):
    made = create(runner, input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert made.exit_code == 0, made.output
    assert password_matches(stored_hash(dbs), NEW_PASSWORD)


@pytest.mark.parametrize(
    ("options", "input", "message"),
    [
        (("--password-stdin",), "password1234\n", "too common"),
        (("--password-stdin",), "\n", "at least 12 characters"),
        (("--password-stdin", "--password", NEW_PASSWORD), None, "one way only"),
        (("--password-file", "/no/such/file"), None, "does not exist"),
    ],
)
def test_create_user_refuses_bad_passwords_with_a_usage_error(runner, dbs, options, input, message):
    refused = create(runner, *options, input=input)
    assert refused.exit_code == 2 and message in refused.output
    assert stored_hash(dbs) is None


def test_disable_user_ends_sessions_and_links_and_enable_user_undoes_it(app, runner, dbs, user):
    client = app.test_client()
    assert login(client, EMAIL).status_code == 302
    path = gen_link(dbs, user, "reset")
    done = runner.invoke(args=["disable-user", "--email", " ANN@example.com"])
    assert done.exit_code == 0 and "Disabled ann@example.com." in done.output
    assert reloaded(dbs, user).disabled_at is not None
    assert client.get("/account").status_code == 302
    assert client.get(path).status_code == 404
    assert login(app.test_client(), EMAIL).status_code == 401
    assert ("user.disabled", f"user {user.id}") in actions(dbs)
    assert "disabled already" in runner.invoke(args=["disable-user", "--email", EMAIL]).output

    enabled = runner.invoke(args=["enable-user", "--email", EMAIL])
    assert enabled.exit_code == 0 and "Enabled ann@example.com." in enabled.output
    assert login(app.test_client(), EMAIL).status_code == 302
    assert client.get(path).status_code == 404  # a killed link stays dead
    assert ("user.enabled", f"user {user.id}") in actions(dbs)


def test_disable_user_refuses_the_last_active_admin(app, runner, dbs):
    ann = gen_user(dbs, EMAIL, "admin")
    bea = gen_user(dbs, "bea@example.com", "admin")
    bea.disabled_at = utcnow()
    dbs.commit()
    refused = runner.invoke(args=["disable-user", "--email", EMAIL])
    assert refused.exit_code == 2 and "last active admin" in refused.output
    assert reloaded(dbs, ann).disabled_at is None
    assert login(app.test_client(), EMAIL).status_code == 302
    assert actions(dbs) == []

    gen_user(dbs, "cy@example.com", "consultant")
    assert runner.invoke(args=["disable-user", "--email", "cy@example.com"]).exit_code == 0


def test_reset_two_factor_turns_it_off_and_ends_the_sessions(app, runner, dbs, user):
    client = app.test_client()
    assert login(client, EMAIL).status_code == 302
    user.totp_secret, user.totp_enabled_at = "sealed", utcnow()
    replace_recovery_codes(dbs, app.config["SECRET_KEY"], user)
    dbs.commit()
    done = runner.invoke(args=["reset-two-factor", "--email", EMAIL])
    assert done.exit_code == 0 and "off for ann@example.com" in done.output
    ann = reloaded(dbs, user)
    assert not ann.two_factor_on and ann.totp_secret is None and ann.session_version == 1
    assert dbs.scalars(select(RecoveryCode).where(RecoveryCode.user_id == ann.id)).all() == []
    assert ("user.two_factor_reset", f"user {ann.id}") in actions(dbs)
    assert client.get("/account").status_code == 302  # the old session ended
    assert login(app.test_client(), EMAIL).location == "/dashboard/"  # no code asked
    again = runner.invoke(args=["reset-two-factor", "--email", EMAIL])
    assert again.exit_code == 0 and "off already" in again.output


@pytest.mark.parametrize(
    "command", ["disable-user", "enable-user", "reset-password", "reset-two-factor"]
)
def test_an_unknown_e_mail_is_a_usage_error(runner, command):
    refused = runner.invoke(args=[command, "--email", "nobody@example.com"])
    assert refused.exit_code == 2 and "no user with the e-mail" in refused.output


def test_reset_password_prints_a_working_link(app, runner, dbs, user):
    printed = runner.invoke(args=["reset-password", "--email", EMAIL])
    assert printed.exit_code == 0, printed.output
    (path,) = LINK.findall(printed.output)
    assert password_matches(reloaded(dbs, user).password_hash, PASSWORD)  # until it is used
    assert set_password(app.test_client(), path).status_code == 302
    assert password_matches(reloaded(dbs, user).password_hash, NEW_PASSWORD)
    assert ("user.reset_requested", f"user {user.id}") in actions(dbs)


def test_reset_password_mails_the_link_with_mail(app, runner, dbs, user, smtp_server):
    app.config.update(SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port)
    sent = runner.invoke(args=["reset-password", "--email", EMAIL, "--mail"])
    assert sent.exit_code == 0 and "sent" in sent.output
    assert "/password/reset/" not in sent.output
    (message,) = smtp_server.messages
    assert message["To"] == EMAIL
    assert set_password(app.test_client(), mailed_path(message)).status_code == 302


def test_reset_password_refuses_a_disabled_user(runner, dbs, user):
    runner.invoke(args=["disable-user", "--email", EMAIL])
    refused = runner.invoke(args=["reset-password", "--email", EMAIL])
    assert refused.exit_code == 2 and "enable-user" in refused.output
