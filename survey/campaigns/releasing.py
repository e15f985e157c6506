"""An interim release of an open wave as a background job: the disclosure auditor can take
seconds.

The consultant's click asks for a job of kind ``interim_release`` under the key
``release:<wave>:interim:<seq>``, ``seq`` being the number the next release of the wave will
have: two clicks before it is made ask for the same job, so make one release. (The final release
at closing is the scheduler's job ``release:<wave>:final``, ``survey.campaigns.scheduler``.) The
job stores the release, its ``wave.release`` audit event and whether it made it in one
transaction; run again after its worker died, it finds that answer and does nothing more.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.audit import record
from survey.jobs.registry import JobFailed, Progress, job_kind
from survey.models import Job, Release, User, Wave
from survey.models._columns import utcnow
from survey.releases.store import release_wave

KIND = "interim_release"


def interim_key(wave_id: int, seq: int) -> str:
    """The job key of the interim release numbered ``seq`` of a wave."""
    return f"release:{wave_id}:interim:{seq}"


def next_seq(session: Session, wave: Wave) -> int:
    """The number the next release of ``wave`` will have."""
    latest = session.scalar(select(func.max(Release.seq)).where(Release.wave_id == wave.id))
    return (latest or 0) + 1


def interim_problem(session: Session, wave: Wave, now: datetime) -> str | None:
    """Why an interim release of ``wave`` cannot be made at ``now``, or None."""
    if not wave.is_open(now):
        return _(
            "%(wave)s is not open: a wave's results are released in full when it closes.",
            wave=wave.name,
        )
    # imported here: heavy, see README 'Workers'
    from survey.releases.build import next_interim_problem

    return next_interim_problem(session, wave)


@job_kind(KIND, _l("Interim release"))
def interim_release(session: Session, job: Job, progress: Progress) -> None:
    """Make the interim release ``job.params["seq"]`` of ``job.params["wave"]``, unless another
    release took that number first; ``job.params["made"]`` says which."""
    if "made" in job.params:  # answered before its worker died
        return
    wave = session.get(Wave, job.params["wave"])
    progress(0, 1)
    made = False
    if next_seq(session, wave) == job.params["seq"]:
        problem = interim_problem(session, wave, utcnow())
        if problem is not None:
            raise JobFailed(problem)
        event = record(
            session,
            "wave.release",
            organisation_id=wave.assessment.organisation_id,
            target=f"wave {wave.id}",
            final=False,
            job=job.id,
        )
        actor = session.get(User, job.user_id) if job.user_id is not None else None
        if actor is not None:  # a job has no logged-in user: the one who asked for it
            event.user_id, event.user_email = actor.id, actor.email
        job.params = {**job.params, "made": True}
        # Committed with the release and its audit event, or rolled back with them when
        # another release of the wave was made at the same moment.
        made = release_wave(session, wave.assessment, wave, final=False)
    if not made:
        job.params = {**job.params, "made": False}
        session.commit()
    progress(1, 1)


def released_message(job: Job, wave: Wave) -> str:
    """What the assessment's page says once the job is done."""
    if job.params.get("made"):
        return _("Interim results of %(wave)s are released: managers now see them.", wave=wave.name)
    return _("Another release of this wave was made at the same moment; nothing more was done.")
