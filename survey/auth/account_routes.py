"""``/account``: one's own account, and changing one's own password.

A wrong current password re-renders the form with 401 and counts against a limit per user
(``PASSWORD_CHANGE_FAILURES_PER_USER``); past it the page answers 429. A new password ends
every other session of the user; this browser stays logged in on a fresh session.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from survey.accounts.passwords import password_matches, password_problem
from survey.accounts.sessions import start_session
from survey.auth import bp
from survey.auth.account_scope import scope_of
from survey.auth.password_changes import store_password
from survey.auth.password_forms import ChangePasswordForm
from survey.db import db
from survey.forms import form_page
from survey.limiter import limiter

WRONG_CURRENT_STATUS = 401
WRONG_CURRENT = _l("That is not your current password.")
TOO_MANY_FAILURES = _l("Too many wrong passwords. Please wait a few minutes before trying again.")
SAME_PASSWORD = _l("The new password must differ from the current one.")
NO_PASSWORD_YET = _l(
    "Your account has no password yet. Log out and use “Forgot your password?” on the login "
    "page to set one."
)


@bp.get("/account")
@login_required
def account():
    return render_template(
        "auth/account.html",
        user=current_user,
        scope=scope_of(db.session, current_user),
    )


def failures_per_user() -> str:
    return current_app.config["PASSWORD_CHANGE_FAILURES_PER_USER"]


def user_key() -> str:
    """The limit's key: the logged-in user, else (never let in anyway) the remote address."""
    user_id = getattr(current_user, "id", None)
    return f"user/{user_id}" if user_id is not None else get_remote_address()


def is_wrong_current(response: Response) -> bool:
    return response.status_code == WRONG_CURRENT_STATUS


@bp.route("/account/password", methods=["GET", "POST"])
@limiter.limit(
    failures_per_user,
    key_func=user_key,
    methods=["POST"],
    deduct_when=is_wrong_current,
    error_message=TOO_MANY_FAILURES,
)
@login_required
def change_password():
    user = current_user._get_current_object()
    if user.password_hash is None:
        return render_template("auth/change_password.html", form=None, message=NO_PASSWORD_YET)
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return form_page("auth/change_password.html", form)
    if not password_matches(user.password_hash, form.current.data):
        current_app.logger.warning("User %s typed a wrong current password", user.id)
        form.current.errors.append(WRONG_CURRENT)
        return render_template("auth/change_password.html", form=form), WRONG_CURRENT_STATUS
    problem = password_problem(form.password.data, email=user.email)
    if problem is None and form.password.data == form.current.data:
        problem = SAME_PASSWORD
    if problem:
        form.password.errors.append(problem)
        return form_page("auth/change_password.html", form)
    store_password(db.session, user, form.password.data, "user.password_changed")
    start_session(db.session, user)
    flash(_("Your password is changed. You were logged out everywhere else."))
    return redirect(url_for("auth.account"))
