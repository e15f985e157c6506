"""Finding a wave's releases, making the final one when a wave has closed, reading payloads.

A closed wave is released by the first request that needs it (a page, the API, a report or
``flask release-due``): two requests at once both try, the database's unique (wave, seq) lets one
insert, and the other reads what it stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.dashboard.loading import score_cache
from survey.models import Assessment, Release, Wave
from survey.models._columns import utcnow
from survey.releases.build import make_release


@dataclass(frozen=True)
class ReleaseInfo:
    """A release without its figures."""

    id: int
    wave_id: int
    seq: int
    final: bool
    created_at: datetime
    k: int


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
