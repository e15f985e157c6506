"""Finding a wave's releases, making the final one when a wave has closed, reading payloads.

A closed wave is released by the first request that needs it (a page, the API, a report or
``flask release-due``): two requests at once both try, the database's unique (wave, seq) lets one
insert, and the other reads what it stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.aggregates.cache import score_cache
from survey.models import Assessment, Release, ReleasedErasure, Response, Wave
from survey.models._columns import utcnow


@dataclass(frozen=True)
class ReleaseInfo:
    """A release without its figures."""

    id: int
    wave_id: int
    seq: int
    final: bool
    created_at: datetime
    k: int


def latest_released_wave(session: Session, assessment: Assessment) -> Wave | None:
    """The last wave with released results (what a dashboard and a new plan show first)."""
    released = latest_releases(session, assessment)
    waves = [wave for wave in assessment.waves if wave.id in released]
    return waves[-1] if waves else None


def latest_releases(session: Session, assessment: Assessment) -> dict[int, ReleaseInfo]:
    """The latest release of every wave that has one, releasing closed waves first."""
    release_closed_waves(session, assessment)
    rows = session.execute(
        select(
            Release.id,
            Release.wave_id,
            Release.seq,
            Release.final,
            Release.created_at,
            Release.k,
        )
        .join(Wave, Wave.id == Release.wave_id)
        .where(Wave.assessment_id == assessment.id)
        .order_by(Release.wave_id, Release.seq)
    ).all()
    return {row.wave_id: ReleaseInfo(*row) for row in rows}


def release_closed_waves(session: Session, assessment: Assessment) -> None:
    """Make the final release of every closed wave that lacks one."""
    now = utcnow()
    finals = set(
        session.scalars(
            select(Release.wave_id)
            .join(Wave, Wave.id == Release.wave_id)
            .where(Wave.assessment_id == assessment.id, Release.final.is_(True))
        )
    )
    for wave in assessment.waves:
        if wave.closes_at <= now and wave.id not in finals:
            release_wave(session, assessment, wave, final=True)


def release_wave(session: Session, assessment: Assessment, wave: Wave, final: bool) -> bool:
    """Make and commit the next release of ``wave``; False if another request just made it."""
    from survey.releases.build import make_release  # imported here: heavy, see README 'Workers'

    try:
        make_release(session, assessment, wave, final)
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def payload(session: Session, release: ReleaseInfo) -> dict:
    """A release's stored figures; read once per process, since they never change."""
    cache = score_cache()
    key = ("release", release.id)
    data = cache.get(key)
    if data is None:
        data = session.scalar(select(Release.payload).where(Release.id == release.id))
        cache.put(key, data)
    return data


def released_payloads(session: Session, assessment: Assessment) -> list[tuple[str, dict]]:
    """Each released wave's name and the payload of its latest release, in wave order."""
    releases = latest_releases(session, assessment)
    return [
        (wave.name, payload(session, releases[wave.id]))
        for wave in assessment.waves
        if wave.id in releases
    ]


def _lock_waves(session: Session, which) -> None:
    """Lock the waves of the responses ``which`` picks, in id order, as make_release does."""
    waves = select(Response.wave_id).where(which).distinct()
    session.execute(
        select(Wave.id).where(Wave.id.in_(waves)).order_by(Wave.id).with_for_update(key_share=True)
    )


_WHERE_IT_SAT = (Response.wave_id, Response.team_id, Response.role, Response.released_in)
"""What a tombstone keeps of a response: its wave, team, role and first release."""


def remember_erased(session: Session, which) -> int:
    """Before responses are deleted: keep where each released one sat.

    ``which`` is a where-clause over :class:`~survey.models.Response`. Every response a release
    took in leaves a :class:`~survey.models.ReleasedErasure` (team, role, the releases that
    included it, its partners in the pairings already published; no answers), so that the
    wave's next release, and the pairing of a finally released wave with the next one, are
    audited against the groups already published with it. Returns how many were kept.
    """
    # imported here: heavy, see README 'Workers'
    from survey.releases.pairing import published_partners

    _lock_waves(session, which)
    latest = (
        select(Release.wave_id, func.max(Release.seq).label("seq"))
        .group_by(Release.wave_id)
        .subquery()
    )
    rows = session.execute(
        select(*_WHERE_IT_SAT, latest.c.seq, Response.respondent_key)
        .join(latest, latest.c.wave_id == Response.wave_id)
        .where(which, Response.released_in.is_not(None))
    ).all()
    found = published_partners(session, [(row[0], row[2], row[5]) for row in rows])
    session.add_all(
        _tombstone(wave_id, team_id, role, first, last, partners)
        for (wave_id, team_id, role, first, last, _), partners in zip(rows, found, strict=True)
    )
    return len(rows)


def _tombstone(
    wave_id: int, team_id: int, role: str, first: int, last: int, partners: tuple
) -> ReleasedErasure:
    before, after = partners
    return ReleasedErasure(
        wave_id=wave_id,
        team_id=team_id,
        role=role,
        first_release=first,
        last_release=last,
        previous_partner_team_id=before,
        next_partner_team_id=after,
    )


def remember_unpaired(session: Session, which) -> int:
    """Before responses lose their pseudonym (and so their pairs): keep their partners.

    A response still there but unpaired is counted live without partners by the auditor; for
    each one that was in a pairing already published, a
    :class:`~survey.models.ReleasedErasure` with ``last_release`` set to
    :data:`~survey.releases.audit.NEVER_ERASED` gives its partners back, so that the pairing of
    its wave with the next one is still audited against the pairs published with it. Returns
    how many were kept.
    """
    # imported here: heavy, see README 'Workers'
    from survey.releases.audit import NEVER_ERASED
    from survey.releases.pairing import published_partners

    _lock_waves(session, which)
    rows = session.execute(
        select(*_WHERE_IT_SAT, Response.respondent_key).where(
            which, Response.released_in.is_not(None), Response.respondent_key.is_not(None)
        )
    ).all()
    found = published_partners(session, [(row[0], row[2], row[4]) for row in rows])
    kept = [
        _tombstone(wave_id, team_id, role, first, NEVER_ERASED, partners)
        for (wave_id, team_id, role, first, _), partners in zip(rows, found, strict=True)
        if partners != (None, None)
    ]
    session.add_all(kept)
    return len(kept)
