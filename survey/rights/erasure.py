"""Deleting a person's identity and, if chosen, their confidential responses.

A person's identity is their roster entry: e-mail and pseudonym. Deleting it removes the entry,
revokes their unused links (deleting them, and any draft behind them, so the links stop working)
and unties their used invitations from them (``person_id`` becomes NULL). Their confidential
responses carry the pseudonym as ``respondent_key``: they are either deleted (with their WHY
ladder and cooperation links, through the foreign keys' cascade) or kept without the key, so
nothing pairs them across waves any more. Anonymous responses carry nothing that leads to
anyone, so they are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from survey.models import Draft, Invitation, Person, Response


@dataclass(frozen=True)
class ErasurePlan:
    """What deleting one person takes away, counted before anything changes."""

    unused_invitations: int  # links that will stop working
    used_invitations: int  # kept for the response rates, no longer tied to the person
    responses: int  # confidential responses that carry the person's pseudonym

    @property
    def has_responses(self) -> bool:
        return self.responses > 0


@dataclass(frozen=True)
class Erasure:
    """What deleting one person did."""

    invitations_revoked: int
    invitations_unlinked: int
    responses_deleted: int
    responses_unpaired: int


def erasure_plan(session: Session, person: Person) -> ErasurePlan:
    """Count what deleting ``person`` would take away; changes nothing."""
    mine = Invitation.person_id == person.id
    unused = session.scalar(select(func.count()).where(mine, Invitation.used_on.is_(None)))
    used = session.scalar(select(func.count()).where(mine, Invitation.used_on.is_not(None)))
    responses = session.scalar(
        select(func.count()).where(Response.respondent_key == person.pseudonym)
    )
    return ErasurePlan(unused_invitations=unused, used_invitations=used, responses=responses)


def erase_person(session: Session, person: Person, *, delete_responses: bool) -> Erasure:
    """Delete ``person``'s identity in ``session``; the caller audits and commits.

    Parameters
    ----------
    session
        The session of the caller's transaction; nothing is committed here.
    person
        The roster entry to delete.
    delete_responses
        Delete their confidential responses too; otherwise keep them without the pseudonym.
    """
    unused = (Invitation.person_id == person.id, Invitation.used_on.is_(None))
    session.execute(
        delete(Draft).where(Draft.invitation_id.in_(select(Invitation.id).where(*unused)))
    )
    revoked = session.execute(delete(Invitation).where(*unused)).rowcount
    unlinked = session.execute(
        update(Invitation).where(Invitation.person_id == person.id).values(person_id=None)
    ).rowcount
    keyed = Response.respondent_key == person.pseudonym
    if delete_responses:
        deleted = session.execute(delete(Response).where(keyed)).rowcount
        unpaired = 0
    else:
        deleted = 0
        unpaired = session.execute(
            update(Response).where(keyed).values(respondent_key=None)
        ).rowcount
    session.delete(person)
    session.flush()
    return Erasure(
        invitations_revoked=revoked,
        invitations_unlinked=unlinked,
        responses_deleted=deleted,
        responses_unpaired=unpaired,
    )
