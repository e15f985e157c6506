"""Two-factor authentication: turning it on and off, the code step of logging in, recovery
codes, replays, throttling and the rule that admins and consultants must turn it on."""

from __future__ import annotations

import hashlib
import re
import time

import pyotp
import pytest
from flask import Flask
from sqlalchemy import select

from survey.accounts.logins import PENDING_LOGIN, PENDING_SECONDS
from survey.accounts.sealed import seal, unseal
from survey.accounts.two_factor import (
    code_step,
    new_recovery_code,
    provisioning_uri,
    recovery_hash,
)
from survey.auth.throttle import REFUSED_MESSAGE
from survey.auth.two_factor_routes import FAILED_CODE, PENDING_GONE, REQUIRED
from survey.config import from_environment
from survey.models import AuditEvent, RecoveryCode, User
from survey.models._columns import utcnow
from tests.auth.helpers import PASSWORD, login, logout
from tests.conftest import csrf_from

PAGE = "/account/two-factor"
SECRET = re.compile(r'<code id="secret">([A-Z2-7 ]+)</code>')
RECOVERY = re.compile(r"<code>((?:[0-9a-f]{5}-){3}[0-9a-f]{5})</code>")


@pytest.fixture
def app(app: Flask) -> Flask:
    app.config["LOGIN_FAILURE_DELAY_SECONDS"] = 0
    return app


@pytest.fixture
def manager(reference_org) -> User:
    return reference_org.users["global manager"]


def fresh(dbs, user: User) -> User:
    dbs.expire_all()
    return dbs.get(User, user.id)


def fresh_code(dbs, user: User, secret: str) -> str:
    """The code of the earliest step the app still takes: now, or the one after the last used."""
    last = fresh(dbs, user).totp_last_step
    now = int(time.time() // 30)
    step = now if last is None else max(now, last + 1)
    assert step <= now + 1, "the test used more codes than two steps allow"
    return pyotp.TOTP(secret).generate_otp(step)


def wrong_code(right: str) -> str:
    return "000000" if right != "000000" else "111111"


def turn_on_in_db(app: Flask, dbs, user: User) -> tuple[str, list[str]]:
    """Two-factor on for ``user`` as the pages leave it: a sealed secret and two recovery codes."""
    secret = pyotp.random_base32()
    row = fresh(dbs, user)
    row.totp_secret = seal(app.config["SECRET_KEY"], secret)
    row.totp_enabled_at = utcnow()
    codes = ["1a2b3-c4d5e-f6a7b-8c9d0", "0f1e2-d3c4b-a5968-77685"]
    key = app.config["SECRET_KEY"]
    dbs.add_all(RecoveryCode(user_id=user.id, code_hash=recovery_hash(key, code)) for code in codes)
    dbs.commit()
    return secret, codes


def post(client, url: str, **data):
    """POST ``data`` to ``url`` with the CSRF token of the page at ``url``."""
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def logged_in(client) -> bool:
    return client.get(PAGE).status_code == 200


def actions(dbs) -> list[str]:
    return list(dbs.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def start(client):
    """Press "Turn on": the setup page, with a new candidate secret."""
    token = csrf_from(client.get(PAGE).get_data(as_text=True))
    response = client.post(PAGE + "/start", data={"password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303
    assert response.location == PAGE + "/setup"
    return client.get(PAGE + "/setup")


def test_turning_on_shows_a_qr_code_and_the_secret_then_takes_the_right_code(
    app, client, dbs, manager
):
    login(client, manager.email)
    assert "Off." in client.get(PAGE).get_data(as_text=True)
    page = start(client).get_data(as_text=True)
    assert '<img src="data:image/svg+xml;charset=utf-8,%3Csvg' in page
    secret = SECRET.search(page).group(1)
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", secret)
    secret = secret.replace(" ", "")
    assert fresh(dbs, manager).totp_secret is None  # only in the session so far

    wrong = pyotp.TOTP(pyotp.random_base32()).now()
    response = post(client, PAGE + "/setup", code=wrong)
    assert response.status_code == 422
    assert "That code is not right" in response.get_data(as_text=True)
    assert not fresh(dbs, manager).two_factor_on

    response = post(client, PAGE + "/setup", code=pyotp.TOTP(secret).now())
    assert response.status_code == 200
    codes = RECOVERY.findall(response.get_data(as_text=True))
    assert len(set(codes)) == 10
    user = fresh(dbs, manager)
    assert user.two_factor_on and user.totp_last_step is not None
    assert secret not in user.totp_secret
    assert unseal(app.config["SECRET_KEY"], user.totp_secret) == secret
    hashes = set(dbs.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)))
    assert hashes == {recovery_hash(app.config["SECRET_KEY"], code) for code in codes}
    assert not hashes & set(codes)
    assert actions(dbs)[-1] == "user.two_factor_on"
    # Shown once: the status page has the count, not the codes.
    status = client.get(PAGE).get_data(as_text=True)
    assert "10 of your 10 recovery codes are unused" in status
    assert not RECOVERY.findall(status)
    assert client.get(PAGE + "/setup").status_code == 302
    # The codes page came with the new session: its forms (here, Log out) still work.
    token = csrf_from(response.get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).location == "/login"


def test_the_provisioning_uri_names_the_issuer_and_the_account():
    uri = provisioning_uri("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "ann@example.com")
    assert uri.startswith("otpauth://totp/Mindset%20Survey:ann%40example.com?")
    assert "secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" in uri and "issuer=Mindset%20Survey" in uri


def test_a_code_is_taken_one_step_either_side_and_never_at_or_before_the_last_step():
    secret = pyotp.random_base32()
    totp = pyotp.TOTP(secret)
    now = time.time()
    step = totp.timecode(now)
    for offset in (-1, 0, 1):
        code = totp.generate_otp(step + offset)
        assert code_step(secret, f" {code[:3]} {code[3:]} ", now=now) == step + offset
    assert code_step(secret, totp.generate_otp(step + 2), now=now) is None
    assert code_step(secret, totp.generate_otp(step), after=step, now=now) is None
    assert code_step(secret, "١٢٣٤٥٦", now=now) is None


def test_login_asks_for_the_code_and_a_wrong_one_is_401(app, client, dbs, manager):
    secret, _ = turn_on_in_db(app, dbs, manager)
    response = login(client, manager.email, next_path="/plans/")
    assert response.status_code == 302
    assert response.location == "/login/code"
    assert not logged_in(client)

    wrong = post(client, "/login/code", code=wrong_code(fresh_code(dbs, manager, secret)))
    assert wrong.status_code == 401
    assert str(FAILED_CODE) in wrong.get_data(as_text=True)
    assert not logged_in(client)

    response = post(client, "/login/code", code=fresh_code(dbs, manager, secret))
    assert response.status_code == 302
    assert response.location == "/plans/"
    assert logged_in(client)
    assert fresh(dbs, manager).last_login_at is not None


def test_a_code_used_once_is_refused_the_second_time(app, client, dbs, manager):
    secret, _ = turn_on_in_db(app, dbs, manager)
    code = fresh_code(dbs, manager, secret)
    login(client, manager.email)
    assert post(client, "/login/code", code=code).status_code == 302
    logout(client)

    login(client, manager.email)
    assert post(client, "/login/code", code=code).status_code == 401
    assert not logged_in(client)


def test_a_recovery_code_logs_in_once(app, client, dbs, manager):
    _, codes = turn_on_in_db(app, dbs, manager)
    login(client, manager.email)
    assert post(client, "/login/code", code=codes[0].upper().replace("-", " ")).status_code == 302
    assert logged_in(client)
    assert "1 of your 10 recovery codes is unused" in client.get(PAGE).get_data(as_text=True)
    assert "user.recovery_code_used" in actions(dbs)
    logout(client)

    login(client, manager.email)
    assert post(client, "/login/code", code=codes[0]).status_code == 401
    assert post(client, "/login/code", code=codes[1]).status_code == 302


def test_recovery_codes_have_80_bits_and_are_kept_as_an_hmac_under_the_secret_key():
    code = new_recovery_code()
    assert re.fullmatch(r"([0-9a-f]{5}-){3}[0-9a-f]{5}", code)
    assert len({new_recovery_code() for _ in range(100)}) == 100
    key = "k" * 32
    typed = code.upper().replace("-", " ")
    assert recovery_hash(key, typed) == recovery_hash(key, code)
    bare = code.replace("-", "")
    assert recovery_hash(key, code) != hashlib.sha256(bare.encode()).hexdigest()
    assert recovery_hash(key, code) != recovery_hash("other" * 8, code)
    assert len(recovery_hash(key, code)) == 64


def test_recovery_codes_stop_working_under_another_secret_key(app, client, dbs, manager):
    _, codes = turn_on_in_db(app, dbs, manager)
    app.config["SECRET_KEY"] = "another-secret-key-" * 3
    login(client, manager.email)
    assert post(client, "/login/code", code=codes[0]).status_code == 401


def test_turning_on_needs_the_current_password_and_failures_are_counted(app, client, dbs, manager):
    app.config["LOGIN_FAILURES_PER_ACCOUNT"] = "2 per hour"
    login(client, manager.email)
    assert post(client, PAGE + "/start", password="").status_code == 422
    wrong = post(client, PAGE + "/start", password="not-my-password-1")
    assert wrong.status_code == 401
    assert "That password is not right. Nothing was changed." in wrong.get_data(as_text=True)
    assert client.get(PAGE + "/setup").status_code == 302  # no candidate secret was made
    assert post(client, PAGE + "/start", password="not-my-password-2").status_code == 401
    refused = post(client, PAGE + "/start", password=PASSWORD)
    assert refused.status_code == 429
    assert client.get(PAGE + "/setup").status_code == 302
    assert not fresh(dbs, manager).two_factor_on


def test_turning_it_on_or_off_ends_the_other_sessions_and_keeps_this_one(app, client, dbs, manager):
    other = app.test_client()
    login(client, manager.email)
    login(other, manager.email)
    secret = SECRET.search(start(client).get_data(as_text=True)).group(1).replace(" ", "")
    turned_on = post(client, PAGE + "/setup", code=pyotp.TOTP(secret).now())
    assert turned_on.status_code == 200
    assert logged_in(client) and not logged_in(other)
    assert fresh(dbs, manager).session_version == 1
    assert actions(dbs)[-1] == "user.two_factor_on"

    login(other, manager.email)
    recovery = RECOVERY.findall(turned_on.get_data(as_text=True))[0]
    assert post(other, "/login/code", code=recovery).status_code == 302
    assert logged_in(other)
    turned_off = post(
        client, PAGE + "/off", password=PASSWORD, code=fresh_code(dbs, manager, secret)
    )
    assert turned_off.status_code == 302
    assert "Two-factor authentication is off" in client.get(PAGE).get_data(as_text=True)
    assert logged_in(client) and not logged_in(other)
    assert fresh(dbs, manager).session_version == 2


def test_the_code_step_without_a_pending_login_goes_back_to_login(client):
    response = client.get("/login/code")
    assert response.status_code == 302
    assert response.location == "/login"
    assert str(PENDING_GONE) in client.get("/login").get_data(as_text=True)


def test_an_expired_pending_login_is_refused(app, client, dbs, manager):
    secret, _ = turn_on_in_db(app, dbs, manager)
    login(client, manager.email)
    token = csrf_from(client.get("/login/code").get_data(as_text=True))
    with client.session_transaction() as session:
        session[PENDING_LOGIN] = {
            **session[PENDING_LOGIN],
            "since": int(time.time()) - PENDING_SECONDS - 1,
        }
    code = fresh_code(dbs, manager, secret)
    response = client.post("/login/code", data={"code": code, "csrf_token": token})
    assert response.status_code == 302
    assert response.location == "/login"
    assert not logged_in(client)
    assert fresh(dbs, manager).totp_last_step is None  # the code was not even tried


@pytest.mark.parametrize("change", ["password change", "disabled"])
def test_a_pending_login_dies_when_the_user_changes(app, client, dbs, manager, change):
    secret, _ = turn_on_in_db(app, dbs, manager)
    login(client, manager.email)
    token = csrf_from(client.get("/login/code").get_data(as_text=True))
    user = fresh(dbs, manager)
    if change == "password change":
        user.session_version += 1
    else:
        user.disabled_at = utcnow()
    dbs.commit()
    code = fresh_code(dbs, manager, secret)
    response = client.post("/login/code", data={"code": code, "csrf_token": token})
    assert response.status_code == 302
    assert response.location == "/login"
    assert not logged_in(client)


def test_failed_codes_are_throttled_like_passwords(app, client, dbs, manager):
    app.config["LOGIN_FAILURES_PER_ACCOUNT"] = "3 per hour"
    secret, _ = turn_on_in_db(app, dbs, manager)
    login(client, manager.email)
    statuses = [post(client, "/login/code", code="00000-00000").status_code for _ in range(3)]
    assert statuses == [401, 401, 401]
    refused = post(client, "/login/code", code=fresh_code(dbs, manager, secret))
    assert refused.status_code == 429
    assert str(REFUSED_MESSAGE) in refused.get_data(as_text=True)
    assert not logged_in(client)
    # The limit is the account's, wherever the attempts come from.
    other = app.test_client()
    login(other, manager.email)
    assert post(other, "/login/code", code=fresh_code(dbs, manager, secret)).status_code == 429


def test_posts_without_the_csrf_token_are_400_and_change_nothing(app, client, dbs, manager):
    login(client, manager.email)
    assert client.post(PAGE + "/start").status_code == 400
    assert client.get(PAGE + "/setup").status_code == 302  # no candidate secret was made
    page = start(client).get_data(as_text=True)
    secret = SECRET.search(page).group(1).replace(" ", "")
    response = client.post(PAGE + "/setup", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 400
    assert not fresh(dbs, manager).two_factor_on

    secret, _ = turn_on_in_db(app, dbs, manager)
    code = fresh_code(dbs, manager, secret)
    response = client.post(PAGE + "/off", data={"password": PASSWORD, "code": code})
    assert response.status_code == 400
    assert fresh(dbs, manager).two_factor_on


def test_turning_off_needs_the_password_and_a_code(app, client, dbs, manager):
    secret, _ = turn_on_in_db(app, dbs, manager)
    login(client, manager.email)
    post(client, "/login/code", code=fresh_code(dbs, manager, secret))
    code = fresh_code(dbs, manager, secret)

    wrong_password = post(client, PAGE + "/off", password="not-my-password-1", code=code)
    assert wrong_password.status_code == 401
    assert "Nothing was changed" in wrong_password.get_data(as_text=True)
    assert post(client, PAGE + "/off", password=PASSWORD, code="12345-67890").status_code == 401
    assert post(client, PAGE + "/off", password=PASSWORD, code="").status_code == 422
    assert fresh(dbs, manager).two_factor_on

    response = post(client, PAGE + "/off", password=PASSWORD, code=code)
    assert response.status_code == 302
    user = fresh(dbs, manager)
    assert not user.two_factor_on and user.totp_secret is None
    assert not dbs.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    assert actions(dbs)[-1] == "user.two_factor_off"
    assert "Off." in client.get(PAGE).get_data(as_text=True)


def test_new_recovery_codes_need_a_code_and_replace_the_old_ones(app, client, dbs, manager):
    secret, old = turn_on_in_db(app, dbs, manager)
    login(client, manager.email)
    post(client, "/login/code", code=fresh_code(dbs, manager, secret))
    url = PAGE + "/recovery-codes"
    assert post(client, url, code=wrong_code(fresh_code(dbs, manager, secret))).status_code == 401
    response = post(client, url, code=fresh_code(dbs, manager, secret))
    assert response.status_code == 200
    new = RECOVERY.findall(response.get_data(as_text=True))
    assert len(set(new)) == 10
    logout(client)

    login(client, manager.email)
    assert post(client, "/login/code", code=old[1]).status_code == 401
    assert post(client, "/login/code", code=new[0]).status_code == 302


def test_admins_and_consultants_must_turn_it_on_when_required(app, client, reference_org):
    app.config["TWO_FACTOR_REQUIRED_FOR_STAFF"] = True
    consultant = reference_org.users["consultant"]
    assert login(client, consultant.email).status_code == 302
    for path in ("/dashboard/", "/clients/", "/audit/", "/account/two-factor/off"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.location == PAGE
    api = client.get("/api/v1/assessments")
    assert api.status_code == 403
    assert api.get_json()["error"]["status"] == 403
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "must turn on two-factor authentication" in page.get_data(as_text=True)
    static = client.get("/static/css/app.css")
    static.close()
    assert static.status_code == 200
    token = csrf_from(page.get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).location == "/login"

    manager = app.test_client()
    login(manager, reference_org.users["global manager"].email)
    response = manager.get("/dashboard/")
    assert response.location.startswith("/dashboard/"), response.location  # the manager's board
    assert manager.get(response.location).status_code == 200
    assert manager.get("/api/v1/assessments").status_code == 200


def test_staff_who_must_keep_it_on_cannot_turn_it_off(app, client, dbs, reference_org):
    app.config["TWO_FACTOR_REQUIRED_FOR_STAFF"] = True
    admin = reference_org.users["admin"]
    secret, _ = turn_on_in_db(app, dbs, admin)
    login(client, admin.email)
    post(client, "/login/code", code=fresh_code(dbs, admin, secret))
    assert client.get("/dashboard/").status_code == 200
    response = client.post(
        PAGE + "/off", data={"csrf_token": csrf_from(client.get(PAGE).get_data(as_text=True))}
    )
    assert response.status_code == 403
    assert str(REQUIRED) in response.get_data(as_text=True)
    assert fresh(dbs, admin).two_factor_on


def test_the_requirement_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("SURVEY_REQUIRE_TWO_FACTOR", raising=False)
    assert from_environment()["TWO_FACTOR_REQUIRED_FOR_STAFF"] is False
    monkeypatch.setenv("SURVEY_REQUIRE_TWO_FACTOR", " On ")
    assert from_environment()["TWO_FACTOR_REQUIRED_FOR_STAFF"] is True
    monkeypatch.setenv("SURVEY_REQUIRE_TWO_FACTOR", "maybe")
    with pytest.raises(ValueError, match="SURVEY_REQUIRE_TWO_FACTOR must be on or off"):
        from_environment()
