"""The disclosure auditor's input for one wave: every group ever published, over atoms.

Waves never share responses, so a wave's releases are audited on their own. A response belongs
to a published group of release ``r`` when it has the group's role, it had been taken in by
release ``r`` (``first <= r``), it was not erased before ``r`` (``r <= last``), and its team lay
in the group's subtree in the tree as it stood at ``r``. Responses alike in all of this form
one atom (see :mod:`analysis.disclosure`).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.disclosure import protect
from survey.aggregates.loading import counted
from survey.models import ReleasedErasure, Response

NEVER_ERASED = 1 << 30
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PublishedGroups:
    """The groups one release publishes: ``{role: [team ids]}`` over ``parents``, its tree."""

    seq: int
    parents: Mapping[int, int | None]
    groups: Mapping[str, Sequence[int]]


def atom_tallies(
    session: Session, wave_id: int, left_out: Collection[int] = ()
) -> dict[tuple[str, int, int, int], int]:
    """``{(role, team id, first release, last release): responses}`` of one wave, counting the
    responses that releases count (:func:`survey.aggregates.loading.counted`)."""
    live = session.execute(
        select(Response.role, Response.team_id, Response.released_in, func.count())
        .where(Response.wave_id == wave_id, counted(left_out))
        .group_by(Response.role, Response.team_id, Response.released_in)
    ).all()
    erased = session.execute(
        select(
            ReleasedErasure.role,
            ReleasedErasure.team_id,
            ReleasedErasure.first_release,
            ReleasedErasure.last_release,
            func.count(),
        )
        .where(ReleasedErasure.wave_id == wave_id)
        .group_by(
            ReleasedErasure.role,
            ReleasedErasure.team_id,
            ReleasedErasure.first_release,
            ReleasedErasure.last_release,
        )
    ).all()
    tallies = {(role, team, first, NEVER_ERASED): n for role, team, first, n in live}
    for role, team, first, last, n in erased:
        tallies[(role, team, first, last)] = tallies.get((role, team, first, last), 0) + n
    return tallies


def _ancestors(parents: Mapping[int, int | None], team_id: int) -> list[int]:
    chain, node = [], team_id
    while node is not None and node in parents and len(chain) <= len(parents):
        chain.append(node)
        node = parents[node]
    return chain


def incidence(
    releases: Sequence[PublishedGroups], tallies: Mapping[tuple[str, int, int, int], int]
) -> tuple[np.ndarray, np.ndarray, list[tuple[int, str, int]]]:
    """Groups x atoms incidence, atom sizes, and each row's ``(seq, role, team id)``."""
    atoms = sorted(tallies)
    labels = [
        (release.seq, role, team)
        for release in releases
        for role, teams in sorted(release.groups.items())
        for team in teams
    ]
    row_of = {label: row for row, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(atoms)), dtype=bool)
    for column, (role, team, first, last) in enumerate(atoms):
        for release in releases:
            if not first <= release.seq <= last:
                continue
            for ancestor in _ancestors(release.parents, team):
                row = row_of.get((release.seq, role, ancestor))
                if row is not None:
                    matrix[row, column] = True
    sizes = np.array([tallies[atom] for atom in atoms], dtype=np.int64)
    return matrix, sizes, labels


def withheld_groups(
    earlier: Sequence[PublishedGroups],
    candidate: PublishedGroups,
    tallies: Mapping[tuple[str, int, int, int], int],
    k: int,
) -> set[tuple[str, int]]:
    """The ``(role, team id)`` groups of ``candidate`` to withhold so that, together with every
    earlier release of the wave, nothing under ``k`` responses can be worked out."""
    matrix, sizes, labels = incidence([*earlier, candidate], tallies)
    if matrix.size == 0:
        return set()
    published = np.array([seq != candidate.seq for seq, _, _ in labels], dtype=bool)
    try:
        withheld = protect(matrix, sizes, k, published)
    except ValueError:  # earlier releases already disclose: add nothing to them
        logger.error("earlier releases fail the audit; release %s shows nothing", candidate.seq)
        withheld = ~published
    return {(role, team) for (_, role, team), out in zip(labels, withheld, strict=True) if out}
