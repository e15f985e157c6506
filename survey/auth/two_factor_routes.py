"""Two-factor authentication: turning it on and off, and the code step of logging in.

Turning it on asks for the current password, then keeps a candidate secret (sealed) in the
session until the user's app gives its first right code; only then does the secret reach the
database. Turning it on or off ends the user's other sessions (this browser stays logged in).
Failed passwords and codes when turning it on or off, asking for new recovery codes, and at
login, are counted and refused like failed logins (``survey.auth.throttle``). With
``TWO_FACTOR_REQUIRED_FOR_STAFF``, admins and consultants who have not turned it on are sent to
this page from every other one.
"""

from __future__ import annotations

import time

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from survey.accounts import two_factor as totp
from survey.accounts.logins import PENDING_LOGIN, PENDING_SECONDS
from survey.accounts.passwords import password_matches
from survey.accounts.sealed import seal, unseal
from survey.accounts.sessions import end_sessions, start_session
from survey.audit import record
from survey.auth import bp
from survey.auth.redirects import AFTER_LOGIN, local_path
from survey.auth.throttle import FAILED_LOGIN_STATUS, limit_failed_codes, slow_down
from survey.auth.two_factor_forms import CodeForm, TurnOffForm, TurnOnForm
from survey.db import db
from survey.errors import is_api_request
from survey.forms import form_page
from survey.models import User

CANDIDATE = "two_factor_candidate"  # the session key of the secret being set up, sealed
WRONG_CODE = _l("That code is not right. Type the 6-digit code your app shows now.")
FAILED_CODE = _l(
    "That code is not right. Type the 6-digit code your app shows now, or one of your "
    "recovery codes."
)
FAILED_TURN_OFF = _l("The password or the code is not right.")
FAILED_TURN_ON = _l("That password is not right.")
PENDING_GONE = _l("Your login has expired or is no longer valid. Please log in again.")
REQUIRED = _l("Administrators and consultants must keep two-factor authentication on.")
REQUIRED_API = _l("Turn on two-factor authentication first, at /account/two-factor.")
# Reachable by staff who must turn two-factor on and have not yet.
SETUP_ENDPOINTS = {
    "static",
    "auth.logout",
    "auth.account",
    "auth.two_factor",
    "auth.two_factor_start",
    "auth.two_factor_setup",
}


def secret_key() -> str:
    return current_app.config["SECRET_KEY"]


def is_required(user: User) -> bool:
    return totp.required_for(user, current_app.config["TWO_FACTOR_REQUIRED_FOR_STAFF"])


@bp.before_app_request
def require_two_factor():
    """Send admins and consultants without two-factor to its page, when the app requires it.

    A survey page (the ``rep`` blueprint) reads no account, so it is served without loading one.
    """
    if request.blueprint == "rep" or request.endpoint in SETUP_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return None
    if current_user.two_factor_on or not is_required(current_user):
        return None
    if is_api_request():
        return jsonify(error={"status": 403, "message": str(REQUIRED_API)}), 403
    return redirect(url_for("auth.two_factor"))


@bp.get("/account/two-factor")
@login_required
def two_factor():
    return status_page(TurnOnForm())


def status_page(form: TurnOnForm, failed: str | None = None):
    """The two-factor page, with the form that turns it on (re-shown after a mistake)."""
    user = current_user
    codes_left = totp.recovery_codes_left(db.session, user) if user.two_factor_on else 0
    return form_page(
        "auth/two_factor.html",
        form,
        on=user.two_factor_on,
        enabled_at=user.totp_enabled_at,
        required=is_required(user),
        codes_left=codes_left,
        has_password=user.password_hash is not None,
        failed=failed,
    )


@bp.post("/account/two-factor/start")
@login_required
@limit_failed_codes
def two_factor_start():
    user = current_user
    if user.two_factor_on:
        flash(_("Two-factor authentication is already on."))
        return redirect(url_for("auth.two_factor"))
    form = TurnOnForm()
    if not form.validate_on_submit():
        return status_page(form)
    if not password_matches(user.password_hash, form.password.data):
        current_app.logger.warning("User %s gave a wrong password to turn two-factor on", user.id)
        slow_down()
        page, _status = status_page(form, FAILED_TURN_ON)
        return page, FAILED_LOGIN_STATUS
    session[CANDIDATE] = seal(secret_key(), totp.new_secret())
    return redirect(url_for("auth.two_factor_setup"), 303)


def candidate_secret() -> str | None:
    sealed = session.get(CANDIDATE)
    return unseal(secret_key(), sealed) if isinstance(sealed, str) else None


def setup_page(form: CodeForm, secret: str):
    uri = totp.provisioning_uri(secret, current_user.email)
    return form_page(
        "auth/two_factor_setup.html",
        form,
        qr=totp.qr_data_uri(uri),
        secret=totp.grouped(secret),
        issuer=totp.ISSUER,
    )


@bp.route("/account/two-factor/setup", methods=["GET", "POST"])
@login_required
def two_factor_setup():
    secret = candidate_secret()
    if current_user.two_factor_on or secret is None:
        session.pop(CANDIDATE, None)
        flash(_("Press “Turn on” to set up two-factor authentication."))
        return redirect(url_for("auth.two_factor"))
    form = CodeForm()
    if not form.validate_on_submit():
        return setup_page(form, secret)
    step = totp.code_step(secret, form.code.data)
    if step is None:
        form.code.errors.append(WRONG_CODE)
        return setup_page(form, secret)
    user = current_user._get_current_object()
    codes = totp.turn_on(db.session, secret_key(), user, secret, step)
    end_sessions(db.session, user)
    record(db.session, "user.two_factor_on", target=f"user {user.id}")
    start_session(db.session, user)  # commits; a fresh session without the candidate
    current_app.logger.info("User %s turned two-factor authentication on", user.id)
    return render_template("auth/two_factor_codes.html", codes=codes, turned_on=True)


@bp.route("/account/two-factor/off", methods=["GET", "POST"])
@login_required
@limit_failed_codes
def two_factor_off():
    user = current_user._get_current_object()
    if not user.two_factor_on:
        flash(_("Two-factor authentication is off."))
        return redirect(url_for("auth.two_factor"))
    if is_required(user):
        abort(403, str(REQUIRED))
    form = TurnOffForm()
    if not form.validate_on_submit():
        return form_page("auth/two_factor_off.html", form)
    if not (
        password_matches(user.password_hash, form.password.data)
        and totp.use_second_factor(db.session, secret_key(), user, form.code.data)
    ):
        current_app.logger.warning("User %s failed to turn two-factor off", user.id)
        slow_down()
        page = render_template("auth/two_factor_off.html", form=form, failed=FAILED_TURN_OFF)
        return page, FAILED_LOGIN_STATUS
    totp.turn_off(db.session, user)
    end_sessions(db.session, user)
    record(db.session, "user.two_factor_off", target=f"user {user.id}")
    start_session(db.session, user)  # commits
    flash(_("Two-factor authentication is off, and your recovery codes no longer work."))
    return redirect(url_for("auth.two_factor"))


@bp.route("/account/two-factor/recovery-codes", methods=["GET", "POST"])
@login_required
@limit_failed_codes
def two_factor_recovery():
    user = current_user
    if not user.two_factor_on:
        flash(_("Two-factor authentication is off: there are no recovery codes."))
        return redirect(url_for("auth.two_factor"))
    form = CodeForm()
    if not form.validate_on_submit():
        return form_page("auth/two_factor_recovery.html", form)
    if not totp.use_second_factor(db.session, secret_key(), user, form.code.data):
        current_app.logger.warning("User %s gave a wrong code for new recovery codes", user.id)
        slow_down()
        page = render_template("auth/two_factor_recovery.html", form=form, failed=FAILED_CODE)
        return page, FAILED_LOGIN_STATUS
    codes = totp.replace_recovery_codes(db.session, secret_key(), user)
    record(db.session, "user.recovery_codes_new", target=f"user {user.id}")
    db.session.commit()
    return render_template("auth/two_factor_codes.html", codes=codes, turned_on=False)


def pending_login() -> tuple[User, str] | None:
    """The user of the session's pending login and where they go next, or ``None`` when there
    is none, it is older than ``PENDING_SECONDS``, or the user changed since (password change,
    disabling, two-factor turned off)."""
    pending = session.get(PENDING_LOGIN)
    if not isinstance(pending, dict):
        return None
    user_id, since = pending.get("user"), pending.get("since")
    if not isinstance(user_id, int) or not isinstance(since, int):
        return None
    if time.time() - since > PENDING_SECONDS:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or not user.two_factor_on:
        return None
    if user.session_version != pending.get("version"):
        return None
    return user, local_path(pending.get("after")) or AFTER_LOGIN


@bp.route("/login/code", methods=["GET", "POST"])
@limit_failed_codes
def login_code():
    found = pending_login()
    if found is None:
        session.pop(PENDING_LOGIN, None)
        if current_user.is_authenticated:
            return redirect(AFTER_LOGIN)
        flash(str(PENDING_GONE))
        return redirect(url_for("auth.login"))
    user, after = found
    form = CodeForm()
    if not form.validate_on_submit():
        return form_page("auth/login_code.html", form)
    kind = totp.use_second_factor(db.session, secret_key(), user, form.code.data)
    if kind is None:
        current_app.logger.warning(
            "Failed two-factor code for user %s from %s", user.id, request.remote_addr
        )
        slow_down()
        page = render_template("auth/login_code.html", form=form, failed=FAILED_CODE)
        return page, FAILED_LOGIN_STATUS
    if kind == "recovery code":
        record(db.session, "user.recovery_code_used", target=f"user {user.id}")
    current_app.logger.info("User %s gave their %s from %s", user.id, kind, request.remote_addr)
    start_session(db.session, user)
    return redirect(after)
