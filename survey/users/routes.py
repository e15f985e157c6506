"""Routes of the Users pages: the list, invitations (one by one or from a roster), a user's
page and its actions.

Every route checks on the server what the logged-in admin or consultant may see and change
(``survey.users.directory``); a user out of reach is the same 404 as a missing one.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from survey.access import organisation_or_404
from survey.audit import refuse
from survey.db import db
from survey.errors import error_page
from survey.forms import ConfirmForm, form_page
from survey.models import User
from survey.models.people import USER_ROLES, USER_STATUSES
from survey.pagination import page_number, paginate, paginate_list
from survey.users import bp, managing
from survey.users.directory import (
    Filters,
    manageable_ids,
    may_manage,
    may_see,
    organisation_choices,
    scope_labels,
    team_choices,
    user_or_404,
    visible_accounts,
    visible_users,
)
from survey.users.forms import InviteForm, RoleForm, RosterInviteForm, ScopeForm
from survey.users.inviting import (
    NOT_HERE,
    TAKEN,
    EmailTaken,
    invite_roster_managers,
    reinvite,
    roster_managers,
    send_invitations,
)
from survey.users.inviting import invite as invite_user
from survey.users.limits import invitations_limit

PER_PAGE = 50


def _is_admin() -> bool:
    return current_user.role == "admin"


def _roles() -> list[str]:
    """The roles the logged-in user may give: an admin any, a consultant manager only."""
    return list(USER_ROLES[::-1]) if _is_admin() else ["manager"]


def _consultant_organisations() -> list[tuple[str, str]]:
    """The organisations a consultant may be given: only an admin gives any."""
    return organisation_choices(db.session, current_user) if _is_admin() else []


def _mail(invited: list[tuple[User, str]]) -> tuple[int, dict[str, str]]:
    """Send the invitations; the number sent and ``{e-mail: reason}`` of those that failed."""
    results = send_invitations(db.session, current_app.config, invited)
    failed = {email: reason for email, reason in results.items() if reason is not None}
    return len(results) - len(failed), failed


def _flash_failures(failed: dict[str, str]) -> None:
    for email, reason in failed.items():
        flash(
            _(
                "The invitation to %(email)s could not be sent: %(reason)s",
                email=email,
                reason=reason,
            ),
            "error",
        )


@bp.get("/")
def index():
    filters = Filters.from_args(request.args)
    query = visible_users(db.session, current_user, filters)
    page = paginate(db.session, query, page_number(request.args.get("page")), PER_PAGE)
    return render_template(
        "users/index.html",
        page=page,
        filters=filters,
        scopes=scope_labels(db.session, current_user, page.items),
        manageable=manageable_ids(current_user, page.items),
        organisations=organisation_choices(db.session, current_user),
        roles=USER_ROLES if _is_admin() else ("consultant", "manager"),
        statuses=USER_STATUSES,
    )


@bp.route("/invite", methods=["GET", "POST"])
@invitations_limit
def invite():
    form = InviteForm()
    form.offer(team_choices(db.session, current_user), _consultant_organisations())
    form.offer_roles(_roles())
    if form.validate_on_submit():
        try:
            user, token = invite_user(
                db.session,
                form.email.data,
                form.wanted_role(),
                form.team_id(),
                form.organisation_ids(),
            )
        except EmailTaken:
            email = form.email.data
            existing = visible_accounts(db.session, current_user, {email}).get(email)
            form.email.errors.append(_(TAKEN) if existing else _(NOT_HERE))
            return form_page("users/invite.html", form, existing=existing)
        sent, failed = _mail([(user, token)])
        if sent:
            flash(_("The invitation was sent to %(email)s.", email=user.email))
        _flash_failures(failed)
        return redirect(url_for("users.user", user_id=user.id))
    return form_page("users/invite.html", form)


@bp.route("/invite/roster/<int:organisation_id>", methods=["GET", "POST"])
@invitations_limit
def invite_roster(organisation_id: int):
    organisation = organisation_or_404(db.session, current_user, organisation_id)
    managers = roster_managers(db.session, current_user, organisation)
    form = RosterInviteForm()
    if form.validate_on_submit():
        wanted = form.person.data
        chosen = [
            manager
            for manager in managers
            if not manager.has_account and (not wanted or str(manager.person.id) == wanted)
        ]
        if not chosen:
            return error_page(422, _("Nobody to invite: no such manager without an account."))
        invited, refused = invite_roster_managers(db.session, chosen)
        sent, failed = _mail(invited)
        failed |= refused
        flash(
            _("Invitations sent: %(sent)s; failed: %(failed)s.", sent=sent, failed=len(failed)),
            "error" if failed else "message",
        )
        _flash_failures(failed)
        return redirect(url_for("users.invite_roster", organisation_id=organisation.id))
    page = paginate_list(managers, page_number(request.args.get("page")), PER_PAGE)
    waiting = sum(1 for manager in managers if not manager.has_account)
    return render_template(
        "users/invite_roster.html", organisation=organisation, page=page, waiting=waiting, form=form
    ), 422 if form.errors else 200


@bp.get("/<int:user_id>")
def user(user_id: int):
    user = user_or_404(db.session, current_user, user_id)
    manage = may_manage(db.session, current_user, user)
    assigned = sorted(user.organisations, key=lambda organisation: organisation.name)
    if not _is_admin():
        visible = {choice for choice, _name in organisation_choices(db.session, current_user)}
        assigned = [organisation for organisation in assigned if str(organisation.id) in visible]
    disabler = user.disabled_by
    return render_template(
        "users/user.html",
        user=user,
        scope=scope_labels(db.session, current_user, [user])[user.id],
        manage=manage,
        may_enable=managing.may_enable(current_user, user),
        disabled_by=disabler if disabler and may_see(db.session, current_user, disabler) else None,
        is_admin=_is_admin(),
        is_self=user.id == current_user.id,
        last_admin=managing.last_active_admin(db.session, user),
        assigned=assigned,
        form=ConfirmForm(),
    )


def _done(user: User, message: str):
    flash(message)
    return redirect(url_for("users.user", user_id=user.id))


@bp.post("/<int:user_id>/resend")
@invitations_limit
def resend(user_id: int):
    user = user_or_404(db.session, current_user, user_id, manage=True)
    if user.status != "invited":
        return error_page(
            409, _("Only an invited user who has not logged in yet gets invitations.")
        )
    sent, failed = _mail([(user, reinvite(db.session, user))])
    if sent:
        flash(
            _(
                "A new invitation was sent to %(email)s; the older link no longer works.",
                email=user.email,
            )
        )
    _flash_failures(failed)
    return redirect(url_for("users.user", user_id=user.id))


@bp.route("/<int:user_id>/disable", methods=["GET", "POST"])
def disable(user_id: int):
    user = user_or_404(db.session, current_user, user_id, manage=True)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            managing.disable(db.session, current_user, user)
        except managing.Refused as refused:
            return error_page(409, str(refused))
        return _done(user, _("%(email)s is disabled and logged out everywhere.", email=user.email))
    return render_template("users/disable.html", user=user, form=form)


@bp.post("/<int:user_id>/enable")
def enable(user_id: int):
    user = user_or_404(db.session, current_user, user_id, manage=True)
    try:
        managing.enable(db.session, current_user, user)
    except managing.Refused as refused:
        return error_page(409, str(refused))
    return _done(user, _("%(email)s may log in again.", email=user.email))


def _admin_only(user_id: int) -> User:
    """The user, for an admin; anyone else gets the refusal of a missing page."""
    if not _is_admin():
        refuse(db.session, "user", user_id)
    return user_or_404(db.session, current_user, user_id, manage=True)


@bp.route("/<int:user_id>/role", methods=["GET", "POST"])
def role(user_id: int):
    user = _admin_only(user_id)
    assigned = [str(organisation.id) for organisation in user.organisations]
    form = RoleForm(
        data={"role": user.role, "team": str(user.team_id or ""), "organisations": assigned}
    )
    form.offer(team_choices(db.session, current_user), _consultant_organisations())
    form.offer_roles(_roles())
    if form.validate_on_submit():
        try:
            managing.change_role(
                db.session,
                current_user,
                user,
                form.wanted_role(),
                form.team_id(),
                form.organisation_ids(),
            )
        except managing.Refused as refused:
            return error_page(409, str(refused))
        return _done(user, _("%(email)s is now %(role)s.", email=user.email, role=user.role))
    return form_page("users/role.html", form, user=user)


@bp.route("/<int:user_id>/scope", methods=["GET", "POST"])
def scope(user_id: int):
    user = user_or_404(db.session, current_user, user_id, manage=True)
    if user.role == "admin":
        return error_page(409, _("An admin's scope is everything; there is nothing to change."))
    assigned = [str(organisation.id) for organisation in user.organisations]
    form = ScopeForm(data={"team": str(user.team_id or ""), "organisations": assigned})
    form.offer(team_choices(db.session, current_user), _consultant_organisations(), user.role)
    if form.validate_on_submit():
        managing.change_scope(db.session, user, form.team_id(), form.organisation_ids())
        return _done(user, _("The scope of %(email)s was changed.", email=user.email))
    return form_page("users/scope.html", form, user=user)


@bp.route("/<int:user_id>/organisations/<int:organisation_id>/remove", methods=["GET", "POST"])
def unassign(user_id: int, organisation_id: int):
    user = _admin_only(user_id)
    organisation = organisation_or_404(db.session, current_user, organisation_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            managing.unassign(db.session, user, organisation)
        except managing.Refused as refused:
            return error_page(409, str(refused))
        return _done(
            user,
            _(
                "%(email)s no longer consults for %(name)s.",
                email=user.email,
                name=organisation.name,
            ),
        )
    if organisation not in user.organisations:
        return error_page(409, _("This consultant is not assigned to this organisation."))
    return render_template("users/unassign.html", user=user, organisation=organisation, form=form)
