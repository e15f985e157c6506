"""A job's page, shared by the pages that start jobs: what it is, how far it got, why it
failed (with a retry), and its file. Its script reloads the page it is on once the job ends, so
a page that shows it while the job runs can say what the job did once it is done.

A mailing's counts are not shown: its own page shows them, coarsened where exact ones could
tell who has answered (anonymous reminders), so a job of a private kind links there.
"""

from __future__ import annotations

from flask import render_template, url_for

from survey.db import db
from survey.forms import ConfirmForm
from survey.jobs.registry import LABELS, PRIVATE_COUNTS
from survey.models import Job, MailBatch, Organisation, User, Wave

POLL_SECONDS = 2


def job_page(organisation: Organisation, job: Job) -> str:
    """The page of one of ``organisation``'s jobs (the caller checked access)."""
    return render_template(
        "clients/job.html",
        organisation=organisation,
        row=job_row(job),
        form=ConfirmForm(),
        poll_seconds=POLL_SECONDS,
    )


def job_row(job: Job) -> dict:
    """What the pages show of a job: its words, counts (unless private) and links."""
    private = job.kind in PRIVATE_COUNTS
    batch = db.session.get(MailBatch, job.params["batch"]) if "batch" in job.params else None
    wave_id = batch.wave_id if batch else job.params.get("wave")
    wave = db.session.get(Wave, wave_id) if wave_id else None
    mailing = (
        url_for(
            "campaigns.mailing",
            organisation_id=job.organisation_id,
            assessment_id=batch.wave.assessment_id,
            wave_id=batch.wave_id,
            batch_id=batch.id,
        )
        if batch
        else None
    )
    asked_by = db.session.get(User, job.user_id) if job.user_id else None
    return {
        "job": job,
        "label": LABELS.get(job.kind, job.kind),
        "wave": wave,
        "asked_by": asked_by.email if asked_by else None,
        "handled": None if private else job.done,
        "total": None if private else job.total,
        "mailing": mailing,
        "has_file": job.result_name is not None and job.state == "done",
    }
