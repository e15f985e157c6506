"""Data-rights pages: the roster with deletion, the retention period, and the audit log.

Every route checks on the server that the user is an admin, or a consultant assigned to the
organisation (``survey.access``); every change is audited in its own transaction.
"""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from survey import retention as retention_rules
from survey.access import audit_scope, organisation_ids_in_scope, organisation_or_404, person_or_404
from survey.audit import record
from survey.db import db
from survey.erasure import erase_person, erasure_plan
from survey.errors import error_page
from survey.models import Person, Team
from survey.models._columns import utcnow
from survey.models.organisation import team_paths
from survey.pagination import page_number, paginate
from survey.rights import bp
from survey.rights.audit_log import (
    actions,
    details_text,
    events,
    organisation_names,
    stream_csv,
)
from survey.rights.forms import (
    MAX_RETENTION_DAYS,
    AuditFilterForm,
    DeletePersonForm,
    RetentionForm,
)
from survey.spreadsheet import requested_style

MAX_SEARCH = 254


PER_PAGE = 50


def _paths(organisation_id: int) -> dict[int, str]:
    """Every team's path, archived teams included, as people may sit in one."""
    return team_paths(
        list(db.session.scalars(select(Team).where(Team.organisation_id == organisation_id)))
    )


@bp.get("/clients/<int:organisation_id>/people/")
def people(organisation_id: int):
    organisation = organisation_or_404(db.session, current_user, organisation_id)
    search = request.args.get("q", "").strip().lower()[:MAX_SEARCH]
    query = select(Person).where(Person.organisation_id == organisation.id)
    if search:
        query = query.where(func.lower(Person.email).contains(search, autoescape=True))
    page = paginate(
        db.session,
        query.order_by(Person.email, Person.id),
        page_number(request.args.get("page")),
        PER_PAGE,
    )
    return render_template(
        "rights/people.html",
        organisation=organisation,
        page=page,
        search=search,
        paths=_paths(organisation.id),
    )


@bp.route("/clients/<int:organisation_id>/people/<int:person_id>/delete", methods=["GET", "POST"])
def delete_person(organisation_id: int, person_id: int):
    organisation = organisation_or_404(db.session, current_user, organisation_id)
    person = person_or_404(db.session, organisation, person_id)
    plan = erasure_plan(db.session, person)
    form = DeletePersonForm()
    if form.validate_on_submit():
        erasure = erase_person(
            db.session, person, delete_responses=plan.has_responses and form.delete_responses.data
        )
        record(
            db.session,
            "person.delete",
            organisation_id=organisation.id,
            target=f"person {person_id}",
            invitations_revoked=erasure.invitations_revoked,
            invitations_unlinked=erasure.invitations_unlinked,
            responses_deleted=erasure.responses_deleted,
            responses_unpaired=erasure.responses_unpaired,
            anonymous_invitations=erasure.anonymous_invitations,
        )
        db.session.commit()
        counts = {
            "revoked": erasure.invitations_revoked,
            "deleted": erasure.responses_deleted,
            "unpaired": erasure.responses_unpaired,
        }
        if erasure.anonymous_invitations:
            message = _(
                "One person was deleted from the roster: %(revoked)s unused link(s) revoked, "
                "%(deleted)s answer(s) deleted, %(unpaired)s answer(s) kept without their key. "
                "%(anonymous)s link(s) to anonymous assessments revoked or untied (which of the "
                "two is not shown).",
                anonymous=erasure.anonymous_invitations,
                **counts,
            )
        else:
            message = _(
                "One person was deleted from the roster: %(revoked)s unused link(s) revoked, "
                "%(deleted)s answer(s) deleted, %(unpaired)s answer(s) kept without their key.",
                **counts,
            )
        flash(message)
        return redirect(url_for("rights.people", organisation_id=organisation.id))
    return render_template(
        "rights/delete_person.html",
        organisation=organisation,
        person=person,
        team_path=_paths(organisation.id).get(person.team_id, ""),
        plan=plan,
        form=form,
    )


@bp.route("/clients/<int:organisation_id>/people/retention", methods=["GET", "POST"])
def retention(organisation_id: int):
    organisation = organisation_or_404(db.session, current_user, organisation_id)
    form = RetentionForm(data={"retention_days": organisation.retention_days})
    if form.validate_on_submit():
        before, after = organisation.retention_days, form.retention_days.data
        if before != after:
            organisation.retention_days = after
            record(
                db.session,
                "organisation.retention",
                organisation_id=organisation.id,
                target=f"organisation {organisation.id}",
                before=before,
                after=after,
            )
            db.session.commit()
        flash(
            _(
                "Identities are now kept %(days)s days after a person's last wave closes.",
                days=after,
            )
            if after
            else _("Identities are now kept until someone deletes them.")
        )
        return redirect(url_for("rights.retention", organisation_id=organisation.id))
    due = retention_rules.expired_people(db.session, organisation, utcnow())
    return render_template(
        "rights/retention.html",
        organisation=organisation,
        form=form,
        due=len(due),
        max_days=MAX_RETENTION_DAYS,
    ), 422 if form.errors else 200


def _audit_form(scope: set[int] | None) -> AuditFilterForm:
    visible = scope if scope is not None else organisation_ids_in_scope(db.session, current_user)
    form = AuditFilterForm(request.args)
    return form.offer(actions(db.session, scope), organisation_names(db.session, visible))


@bp.get("/audit/")
def audit():
    scope = audit_scope(db.session, current_user)
    form = _audit_form(scope)
    if not form.validate():
        return render_template(
            "rights/audit.html", form=form, page=None, names={}, details_text=details_text
        ), 422
    page = paginate(
        db.session, events(scope, form.wanted()), page_number(request.args.get("page")), PER_PAGE
    )
    names = organisation_names(db.session, (event.organisation_id for event in page.items))
    return render_template(
        "rights/audit.html", form=form, page=page, names=names, details_text=details_text
    )


@bp.get("/audit/events.csv")
def audit_csv():
    scope = audit_scope(db.session, current_user)
    form = _audit_form(scope)
    if not form.validate():
        return error_page(
            422, _("These filters cannot be used; correct them on the audit log page.")
        )
    wanted = form.wanted()
    record(
        db.session,
        "audit.download",
        organisation_id=wanted.organisation_id,
        action_filter=wanted.action,
        since=wanted.since.isoformat() if wanted.since else None,
        until=wanted.until.isoformat() if wanted.until else None,
    )
    db.session.commit()
    return Response(
        stream_csv(db.engine, events(scope, wanted), requested_style()),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'},
    )
