"""The organisation's background jobs: the list, one job's page (``survey.jobs.pages``) and
its JSON, a retry, and the file a job made."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from survey.access import job_or_404, organisation_or_404
from survey.audit import record
from survey.clients import bp
from survey.db import db
from survey.errors import error_page
from survey.forms import ConfirmForm
from survey.jobs.files import file_size, streamed_file
from survey.jobs.pages import job_page, job_row
from survey.jobs.queue import dispatch
from survey.jobs.runner import again
from survey.models import Job
from survey.pagination import page_number, paginate

JOBS_PER_PAGE = 20


@bp.get("/<int:organisation_id>/jobs")
def jobs(organisation_id: int):
    organisation = organisation_or_404(db.session, current_user, organisation_id)
    page = paginate(
        db.session,
        select(Job).where(Job.organisation_id == organisation.id).order_by(Job.id.desc()),
        page_number(request.args.get("page")),
        JOBS_PER_PAGE,
    )
    return render_template(
        "clients/jobs.html",
        organisation=organisation,
        page=page,
        rows=[job_row(job) for job in page.items],
    )


@bp.get("/<int:organisation_id>/jobs/<int:job_id>")
def job(organisation_id: int, job_id: int):
    organisation = organisation_or_404(db.session, current_user, organisation_id)
    return job_page(organisation, job_or_404(db.session, organisation, job_id))


@bp.get("/<int:organisation_id>/jobs/<int:job_id>.json")
def job_json(organisation_id: int, job_id: int):
    organisation = organisation_or_404(db.session, current_user, organisation_id)
    row = job_row(job_or_404(db.session, organisation, job_id))
    return jsonify(
        state=row["job"].state,
        done=row["job"].state in ("done", "failed"),
        handled=row["handled"],
        total=row["total"],
        error=row["job"].error,
    )


@bp.post("/<int:organisation_id>/jobs/<int:job_id>/retry")
def job_retry(organisation_id: int, job_id: int):
    organisation = organisation_or_404(db.session, current_user, organisation_id)
    found = job_or_404(db.session, organisation, job_id)
    if not ConfirmForm().validate_on_submit():
        return error_page(400, _("This form has expired; reload the page and try again."))
    if found.state != "failed":
        return error_page(409, _("Only a job that failed can be run again."))
    record(db.session, "job.retry", organisation_id=organisation.id, target=f"job {found.id}")
    if not again(db.session, found):  # committed with the audit event
        return error_page(409, _("Only a job that failed can be run again."))
    dispatch(found.id)
    flash(_("The job is queued again; it goes on where it stopped."))
    return redirect(url_for("clients.job", organisation_id=organisation.id, job_id=found.id), 303)


@bp.get("/<int:organisation_id>/jobs/<int:job_id>/file")
def job_file(organisation_id: int, job_id: int):
    organisation = organisation_or_404(db.session, current_user, organisation_id)
    found = job_or_404(db.session, organisation, job_id)
    if found.result_name is None or found.state != "done":
        abort(404)
    record(db.session, "job.download", organisation_id=organisation.id, target=f"job {found.id}")
    db.session.commit()
    headers = {
        "Content-Disposition": f'attachment; filename="{found.result_name}"',
        "Content-Length": str(file_size(db.session, found.id)),
        "Cache-Control": "no-store",
    }
    pieces = streamed_file(db.engine, found.id)
    return Response(pieces, mimetype=found.result_type, headers=headers)
