"""Routes of single sign-on: the sign-in (start page, redirect to the provider, callback) and an
organisation's settings, for its consultants and the admins."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from survey.access import is_consulting, organisation_or_404
from survey.accounts.links import close_links
from survey.accounts.logins import finish_login
from survey.audit import record, refuse
from survey.db import db
from survey.forms import form_page
from survey.models import SingleSignOn
from survey.sso import bp
from survey.sso.accounts import manager_for
from survey.sso.forms import MAX_SLUG, SLUG, SettingsForm, StartForm
from survey.sso.settings import enabled_by_slug, save_settings, secret_lost, settings_of

AFTER_LOGIN = "/dashboard/"
NO_SUCH_SLUG = _l("No organisation signs in with this name. Check it with your consultant.")
TITLES = {
    400: _l("This sign-in could not be finished"),
    401: _l("Your company's sign-in did not succeed"),
    403: _l("No account for this address"),
    502: _l("Your company's sign-in service did not answer"),
    503: _l("Single sign-on is not available"),
}


@bp.route("/", methods=["GET", "POST"])
def start_page():
    """Ask for the sign-in name, then offer a link to the provider.

    A link, not a redirect: the page's Content-Security-Policy (``form-action 'self'``) would
    stop a form's redirect to the provider's host.
    """
    form = StartForm()
    if form.validate_on_submit():
        sso = enabled_by_slug(db.session, form.slug.data)
        if sso is not None:
            return render_template(
                "sso/continue.html", slug=sso.slug, organisation=sso.organisation.name
            )
        form.slug.errors.append(NO_SUCH_SLUG)
    return form_page("sso/start.html", form)


@bp.get("/<slug>")
def start(slug: str):
    # imported here: Authlib and requests, needed by a sign-in only (README, *Workers*)
    from survey.sso import client

    sso = _enabled_or_404(slug)
    try:
        return client.start(sso, current_app.config["SECRET_KEY"], _callback_url(sso.slug))
    except client.SignInFailed as failed:
        return _problem(sso, failed.status, failed.message)


@bp.get("/<slug>/callback")
def callback(slug: str):
    # imported here: Authlib and requests, needed by a sign-in only (README, *Workers*)
    from survey.sso import client

    sso = _enabled_or_404(slug)
    try:
        email = client.finish(sso, current_app.config["SECRET_KEY"])
    except client.SignInFailed as failed:
        current_app.logger.warning("Single sign-on %s failed: %s", sso.slug, failed.__cause__)
        return _problem(sso, failed.status, failed.message)
    user = manager_for(db.session, sso, email)
    if user is None:
        current_app.logger.warning("Single sign-on %s: no manager %r", sso.slug, email)
        message = _(
            "There is no account for %(email)s at %(organisation)s. "
            "Please ask your consultant for an invitation.",
            email=email,
            organisation=sso.organisation.name,
        )
        return _problem(sso, 403, message)
    current_app.logger.info("User %s signed in through %s", user.id, sso.slug)
    record(
        db.session,
        "user.sso_login",
        organisation_id=sso.organisation_id,
        target=f"user {user.id}",
        second_factor=user.two_factor_on,
    )
    close_links(db.session, user.id)  # an invitation still open is no longer needed
    after = finish_login(db.session, user, AFTER_LOGIN)
    db.session.commit()
    return redirect(after)


@bp.route("/settings/<int:organisation_id>", methods=["GET", "POST"])
def settings(organisation_id: int):
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    organisation = organisation_or_404(db.session, current_user, organisation_id)
    if not is_consulting(current_user):
        refuse(db.session, "consultant page", request.path, organisation_id=organisation.id)
    current = settings_of(db.session, organisation)
    form = SettingsForm(data=_shown(current)) if request.method == "GET" else SettingsForm()
    secret_key = current_app.config["SECRET_KEY"]
    if (
        form.validate_on_submit()
        and save_settings(db.session, organisation, current, form, secret_key) is not None
    ):
        flash(_("Single sign-on settings saved."))
        return redirect(url_for("sso.settings", organisation_id=organisation.id))
    callback = _callback_url(current.slug) if current is not None else None
    return form_page(
        "sso/settings.html",
        form,
        organisation=organisation,
        current=current,
        callback=callback,
        secret_lost=secret_lost(current, secret_key),
    )


def _shown(current: SingleSignOn | None) -> dict:
    """What the settings form shows at first: never the client secret."""
    if current is None:
        return {"enabled": True}
    return {
        "issuer": current.issuer,
        "client_id": current.client_id,
        "slug": current.slug,
        "email_domains": current.email_domains,
        "enabled": current.enabled,
    }


def _callback_url(slug: str) -> str:
    """Where the provider sends people back: the address to register with it."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + url_for("sso.callback", slug=slug)


def _enabled_or_404(slug: str) -> SingleSignOn:
    sso = None
    if len(slug) <= MAX_SLUG and SLUG.fullmatch(slug):
        sso = enabled_by_slug(db.session, slug)
    if sso is None:
        abort(404)
    return sso


def _problem(sso: SingleSignOn, status: int, message: str):
    page = render_template(
        "sso/problem.html",
        title=TITLES.get(status) or _("Sign-in failed"),
        message=message,
        status=status,
        slug=sso.slug,
    )
    return page, status
