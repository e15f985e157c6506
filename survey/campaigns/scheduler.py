"""What happens to waves without anyone clicking: mailings when they open, reminders, releases.

``due_jobs`` looks at the database and asks for every job that is due, each under a key that
names it (``release:<wave>:final``, ``invite:<wave>:open``, ``remind:<wave>:<day>``): the job
table's unique key lets one scheduler insert it however many look at the same moment, so each
happens exactly once. ``flask jobs-scheduler`` calls it every ``SCHEDULER_SECONDS`` and sends
what it asked for, with the jobs whose worker died, to the queue.

A reminder day that passed while no scheduler ran is skipped when a later one is due already,
so a scheduler started late sends one reminder, not several at once; and no reminder goes out
before the opening's mailing has finished, nor to anyone invited or mailed less than a day
before its day.
Reminders go only to invitations not answered yet, by e-mail only, and their counts are
coarsened in anonymous mode like the consultant's own reminders
(``survey.campaigns.invitation_routes``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from analysis.privacy import coarse_count
from survey.audit import record
from survey.campaigns.issuing import invite_roster, teams_under, unanswered, uninvited_people
from survey.campaigns.mailing import start_batch, submit_mailing
from survey.db import db
from survey.jobs.files import drop_old_results
from survey.jobs.queue import dispatch_all
from survey.jobs.registry import Progress, job_kind
from survey.jobs.runner import fence, lost_jobs, submit
from survey.models import Assessment, Invitation, Job, MailBatch, MailDelivery, Release, Wave
from survey.releases.store import release_wave

# The least time between someone's invitation and a reminder.
REMINDER_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Tick:
    """What one look of the scheduler did: jobs it asked for, jobs it sent again, files it
    deleted."""

    asked: list[int]
    sent_again: list[int]
    files_deleted: int


def tick(app: Flask, now: datetime) -> Tick:
    """One look: ask for the jobs due at ``now``, send them and the lost ones to the queue, and
    delete the files of jobs finished more than ``JOB_RESULT_DAYS`` ago."""
    with app.app_context():
        session = db.session
        asked = due_jobs(session, now)
        lease = timedelta(seconds=app.config["JOBS_LEASE_SECONDS"])
        again = [job_id for job_id in lost_jobs(session, now, lease) if job_id not in asked]
        deleted = drop_old_results(session, now - timedelta(days=app.config["JOB_RESULT_DAYS"]))
    dispatch_all(asked + again, app)
    return Tick(asked, again, deleted)


def due_jobs(session: Session, now: datetime) -> list[int]:
    """Ask for every job due at ``now``; the ids of those this call inserted."""
    asked = []
    for kind, key, params, organisation_id in _due(session, now):
        job = submit(session, kind, key, params, organisation_id=organisation_id)
        if job is not None:
            asked.append(job.id)
    return asked


def _due(session: Session, now: datetime):
    """(kind, key, params, organisation id) of each job due, asked for or not."""
    finals = exists().where(Release.wave_id == Wave.id, Release.final.is_(True))
    closed = session.execute(
        select(Wave.id, Assessment.organisation_id)
        .join(Assessment, Assessment.id == Wave.assessment_id)
        .where(Wave.closes_at <= now, ~finals)
        .order_by(Wave.id)
    ).all()
    for wave_id, organisation_id in closed:
        yield "release", f"release:{wave_id}:final", {"wave": wave_id}, organisation_id
    open_waves = session.scalars(
        select(Wave).where(Wave.opens_at <= now, Wave.closes_at > now).order_by(Wave.id)
    )
    for wave in open_waves:
        organisation_id = wave.assessment.organisation_id
        opening = f"invite:{wave.id}:open"
        if wave.invite_on_open:
            params = {"wave": wave.id, "kind": "invitation", "at": now.isoformat()}
            yield "scheduled_mail", opening, params, organisation_id
            if not _mailed(session, opening):
                continue  # no reminder before the invitations are out
        day = latest_due_day(wave, now)
        if day is not None:
            due = wave.opens_at + timedelta(days=day)
            params = {"wave": wave.id, "kind": "reminder", "day": day, "due": due.isoformat()}
            yield "scheduled_mail", f"remind:{wave.id}:{day}", params, organisation_id


def _mailed(session: Session, key: str) -> bool:
    """Whether the scheduled mailing ``key`` has made its batch and the batch has finished."""
    params = session.scalar(select(Job.params).where(Job.key == key))
    if not params or "batch" not in params:
        return False
    finished = select(MailBatch.finished_at).where(MailBatch.id == params["batch"])
    return session.scalar(finished) is not None


def latest_due_day(wave: Wave, now: datetime) -> int | None:
    """The last of the wave's reminder days that has come, or ``None`` before the first.

    >>> wave = Wave(opens_at=datetime(2026, 12, 1), reminder_days=[3, 7])
    >>> [latest_due_day(wave, datetime(2026, 12, d)) for d in (3, 4, 8, 9)]
    [None, 3, 7, 7]
    """
    due = [day for day in wave.reminder_days or [] if wave.opens_at + timedelta(days=day) <= now]
    return max(due) if due else None


@job_kind("release", _l("Final release at closing"))
def release_on_close(session: Session, job: Job, progress: Progress) -> None:
    """The final release of a closed wave, unless a page or a command made it first."""
    wave = session.get(Wave, job.params["wave"])
    made = session.scalar(
        select(exists().where(Release.wave_id == wave.id, Release.final.is_(True)))
    )
    if not made:
        release_wave(session, wave.assessment, wave, final=True)
    progress(1, 1)


@job_kind("scheduled_mail", _l("Scheduled mailing"), private_counts=True)
def scheduled_mail(session: Session, job: Job, progress: Progress) -> None:
    """The invitations of a wave that opened, or a reminder: the batch is made once (its id
    kept in the job, committed with it), then handed to the jobs that send any batch."""
    if "batch" not in job.params:
        wave = session.get(Wave, job.params["wave"])
        kind = job.params["kind"]
        team_ids = teams_under(session, wave.assessment.organisation_id, None)
        if kind == "invitation":  # made as of the scheduler's look that asked for them
            asked_at = datetime.fromisoformat(job.params["at"])
            people = list(session.scalars(uninvited_people(wave, team_ids)))
            days = current_app.config["INVITATION_DAYS"]
            invitations = [
                item.invitation for item in invite_roster(session, wave, people, asked_at, days)
            ]
        else:  # nobody is reminded within a day of their invitation, or of their last mail
            invited_before = datetime.fromisoformat(job.params["due"]) - REMINDER_AFTER
            mailing = select(MailDelivery.invitation_id).where(
                MailDelivery.status.in_(("pending", "sending"))
                | (MailDelivery.sent_at > invited_before)
            )
            waiting = unanswered(wave, team_ids).where(
                Invitation.created_at <= invited_before, Invitation.id.not_in(mailing)
            )
            invitations = list(session.scalars(waiting))
        batch = start_batch(session, wave, kind, invitations)
        assessment = wave.assessment
        count = len(invitations)
        if assessment.mode == "anonymous" and kind == "reminder":
            count = coarse_count(count, assessment.min_group_size)
        record(
            session,
            "invitations.create" if kind == "invitation" else "invitations.remind",
            organisation_id=assessment.organisation_id,
            target=f"wave {wave.id}",
            count=count,
            team="everyone",
            delivery="email",
            mailing=batch.id,
            scheduled=True,
        )
        job.params = {**job.params, "batch": batch.id}
        fence(session, job)  # made once: a run that lost its claim rolls all this back
        session.commit()
        mailings = submit_mailing(session, batch)
    else:  # run again after its worker died: the jobs of its batch that were not asked for yet
        batch = session.get(MailBatch, job.params["batch"])
        mailings = submit_mailing(session, batch)
    progress(1, 1)
    dispatch_all([mailing.id for mailing in mailings])
