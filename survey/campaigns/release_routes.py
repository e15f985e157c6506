"""Releasing a wave's results: an interim release while it is open, the final one at closing.

The interim release runs as a job (``survey.campaigns.releasing``): the consultant follows it on
its job page, and lands on the assessment once it is done.
"""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user
from sqlalchemy import select

from survey.access import assessment_or_404, job_or_404, organisation_or_404, wave_or_404
from survey.campaigns import bp
from survey.campaigns.releasing import (
    KIND,
    interim_key,
    interim_problem,
    next_seq,
    released_message,
)
from survey.campaigns.routes import assessment_url, confirmation_page
from survey.db import db
from survey.jobs.pages import job_page
from survey.jobs.queue import dispatch
from survey.jobs.runner import submit
from survey.models import Job
from survey.models._columns import utcnow


@bp.route("/<int:assessment_id>/waves/<int:wave_id>/release", methods=["GET", "POST"])
def release(organisation_id: int, assessment_id: int, wave_id: int):
    """Confirm (GET) and ask for (POST) an interim release of an open wave."""
    organisation = organisation_or_404(db.session, current_user, organisation_id)
    assessment = assessment_or_404(db.session, current_user, assessment_id, organisation)
    wave = wave_or_404(db.session, current_user, assessment, wave_id)
    page = confirmation_page(
        "campaigns/release.html",
        interim_problem(db.session, wave, utcnow()),
        organisation=organisation,
        assessment=assessment,
        wave=wave,
    )
    if page is not None:
        return page
    seq = next_seq(db.session, wave)
    key = interim_key(wave.id, seq)
    job = submit(
        db.session,
        KIND,
        key,
        {"wave": wave.id, "seq": seq},
        organisation_id=organisation.id,
        user_id=current_user.id,
    )
    if job is None:  # a second click before the release was made: the same job
        job = db.session.scalar(select(Job).where(Job.key == key))
    else:
        dispatch(job.id)
    return redirect(
        url_for(
            "campaigns.release_job",
            organisation_id=organisation.id,
            assessment_id=assessment.id,
            wave_id=wave.id,
            job_id=job.id,
        )
    )


@bp.get("/<int:assessment_id>/waves/<int:wave_id>/release/<int:job_id>")
def release_job(organisation_id: int, assessment_id: int, wave_id: int, job_id: int):
    """The release's job page while it runs or after it failed; once it is done, the
    assessment's page with what it did."""
    organisation = organisation_or_404(db.session, current_user, organisation_id)
    assessment = assessment_or_404(db.session, current_user, assessment_id, organisation)
    wave = wave_or_404(db.session, current_user, assessment, wave_id)
    job = job_or_404(db.session, organisation, job_id)
    if job.kind != KIND or job.params.get("wave") != wave.id:
        return redirect(url_for("clients.job", organisation_id=organisation.id, job_id=job.id))
    if job.state == "done":
        flash(released_message(job, wave))
        return redirect(assessment_url(assessment))
    return job_page(organisation, job)
