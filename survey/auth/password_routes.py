"""Setting a password through an invitation or reset link, and asking for a reset link.

A link that does not work (unknown, spent, expired, replaced, or its user disabled) gets one
plain 404 page, whatever the reason; only a successful POST spends a link. The "forgot" page
answers the same whether or not the address has an account (its work is done by
``survey.accounts.resets.request_reset``), and is throttled per address, per address and
submitted e-mail, and per submitted e-mail from any address (so that many addresses can neither
flood one inbox nor keep killing its link).
"""

from __future__ import annotations

from flask import current_app, redirect, render_template
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address

from survey.accounts.links import open_link, spend_links
from survey.accounts.logins import finish_login
from survey.accounts.passwords import password_problem
from survey.accounts.resets import request_reset
from survey.auth import bp
from survey.auth.password_changes import store_password
from survey.auth.password_forms import ForgotPasswordForm, SetPasswordForm
from survey.auth.redirects import AFTER_LOGIN
from survey.auth.throttle import address_and_email, email_alone
from survey.db import db
from survey.forms import form_page
from survey.limiter import limiter

DEAD_LINK_STATUS = 404
TOO_MANY_RESETS = _l(
    "Too many password-reset requests. Please wait an hour, or ask your administrator for a "
    "new link."
)


@bp.route("/welcome/<token>", methods=["GET", "POST"])
def welcome(token: str):
    return _set_password(token, "invite")


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _set_password(token, "reset")


def _set_password(token: str, purpose: str):
    link = open_link(db.session, token, purpose)
    if link is None:
        return dead_link(purpose)
    user = link.user
    form = SetPasswordForm()
    if form.validate_on_submit():
        problem = password_problem(form.password.data, email=user.email)
        if problem is None:
            if not spend_links(db.session, link):  # another request spent it just now
                db.session.rollback()
                return dead_link(purpose)
            store_password(db.session, user, form.password.data, "user.password_set")
            current_app.logger.info("User %s set their password through a link", user.id)
            return redirect(finish_login(db.session, user, AFTER_LOGIN))
        form.password.errors.append(problem)
    return form_page("auth/set_password.html", form, purpose=purpose, email=user.email)


def dead_link(purpose: str):
    return render_template("auth/link_dead.html", purpose=purpose), DEAD_LINK_STATUS


def resets_per_email() -> str:
    return current_app.config["PASSWORD_RESETS_PER_EMAIL"]


def resets_per_address() -> str:
    return current_app.config["PASSWORD_RESETS_PER_ADDRESS"]


def resets_per_account() -> str:
    return current_app.config["PASSWORD_RESETS_PER_ACCOUNT"]


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(resets_per_address, methods=["POST"], error_message=TOO_MANY_RESETS)
@limiter.limit(
    resets_per_email, key_func=address_and_email, methods=["POST"], error_message=TOO_MANY_RESETS
)
@limiter.limit(
    resets_per_account, key_func=email_alone, methods=["POST"], error_message=TOO_MANY_RESETS
)
def forgot_password():
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return form_page("auth/forgot_password.html", form)
    request_reset(current_app._get_current_object(), form.email.data)
    current_app.logger.info("Password reset asked from %s", get_remote_address())
    return render_template("auth/reset_sent.html")
