"""Setting a password through an invitation or reset link, and asking for a reset link.

A link that does not work (unknown, spent, expired, replaced, or its user disabled) gets one
plain 404 page, whatever the reason; only a successful POST spends a link. The "forgot" page
answers the same whether or not the address has an account, and is throttled per address and
per submitted e-mail.
"""

from __future__ import annotations

from flask import current_app, redirect, render_template
from flask_limiter.util import get_remote_address

from survey.accounts.links import open_link, spend_links
from survey.accounts.logins import finish_login
from survey.accounts.passwords import password_problem
from survey.accounts.resets import mail_reset, reset_for_email, reset_message
from survey.auth import bp
from survey.auth.password_changes import store_password
from survey.auth.password_forms import ForgotPasswordForm, SetPasswordForm
from survey.auth.redirects import AFTER_LOGIN
from survey.auth.throttle import address_and_email
from survey.db import db
from survey.forms import form_page
from survey.limiter import limiter

DEAD_LINK_STATUS = 404
TOO_MANY_RESETS = (
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
        return render_template("auth/link_dead.html", purpose=purpose), DEAD_LINK_STATUS
    user = link.user
    form = SetPasswordForm()
    if form.validate_on_submit():
        problem = password_problem(form.password.data, email=user.email)
        if problem is None:
            spend_links(db.session, link)
            store_password(db.session, user, form.password.data, "user.password_set")
            current_app.logger.info("User %s set their password through a link", user.id)
            return redirect(finish_login(db.session, user, AFTER_LOGIN))
        form.password.errors.append(problem)
    return form_page("auth/set_password.html", form, purpose=purpose, email=user.email)


def resets_per_email() -> str:
    return current_app.config["PASSWORD_RESETS_PER_EMAIL"]


def resets_per_address() -> str:
    return current_app.config["PASSWORD_RESETS_PER_ADDRESS"]


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(resets_per_address, methods=["POST"], error_message=TOO_MANY_RESETS)
@limiter.limit(
    resets_per_email, key_func=address_and_email, methods=["POST"], error_message=TOO_MANY_RESETS
)
def forgot_password():
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return form_page("auth/forgot_password.html", form)
    found = reset_for_email(db.session, form.email.data)
    if found is not None:
        user, token = found
        message = reset_message(current_app.config["PUBLIC_URL"], user.email, token)
        mail_reset(current_app._get_current_object(), message)
    current_app.logger.info("Password reset asked from %s", get_remote_address())
    return render_template("auth/reset_sent.html")
