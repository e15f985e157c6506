"""The roster import as a background job: all of a confirmed file or nothing, and only once.

Confirming a preview asks for a job of kind ``roster_import`` under the key
``roster_import:<upload id>``: a double click, a second tab or a retry asks for the same job,
never a second import. The job reads the rows from the confirmed
:class:`~survey.models.RosterUpload` in the database (so any worker can), plans the import again
against the roster as it is now, and applies it in one transaction with its audit event, the
deletion of the upload and the counts the consultant is shown (kept in the job's parameters).
Run again after its worker died, it finds either nothing done, and does it all, or the counts,
and does nothing.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.clients.roster_import import ImportPlan, apply_import, plan_import
from survey.clients.uploads import upload_rows
from survey.jobs.registry import JobFailed, Progress, job_kind
from survey.models import Job, Organisation, RosterUpload, User

KIND = "roster_import"


def import_key(upload_id: str) -> str:
    """The job key of the import of one upload."""
    return f"{KIND}:{upload_id}"


@job_kind(KIND, _l("Roster import"))
def import_roster(session: Session, job: Job, progress: Progress) -> None:
    """Import the confirmed upload ``job.params["upload"]`` into the job's organisation."""
    if "summary" in job.params:  # imported before its worker died
        return
    organisation = session.get(Organisation, job.organisation_id)
    upload = session.get(RosterUpload, job.params["upload"])
    if upload is None or upload.organisation_id != organisation.id:
        raise JobFailed(
            _(
                "The uploaded roster file is no longer kept, so nothing was imported. Upload "
                "it again."
            )
        )
    rows = upload_rows(upload)
    progress(0, len(rows))
    plan = plan_import(session, organisation.id, rows)
    if plan.errors:
        raise JobFailed(
            ngettext(
                "The roster changed since the preview: %(num)d line cannot be imported now, so "
                "nothing was imported. Upload the file again to see why.",
                "The roster changed since the preview: %(num)d lines cannot be imported now, so "
                "nothing was imported. Upload the file again to see why.",
                len(plan.errors),
            )
        )
    actor = session.get(User, job.user_id) if job.user_id is not None else None
    try:
        apply_import(session, organisation, plan, actor=actor, job_id=job.id)
        session.delete(upload)
        job.params = {**job.params, "summary": _summary(plan)}
        session.commit()
    except IntegrityError:
        session.rollback()
        raise JobFailed(
            _("The roster changed while it was being imported, so nothing was imported.")
        ) from None
    progress(len(rows), len(rows))


def imported_message(job: Job) -> str:
    """What the organisation's page says after the job imported the roster."""
    summary = job.params["summary"]
    return _(
        "Imported the roster: %(teams)s new teams, %(people)s new people, %(updated)s "
        "updated, %(unchanged)s unchanged.",
        teams=summary["teams"],
        people=summary["people"],
        updated=summary["updated"],
        unchanged=summary["unchanged"],
    )


def _summary(plan: ImportPlan) -> dict[str, int]:
    return {
        "teams": len(plan.new_teams),
        "people": len(plan.new_people),
        "updated": len(plan.updates),
        "unchanged": plan.unchanged,
    }
