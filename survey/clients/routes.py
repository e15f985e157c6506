"""Consultant pages: client organisations, their team tree and the roster import.

Every route is for admins and consultants only (``survey.access.consultants_only``), and checks
on the server that the organisation is theirs. Each change is one transaction with its audit
event; a refused change re-renders the form with the reason and 422, and writes nothing.
"""

from __future__ import annotations

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select, update
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import SelectChoice

from survey.access import by_id, job_or_404, organisation_or_404, team_or_404
from survey.audit import record
from survey.clients import bp
from survey.clients.forms import (
    ROOT,
    SAME_AS_ABOVE,
    ConfirmForm,
    OrganisationForm,
    OrganisationZoneForm,
    RosterConfirmForm,
    RosterUploadForm,
    TeamForm,
)
from survey.clients.organisations import (
    OrganisationRefused,
    create_organisation,
    organisations_page,
    recent_assessments,
    set_time_zone,
)
from survey.clients.roster import parse_roster
from survey.clients.roster_import import plan_import
from survey.clients.roster_job import KIND, import_key, imported_message
from survey.clients.teams import (
    TeamChangeRefused,
    add_team,
    archive_team,
    count_step,
    delete_team,
    move_team,
    rename_team,
    set_department,
    set_team_zone,
    team_references,
    team_tree,
    teams_below,
)
from survey.clients.uploads import find_upload, store_upload, upload_rows
from survey.db import db
from survey.errors import error_page
from survey.forms import form_page
from survey.i18n import number
from survey.jobs.pages import job_page
from survey.jobs.queue import dispatch
from survey.jobs.runner import submit
from survey.models import Job, Organisation, RosterUpload, Team
from survey.models._columns import utcnow
from survey.pagination import page_number

UPLOADS_KEY = "roster_uploads"  # session: organisation id -> id of the upload being previewed
FORM_OVERHEAD = 64 * 1024  # room for the multipart envelope around the file


@bp.url_value_preprocessor
def allow_roster_files(endpoint: str | None, _values: dict | None) -> None:
    """Let the roster upload be larger than other forms.

    Runs before any ``before_request`` hook, so before CSRF protection reads the form.
    """
    if endpoint == "clients.roster":
        request.max_content_length = current_app.config["ROSTER_MAX_BYTES"] + FORM_OVERHEAD


@bp.errorhandler(RequestEntityTooLarge)
def file_too_large(_error: RequestEntityTooLarge):
    if request.endpoint != "clients.roster":
        return error_page(413)
    megabytes = current_app.config["ROSTER_MAX_BYTES"] / (1024 * 1024)
    return error_page(
        413,
        _(
            "The file is larger than the %(megabytes)s MB a roster may have, so nothing was "
            "imported. Split it into smaller files and upload them one by one.",
            megabytes=number(megabytes, 1),
        ),
    )


@bp.get("/")
def index():
    page = organisations_page(db.session, current_user, page_number(request.args.get("page")))
    return render_template("clients/index.html", page=page)


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = create_organisation(
                db.session, current_user, form.name.data, form.time_zone.data
            )
        except OrganisationRefused as refused:
            db.session.rollback()
            form.name.errors.append(str(refused))
        else:
            db.session.commit()
            return _back_to(
                organisation,
                _(
                    "%(name)s is ready: add its teams or import its roster.",
                    name=organisation.name,
                ),
            )
    return form_page("clients/new.html", form)


@bp.get("/<int:organisation_id>")
def organisation(organisation_id: int):
    found = organisation_or_404(db.session, current_user, organisation_id)
    return render_template(
        "clients/organisation.html",
        organisation=found,
        tree=team_tree(db.session, found.id),
        k=count_step(db.session, found.id),
        recent_assessments=recent_assessments(db.session, found.id, utcnow()),
    )


@bp.route("/<int:organisation_id>/settings", methods=["GET", "POST"])
def settings(organisation_id: int):
    """The organisation's settings: its time zone."""
    found = organisation_or_404(db.session, current_user, organisation_id)
    form = OrganisationZoneForm(time_zone=found.time_zone)
    if form.validate_on_submit():
        try:
            changed = set_time_zone(db.session, found, form.time_zone.data)
        except OrganisationRefused as refused:
            return _refused_form("clients/settings.html", form, refused, organisation=found)
        db.session.commit()
        if not changed:
            return _back_to(found, _("Nothing changed."))
        return _back_to(found, _("Times are now shown in %(zone)s.", zone=found.time_zone))
    return form_page("clients/settings.html", form, organisation=found)


@bp.route("/<int:organisation_id>/teams/new", methods=["GET", "POST"])
def team_new(organisation_id: int):
    found = organisation_or_404(db.session, current_user, organisation_id)
    form = TeamForm(parent=request.args.get("parent", ROOT))
    form.parent.choices = _parent_choices(found)
    if form.validate_on_submit():
        try:
            team = add_team(
                db.session,
                found,
                form.name.data,
                form.department.data,
                form.parent.data,
                form.own_zone,
            )
        except TeamChangeRefused as refused:
            return _refused_form(
                "clients/team_form.html",
                form,
                refused,
                organisation=found,
                above=_zone_above(found, form.parent.data),
            )
        db.session.commit()
        return _back_to(found, _("Added %(name)s.", name=team.name))
    return form_page(
        "clients/team_form.html",
        form,
        organisation=found,
        team=None,
        above=_zone_above(found, form.parent.data),
    )


@bp.route("/<int:organisation_id>/teams/<int:team_id>/edit", methods=["GET", "POST"])
def team_edit(organisation_id: int, team_id: int):
    found = organisation_or_404(db.session, current_user, organisation_id)
    team = team_or_404(db.session, current_user, team_id, found)
    form = TeamForm(
        name=team.name,
        department=team.department,
        parent=team.parent_id if team.parent_id is not None else ROOT,
        time_zone=team.time_zone or SAME_AS_ABOVE,
    )
    form.parent.choices = _parent_choices(found, moving=team)
    above = _zone_above(found, team.parent_id)
    if form.validate_on_submit():
        try:
            rename_team(db.session, team, form.name.data)
            set_department(db.session, team, form.department.data)
            move_team(db.session, team, form.parent.data)
            set_team_zone(db.session, team, form.own_zone)
        except TeamChangeRefused as refused:
            return _refused_form(
                "clients/team_form.html",
                form,
                refused,
                organisation=found,
                team=team,
                above=above,
            )
        db.session.commit()
        return _back_to(found, _("Saved %(name)s.", name=team.name))
    return form_page("clients/team_form.html", form, organisation=found, team=team, above=above)


@bp.route("/<int:organisation_id>/teams/<int:team_id>/archive", methods=["GET", "POST"])
def team_archive(organisation_id: int, team_id: int):
    found = organisation_or_404(db.session, current_user, organisation_id)
    team = team_or_404(db.session, current_user, team_id, found)
    affected = teams_below(db.session, team)
    form = ConfirmForm()
    if form.validate_on_submit():
        archive_team(db.session, team, utcnow())
        db.session.commit()
        below = len(affected) - 1
        if below:
            return _back_to(
                found,
                ngettext(
                    "Archived %(name)s and the %(num)d teams below it.",
                    "Archived %(name)s and the %(num)d teams below it.",
                    below,
                    name=team.name,
                ),
            )
        return _back_to(found, _("Archived %(name)s.", name=team.name))
    return form_page(
        "clients/team_archive.html", form, organisation=found, team=team, affected=affected
    )


@bp.route("/<int:organisation_id>/teams/<int:team_id>/delete", methods=["GET", "POST"])
def team_delete(organisation_id: int, team_id: int):
    found = organisation_or_404(db.session, current_user, organisation_id)
    team = team_or_404(db.session, current_user, team_id, found)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            delete_team(db.session, team)
            db.session.commit()
        except TeamChangeRefused as refused:
            return _refused_form(
                "clients/team_delete.html",
                form,
                refused,
                organisation=found,
                team=team,
                in_use=True,
            )
        return _back_to(found, _("Deleted %(name)s.", name=team.name))
    in_use = team_references(db.session, found.id)[team.id] > 0
    return form_page("clients/team_delete.html", form, organisation=found, team=team, in_use=in_use)


@bp.route("/<int:organisation_id>/roster", methods=["GET", "POST"])
def roster(organisation_id: int):
    found = organisation_or_404(db.session, current_user, organisation_id)
    form = RosterUploadForm()
    if not form.validate_on_submit():
        return form_page("clients/roster_upload.html", form, organisation=found, errors=[])
    upload = form.roster.data
    max_bytes = current_app.config["ROSTER_MAX_BYTES"]
    data = upload.read(max_bytes + 1)
    parsed = parse_roster(data, max_bytes, current_app.config["ROSTER_MAX_ROWS"])
    if not parsed.ok:
        page = render_template(
            "clients/roster_upload.html", form=form, organisation=found, errors=parsed.errors
        )
        return page, 413 if len(data) > max_bytes else 422
    stored = store_upload(
        db.session, found, current_user, upload.filename or "roster.csv", parsed.rows, utcnow()
    )
    record(
        db.session,
        "roster.upload",
        organisation_id=found.id,
        target=f"organisation {found.id}",
        rows=len(parsed.rows),
    )
    db.session.commit()
    session[UPLOADS_KEY] = {**session.get(UPLOADS_KEY, {}), str(found.id): stored.id}
    return redirect(url_for("clients.roster_preview", organisation_id=found.id))


@bp.get("/<int:organisation_id>/roster/preview")
def roster_preview(organisation_id: int):
    found = organisation_or_404(db.session, current_user, organisation_id)
    upload = _current_upload(found)
    if upload is None:
        flash(_("That preview has expired or was replaced. Upload the file again."))
        return redirect(url_for("clients.roster", organisation_id=found.id))
    plan = plan_import(db.session, found.id, upload_rows(upload))
    page = render_template(
        "clients/roster_preview.html",
        organisation=found,
        upload=upload,
        plan=plan,
        form=RosterConfirmForm(upload=upload.id),
    )
    return page, 422 if plan.errors else 200


@bp.post("/<int:organisation_id>/roster/confirm")
def roster_confirm(organisation_id: int):
    """Ask for the job that imports the previewed upload, once, and follow it."""
    found = organisation_or_404(db.session, current_user, organisation_id)
    form = RosterConfirmForm()
    confirmed = form.validate_on_submit()
    asked = _import_job(found, form.upload.data) if confirmed else None
    if asked is not None:  # a double click or a second tab: the import asked for already
        return redirect(_import_url(asked))
    upload = _current_upload(found)
    if not confirmed or upload is None or form.upload.data != upload.id:
        flash(
            _(
                "That preview has expired or was replaced by a newer upload, so nothing was "
                "imported. Check the preview below, or upload the file again."
            )
        )
        target = "clients.roster_preview" if upload else "clients.roster"
        return redirect(url_for(target, organisation_id=found.id))
    job = submit(
        db.session,
        KIND,
        import_key(upload.id),
        {"upload": upload.id},
        organisation_id=found.id,
        user_id=current_user.id,
    )
    if job is None:  # asked by another request at the same moment
        return redirect(_import_url(_import_job(found, upload.id)))
    # The upload is now the job's: no newer upload replaces it, no preview shows it again.
    db.session.execute(
        update(RosterUpload).where(RosterUpload.id == upload.id).values(job_id=job.id)
    )
    db.session.commit()
    _forget_upload(found)
    dispatch(job.id)
    return redirect(_import_url(job))


@bp.get("/<int:organisation_id>/roster/imports/<int:job_id>")
def roster_job(organisation_id: int, job_id: int):
    """The import's job page while it runs or after it failed; once it is done, the
    organisation's page with what it imported."""
    found = organisation_or_404(db.session, current_user, organisation_id)
    job = job_or_404(db.session, found, job_id)
    if job.kind != KIND:
        return redirect(url_for("clients.job", organisation_id=found.id, job_id=job.id))
    if job.state == "done":
        return _back_to(found, imported_message(job))
    return job_page(found, job)


@bp.post("/<int:organisation_id>/roster/cancel")
def roster_cancel(organisation_id: int):
    found = organisation_or_404(db.session, current_user, organisation_id)
    form = RosterConfirmForm()
    confirmed = form.validate_on_submit()
    asked = _import_job(found, form.upload.data) if confirmed else None
    if asked is not None:  # confirmed in another tab: the import goes on
        return redirect(_import_url(asked))
    upload = _current_upload(found)
    if confirmed and upload is not None and form.upload.data == upload.id:
        db.session.delete(upload)
        db.session.commit()
    _forget_upload(found)
    return _back_to(found, _("Nothing was imported."))


def _back_to(organisation: Organisation, message: str):
    """Show ``message`` on the organisation's page, and go there."""
    flash(message)
    return redirect(url_for("clients.organisation", organisation_id=organisation.id))


def _import_job(organisation: Organisation, upload_id: str | None) -> Job | None:
    """The job asked for to import the upload ``upload_id`` into ``organisation``, if any."""
    if not upload_id:
        return None
    return db.session.scalar(
        select(Job).where(Job.key == import_key(upload_id), Job.organisation_id == organisation.id)
    )


def _import_url(job: Job) -> str:
    return url_for("clients.roster_job", organisation_id=job.organisation_id, job_id=job.id)


def _current_upload(organisation: Organisation):
    upload_id = session.get(UPLOADS_KEY, {}).get(str(organisation.id))
    return find_upload(db.session, upload_id, organisation, current_user, utcnow())


def _forget_upload(organisation: Organisation) -> None:
    uploads = dict(session.get(UPLOADS_KEY, {}))
    uploads.pop(str(organisation.id), None)
    session[UPLOADS_KEY] = uploads


def _parent_choices(organisation: Organisation, moving: Team | None = None) -> list[SelectChoice]:
    """The top level, then every active team by path; without ``moving`` and its teams."""
    tree = team_tree(db.session, organisation.id)
    excluded = set()
    if moving is not None:
        excluded = {team.id for team in teams_below(db.session, moving)}
    return [SelectChoice(ROOT, _("(top level)"))] + [
        SelectChoice(node.team.id, node.path)
        for node in tree.nodes()
        if node.team.id not in excluded
    ]


def _zone_above(organisation: Organisation, parent_id: object) -> str:
    """The zone "Same as above" means under the team ``parent_id``: that team's, else (at the
    top level, or for an id that is no team of ``organisation``) the organisation's."""
    parent = by_id(db.session, Team, parent_id) if isinstance(parent_id, int) else None
    if parent is None or parent.organisation_id != organisation.id:
        return organisation.time_zone
    return parent.zone


def _refused_form(template: str, form, refused: Exception, **context):
    db.session.rollback()
    return render_template(template, form=form, refused=str(refused), **context), 422
