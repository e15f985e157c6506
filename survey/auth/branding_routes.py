"""``/account/branding``: a consultant's or admin's consultancy name and logo, for the slide
decks they make. Managers make no decks: they get the refusal of a missing page."""

from __future__ import annotations

from base64 import b64encode

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from survey.access import LONGEST_PATH, is_consulting
from survey.audit import record, refuse
from survey.auth import bp
from survey.auth.branding_forms import LOGO_MAX_BYTES, TOO_LARGE, BrandingForm, RemoveLogoForm
from survey.db import db
from survey.errors import error_page
from survey.forms import form_page
from survey.models import User

FORM_OVERHEAD = 64 * 1024  # room for the multipart envelope and the name around the logo
REFUSED_LOGO = 400


@bp.url_value_preprocessor
def allow_logo_files(endpoint: str | None, _values: dict | None) -> None:
    """Let the branding form carry a logo (before CSRF protection reads the form)."""
    if endpoint == "auth.branding":
        request.max_content_length = LOGO_MAX_BYTES + FORM_OVERHEAD


@bp.errorhandler(RequestEntityTooLarge)
def logo_too_large(_error: RequestEntityTooLarge):
    return error_page(413, str(TOO_LARGE) if request.endpoint == "auth.branding" else None)


@bp.route("/account/branding", methods=["GET", "POST"])
@login_required
def branding():
    user = _consulting_user()
    form = BrandingForm(data={"name": user.brand_name or ""})
    if not form.validate_on_submit():
        page, status = _page(user, form, RemoveLogoForm())
        return page, REFUSED_LOGO if form.logo.errors else status
    user.brand_name = form.name.data or None
    if form.logo_png is not None:
        user.brand_logo = form.logo_png
    record(
        db.session,
        "user.branding",
        target=f"user {user.id}",
        named=user.brand_name is not None,
        new_logo=form.logo_png is not None,
    )
    db.session.commit()
    flash(_("Your branding is saved; the slide decks you make from now on carry it."))
    return redirect(url_for("auth.account"))


@bp.post("/account/branding/logo/remove")
@login_required
def remove_logo():
    user = _consulting_user()
    form = RemoveLogoForm()
    if not form.validate_on_submit():
        return _page(user, BrandingForm(data={"name": user.brand_name or ""}), form)
    user.brand_logo = None
    record(db.session, "user.branding_logo_removed", target=f"user {user.id}")
    db.session.commit()
    flash(_("Your logo is removed."))
    return redirect(url_for("auth.branding"))


def _page(user: User, form: BrandingForm, remove: RemoveLogoForm):
    """The branding page, with the logo kept (if any) shown as it is stored."""
    logo = user.brand_logo
    shown = f"data:image/png;base64,{b64encode(logo).decode('ascii')}" if logo else None
    return form_page("auth/branding.html", form, remove=remove, logo=shown)


def _consulting_user() -> User:
    """The logged-in admin or consultant; anyone else gets the audited 404 of a missing page."""
    if not is_consulting(current_user):
        refuse(db.session, "consultant page", request.path[:LONGEST_PATH])
    return current_user._get_current_object()
