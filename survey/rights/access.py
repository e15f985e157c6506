"""Who may use the data-rights pages: admins, and consultants for their own organisations.

Anything else (a manager, another client's organisation, a person of another organisation, an
id that does not exist) is refused with ``survey.audit.refuse``: logged, audited, and the same
404 as for something missing.
"""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy.orm import Session

from survey.audit import refuse
from survey.models import Organisation, Person
from survey.scope import LARGEST_ID, organisation_ids_in_scope

CONSULTANT_ROLES = ("admin", "consultant")


def is_consultant() -> bool:
    """Whether the logged-in user is an admin or a consultant."""
    return current_user.is_authenticated and current_user.role in CONSULTANT_ROLES


def organisation_or_404(session: Session, organisation_id: int) -> Organisation:
    """The organisation, when the logged-in consultant or admin may act on it; else 404."""
    organisation = (
        session.get(Organisation, organisation_id) if organisation_id <= LARGEST_ID else None
    )
    known = organisation.id if organisation is not None else None
    if (
        organisation is None
        or not is_consultant()
        or organisation.id not in organisation_ids_in_scope(session, current_user)
    ):
        refuse(session, "organisation", organisation_id, organisation_id=known)
    return organisation


def person_or_404(session: Session, organisation: Organisation, person_id: int) -> Person:
    """A person on ``organisation``'s roster; a person of another organisation is a 404."""
    person = session.get(Person, person_id) if person_id <= LARGEST_ID else None
    if person is None or person.organisation_id != organisation.id:
        refuse(session, "person", person_id, organisation_id=organisation.id)
    return person


def audit_scope_or_404(session: Session) -> set[int] | None:
    """The organisations whose events the user may read; ``None`` means all (an admin)."""
    if not is_consultant():
        refuse(session, "page", "audit log")
    if current_user.role == "admin":
        return None
    return organisation_ids_in_scope(session, current_user)
