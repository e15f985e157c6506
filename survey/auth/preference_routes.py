"""``/account/preferences``: one's own language and time zone."""

from __future__ import annotations

from flask import flash, redirect, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required

from survey.auth import bp
from survey.auth.preference_forms import PreferencesForm
from survey.db import db
from survey.forms import form_page
from survey.i18n import SESSION_KEY


@bp.route("/account/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    user = current_user._get_current_object()
    form = PreferencesForm(
        data={"language": user.language or "", "time_zone": user.time_zone or ""}
    )
    if not form.validate_on_submit():
        return form_page("auth/preferences.html", form, user=user)
    user.language = form.language.data or None
    user.time_zone = form.time_zone.data or None
    db.session.commit()
    session.pop(SESSION_KEY, None)  # the profile's choice now, not the switch's
    refresh()
    flash(_("Your language and time zone are saved."))
    return redirect(url_for("auth.account"))
