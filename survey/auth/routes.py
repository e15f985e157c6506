"""``/login`` and ``/logout``. Bad credentials re-render the form with 401 Unauthorized."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user

from survey.accounts.logins import finish_login
from survey.accounts.sessions import end_sessions
from survey.auth import bp
from survey.auth.accounts import authenticate
from survey.auth.forms import LoginForm
from survey.auth.redirects import AFTER_LOGIN, local_path
from survey.auth.throttle import FAILED_LOGIN_STATUS, limit_failed_logins, slow_down
from survey.db import db
from survey.forms import form_page

FAILED_MESSAGE = _l("That e-mail and password do not match an account.")


@bp.route("/login", methods=["GET", "POST"])
@limit_failed_logins
def login():
    next_path = local_path(request.args.get("next"))
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(next_path or AFTER_LOGIN)
    form = LoginForm()
    if not form.validate_on_submit():
        return form_page("auth/login.html", form, next_path=next_path)
    user = authenticate(db.session, form.email.data, form.password.data)
    if user is None:
        current_app.logger.warning(
            "Failed login for %r from %s", form.email.data[:254], request.remote_addr
        )
        slow_down()
        page = render_template(
            "auth/login.html", form=form, next_path=next_path, failed=FAILED_MESSAGE
        )
        return page, FAILED_LOGIN_STATUS
    current_app.logger.info("User %s proved their password from %s", user.id, request.remote_addr)
    return redirect(finish_login(db.session, user, next_path or AFTER_LOGIN))


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        current_app.logger.info("User %s logged out", current_user.id)
        end_sessions(db.session, current_user)
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."))
    return redirect(url_for("auth.login"))
