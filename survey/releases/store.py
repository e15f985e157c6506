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

from survey.aggregates.loading import score_cache
from survey.models import Assessment, Release, ReleasedErasure, Response, Wave
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


def remember_erased(session: Session, which) -> int:
    """Before responses are deleted: keep where each sat in a wave not yet finally released.

    ``which`` is a where-clause over :class:`~survey.models.Response`. Responses that an interim
    release took in leave a :class:`~survey.models.ReleasedErasure` (team, role, the releases
    that included it; no answers), so that the wave's next release is audited against the
    groups already published with them. Returns how many were kept.
    """
    waves = select(Response.wave_id).where(which).distinct()
    locked = select(Wave.id).where(Wave.id.in_(waves)).with_for_update(key_share=True)
    session.execute(locked)  # as make_release does
    finals = select(Release.wave_id).where(Release.final.is_(True))
    latest = (
        select(Release.wave_id, func.max(Release.seq).label("seq"))
        .group_by(Release.wave_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Response.wave_id, Response.team_id, Response.role, Response.released_in, latest.c.seq
        )
        .join(latest, latest.c.wave_id == Response.wave_id)
        .where(which, Response.released_in.is_not(None), Response.wave_id.not_in(finals))
    ).all()
    session.add_all(
        ReleasedErasure(
            wave_id=wave_id, team_id=team_id, role=role, first_release=first, last_release=last
        )
        for wave_id, team_id, role, first, last in rows
    )
    return len(rows)
