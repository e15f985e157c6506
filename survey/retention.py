"""Purging identities once an organisation's retention period has passed.

An organisation keeps a person's identity (their roster entry: e-mail and pseudonym) for
``retention_days`` after the last wave they were invited to closed, or, when they were never
invited, after they were added to the roster; ``None`` keeps it until someone deletes it. Past
that, ``flask purge-identities`` deletes the identity as ``survey.erasure`` does, keeping
the answers: their confidential responses lose the pseudonym, so they are no longer paired
across waves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from survey.audit import record
from survey.erasure import erase_person
from survey.models import Invitation, Organisation, Person, Wave


@dataclass(frozen=True)
class Expired:
    """A person whose identity is past the retention period, and since when it counts."""

    person: Person
    since: datetime  # when their last wave closed, or when they were added if never invited
    invited: bool


@dataclass
class Purge:
    """One organisation's purge: who is (or, in a dry run, would be) purged, and what went."""

    organisation: Organisation
    expired: list[Expired]
    invitations_revoked: int = 0
    invitations_unlinked: int = 0
    responses_unpaired: int = 0
    done: bool = False


def retention_cutoff(now: datetime, retention_days: int) -> datetime:
    """Identities whose clock started before this moment are past the retention period."""
    if retention_days < 1:
        raise ValueError(f"retention_days must be at least 1, not {retention_days}.")
    return now - timedelta(days=retention_days)


def last_wave_closed():
    """Per invited person, when the last wave they were invited to closes, as a subquery."""
    return (
        select(Invitation.person_id, func.max(Wave.closes_at).label("closed_at"))
        .join(Wave, Wave.id == Invitation.wave_id)
        .where(Invitation.person_id.is_not(None))
        .group_by(Invitation.person_id)
        .subquery()
    )


def expired_people(session: Session, organisation: Organisation, now: datetime) -> list[Expired]:
    """The people of ``organisation`` past its retention period at ``now``, by e-mail.

    Empty when the organisation keeps identities until deleted (``retention_days`` is None).
    """
    if organisation.retention_days is None:
        return []
    cutoff = retention_cutoff(now, organisation.retention_days)
    closed = last_wave_closed()
    query = (
        select(Person, closed.c.closed_at)
        .outerjoin(closed, closed.c.person_id == Person.id)
        .where(
            Person.organisation_id == organisation.id,
            or_(
                closed.c.closed_at < cutoff,
                and_(closed.c.closed_at.is_(None), Person.created_at < cutoff),
            ),
        )
        .order_by(Person.email)
    )
    return [
        Expired(person, closed_at or person.created_at, invited=closed_at is not None)
        for person, closed_at in session.execute(query)
    ]


def purge_identities(
    session: Session, organisations: list[Organisation], now: datetime, *, dry_run: bool
) -> list[Purge]:
    """Delete the identities past each organisation's retention period; one commit each.

    A dry run only lists them and changes nothing. Each real purge that deletes anyone is
    audited (``identities.purge``, with counts only) in the same transaction. Running it again
    finds nobody new, so it is safe to schedule daily.
    """
    purges = []
    for organisation in organisations:
        purge = Purge(organisation, expired_people(session, organisation, now))
        purges.append(purge)
        if dry_run or not purge.expired:
            continue
        for expired in purge.expired:
            erasure = erase_person(session, expired.person, delete_responses=False)
            purge.invitations_revoked += erasure.invitations_revoked
            purge.invitations_unlinked += erasure.invitations_unlinked
            purge.responses_unpaired += erasure.responses_unpaired
        record(
            session,
            "identities.purge",
            organisation_id=organisation.id,
            target=f"organisation {organisation.id}",
            people=len(purge.expired),
            retention_days=organisation.retention_days,
            invitations_revoked=purge.invitations_revoked,
            invitations_unlinked=purge.invitations_unlinked,
            responses_unpaired=purge.responses_unpaired,
        )
        session.commit()
        purge.done = True
    return purges


def describe(purge: Purge, *, dry_run: bool) -> list[str]:
    """Lines for the command's output. A dry run names who would go; a real run only counts."""
    name, days = purge.organisation.name, purge.organisation.retention_days
    if days is None:
        return [f"{name}: keeps identities until someone deletes them; nothing to purge."]
    if not purge.expired:
        return [f"{name}: nobody is past the retention period of {days} days."]
    people = f"{len(purge.expired)} {'person' if len(purge.expired) == 1 else 'people'}"
    if dry_run:
        return [f"{name}: {people} past {days} days would be purged:"] + [
            f"  {expired.person.email} (person {expired.person.id}), "
            + (
                f"last wave closed {expired.since:%Y-%m-%d}"
                if expired.invited
                else f"added {expired.since:%Y-%m-%d}, never invited"
            )
            for expired in purge.expired
        ]
    return [
        f"{name}: purged {people} past {days} days; {purge.invitations_revoked} unused link(s) "
        f"revoked, {purge.responses_unpaired} answer(s) no longer paired across waves."
    ]
