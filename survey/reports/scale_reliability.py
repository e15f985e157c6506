"""The reliability of each scale in one wave, over the report's visible teams only.

Alpha comes from :func:`analysis.reliability.scale_reliability` (Cronbach 1951, with the Feldt,
Woodruff & Salih 1987 interval) on the reps' raw answers, reverse-keyed items flagged. It is
computed over the union of the report's teams whose subtree cell is visible in the wave: the
covariance matrix behind alpha is made of per-person sums (counts, sums and cross-products of
answers), and any union of visible cells is covered by the privacy rule's guarantee that no
combination of visible cells isolates fewer than ``k`` people (:mod:`analysis.privacy`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.reliability import AlphaResult, scale_reliability
from questionnaires import Questionnaire
from survey.aggregates.loading import decode_answers
from survey.models import Response
from survey.models.organisation import subtree_ids

ACCEPTABLE_ALPHA = 0.70
"""The least alpha for research on groups: Nunnally (1978), Psychometric Theory, 2nd ed."""


@dataclass(frozen=True)
class ScaleAlpha:
    """One dimension's alpha in one wave."""

    dimension: str
    result: AlphaResult

    @property
    def below_threshold(self) -> bool:
        """True when alpha is defined and below :data:`ACCEPTABLE_ALPHA`."""
        return not np.isnan(self.result.alpha) and self.result.alpha < ACCEPTABLE_ALPHA


@dataclass(frozen=True)
class WaveReliability:
    """Each scale's alpha over the pooled visible teams, and the teams left out and why."""

    scales: list[ScaleAlpha]
    teams: list[str]
    left_out: list[tuple[str, str]]
    n: int


def wave_reliability(
    session: Session,
    release: dict | None,
    questionnaire: Questionnaire,
    team_ids: list[int],
    wave_id: int,
) -> WaveReliability:
    """Alpha of every dimension over the released, visible subtrees of ``team_ids``.

    ``release`` is the wave's latest release payload (None: the wave is not released yet, and
    nothing is computed). Only responses that release took in are read.
    """
    if release is None:
        return WaveReliability([], [], [], 0)
    tree, cells = release["tree"], release["cells"]
    present = [t for t in team_ids if str(t) in cells]
    shown = [t for t in present if cells[str(t)]["visible"]]
    left_out = [(tree[str(t)]["name"], cells[str(t)]["reason"]) for t in present if t not in shown]
    nodes = [_Node(int(t), node["parent_id"]) for t, node in tree.items()]
    members: set[int] = set()
    for team_id in shown:
        members |= subtree_ids(nodes, team_id)
    packed = (
        session.scalars(
            select(Response.values).where(
                Response.wave_id == wave_id,
                Response.role == "rep",
                Response.questionnaire_key == questionnaire.key,
                Response.questionnaire_version == questionnaire.version,
                Response.released_in.is_not(None),
                Response.team_id.in_(members),
            )
        ).all()
        if members
        else []
    )
    matrix = decode_answers(list(packed), len(questionnaire.items))
    scales = []
    if matrix.shape[0]:
        results = scale_reliability(
            matrix,
            questionnaire.item_dimension_index(),
            len(questionnaire.dimensions),
            reversed_items=questionnaire.reversed_mask(),
        )
        scales = [
            ScaleAlpha(dimension.name, result)
            for dimension, result in zip(questionnaire.dimensions, results, strict=True)
        ]
    names = [tree[str(t)]["name"] for t in shown]
    return WaveReliability(scales, names, left_out, int(matrix.shape[0]))


@dataclass(frozen=True)
class _Node:
    id: int
    parent_id: int | None
