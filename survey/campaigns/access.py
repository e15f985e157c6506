"""Who may use the assessment pages: admins, and consultants for the organisations assigned to
them. Anything else (a manager, another client's assessment or wave, an id that does not exist)
is refused with ``survey.audit.refuse``: logged, audited, and the same 404 as for something
missing.
"""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy.orm import Session

from survey.audit import refuse
from survey.models import Assessment, MailBatch, Organisation, Wave
from survey.scope import LARGEST_ID, organisation_ids_in_scope

CONSULTANT_ROLES = ("admin", "consultant")


def organisation_or_404(session: Session, organisation_id: int) -> Organisation:
    """The organisation, when the logged-in consultant or admin may act on it."""
    organisation = _get(session, Organisation, organisation_id)
    if (
        organisation is None
        or current_user.role not in CONSULTANT_ROLES
        or organisation.id not in organisation_ids_in_scope(session, current_user)
    ):
        known = organisation.id if organisation is not None else None
        refuse(session, "organisation", organisation_id, organisation_id=known)
    return organisation


def assessment_or_404(session: Session, organisation: Organisation, assessment_id: int):
    """An assessment of ``organisation``; one of another organisation is a 404."""
    assessment = _get(session, Assessment, assessment_id)
    if assessment is None or assessment.organisation_id != organisation.id:
        refuse(session, "assessment", assessment_id, organisation_id=organisation.id)
    return assessment


def wave_or_404(session: Session, assessment: Assessment, wave_id: int) -> Wave:
    """A wave of ``assessment``; a wave of another assessment is a 404."""
    wave = _get(session, Wave, wave_id)
    if wave is None or wave.assessment_id != assessment.id:
        refuse(session, "wave", wave_id, organisation_id=assessment.organisation_id)
    return wave


def batch_or_404(session: Session, wave: Wave, batch_id: int) -> MailBatch:
    """A mail batch of ``wave``."""
    batch = _get(session, MailBatch, batch_id)
    if batch is None or batch.wave_id != wave.id:
        refuse(session, "mail batch", batch_id, organisation_id=wave.assessment.organisation_id)
    return batch


def _get(session: Session, model, wanted_id: int):
    return session.get(model, wanted_id) if 0 < wanted_id <= LARGEST_ID else None
