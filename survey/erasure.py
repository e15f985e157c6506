"""Deleting a person's identity and, if chosen, their confidential responses.

Shared by the data-rights pages (``survey.rights``) and the retention purge
(``survey.retention``); not part of any blueprint.

A person's identity is their roster entry: e-mail and pseudonym. Deleting it removes the entry,
revokes their unused links (deleting them, and any draft behind them, so the links stop working)
and unties their used invitations from them (``person_id`` becomes NULL). Their confidential
responses carry the pseudonym as ``respondent_key``: they are either deleted (with their WHY
ladder and cooperation links, through the foreign keys' cascade) or kept without the key, so
nothing pairs them across waves any more. Anonymous responses carry nothing that leads to
anyone, so they are never touched. The files of the organisation's jobs (exports and reports
made before) and its roster files waiting to be imported are deleted too, as they may hold them.

Whether a person answered an anonymous assessment is never shown: the plan and the result count
their invitations to anonymous assessments as one number, used or not, and only invitations to
confidential assessments are told apart as unused (revoked) and used (untied). Deleted drafts and
answers leave SQLite's write-ahead log once the caller commits (``survey.db.wipe_after_commit``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from survey.db import wipe_after_commit
from survey.jobs.files import drop_files
from survey.models import Assessment, Draft, Invitation, Person, Response, RosterUpload, Wave
from survey.releases.store import remember_erased, remember_unpaired


@dataclass(frozen=True)
class ErasurePlan:
    """What deleting one person takes away, counted before anything changes."""

    unused_invitations: int  # confidential assessments' links that will stop working
    used_invitations: int  # confidential ones kept for the response rates, tied to nobody
    responses: int  # confidential responses that carry the person's pseudonym
    anonymous_invitations: int = 0  # to anonymous assessments, used or not: never told apart

    @property
    def has_responses(self) -> bool:
        return self.responses > 0


@dataclass(frozen=True)
class Erasure:
    """What deleting one person did."""

    invitations_revoked: int  # unused, to confidential assessments
    invitations_unlinked: int  # used, to confidential assessments
    responses_deleted: int
    responses_unpaired: int
    anonymous_invitations: int = 0  # revoked or untied, never told which


def erasure_plan(session: Session, person: Person) -> ErasurePlan:
    """Count what deleting ``person`` would take away; changes nothing."""
    counts: dict[tuple[bool, bool], int] = {}
    for mode, used, count in session.execute(
        select(Assessment.mode, Invitation.used, func.count())
        .select_from(Invitation)
        .join(Wave, Wave.id == Invitation.wave_id)
        .join(Assessment, Assessment.id == Wave.assessment_id)
        .where(Invitation.person_id == person.id)
        .group_by(Assessment.mode, Invitation.used)
    ):
        key = (mode == "anonymous", used)
        counts[key] = counts.get(key, 0) + count
    responses = session.scalar(
        select(func.count()).where(Response.respondent_key == person.pseudonym)
    )
    return ErasurePlan(
        unused_invitations=counts.get((False, False), 0),
        used_invitations=counts.get((False, True), 0),
        responses=responses,
        anonymous_invitations=counts.get((True, False), 0) + counts.get((True, True), 0),
    )


def _anonymous_waves():
    return (
        select(Wave.id)
        .join(Assessment, Assessment.id == Wave.assessment_id)
        .where(Assessment.mode == "anonymous")
    )


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
    mine = Invitation.person_id == person.id
    anonymous = Invitation.wave_id.in_(_anonymous_waves())
    unused = (mine, Invitation.used.is_(False))
    session.execute(
        delete(Draft).where(Draft.invitation_id.in_(select(Invitation.id).where(*unused)))
    )
    revoked_anonymous = session.execute(delete(Invitation).where(*unused, anonymous)).rowcount
    revoked = session.execute(delete(Invitation).where(*unused)).rowcount
    unlinked_anonymous = session.execute(
        update(Invitation).where(mine, anonymous).values(person_id=None)
    ).rowcount
    unlinked = session.execute(update(Invitation).where(mine).values(person_id=None)).rowcount
    keyed = Response.respondent_key == person.pseudonym
    if delete_responses:
        remember_erased(session, keyed)
        deleted = session.execute(delete(Response).where(keyed)).rowcount
        unpaired = 0
    else:
        deleted = 0
        remember_unpaired(session, keyed)  # the pairs already published with them stay audited
        unpaired = session.execute(
            update(Response).where(keyed).values(respondent_key=None)
        ).rowcount
    # Files made before (exports, reports) and roster files waiting to be imported hold them.
    drop_files(session, person.organisation_id)
    session.execute(
        delete(RosterUpload).where(RosterUpload.organisation_id == person.organisation_id)
    )
    session.delete(person)
    session.flush()
    wipe_after_commit(session)
    return Erasure(
        invitations_revoked=revoked,
        invitations_unlinked=unlinked,
        responses_deleted=deleted,
        responses_unpaired=unpaired,
        anonymous_invitations=revoked_anonymous + unlinked_anonymous,
    )
