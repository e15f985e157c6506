"""Reading a wave's released responses into scored arrays, for a release to aggregate.

One query per kind of data: packed answers (one row per response, with where the WHY ladder
ends) and cooperation links. What is built from them is kept in the process-wide cache of
:mod:`survey.aggregates.cache`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from questionnaires import Questionnaire
from survey.aggregates.measures import CLIMATE, shared_index_name
from survey.instruments import shared_items
from survey.models import CooperationLink, Response
from survey.models.response import MISSING
from survey.scoring import climate_positions, score_matrix, shared_index


@dataclass(frozen=True)
class WaveScores:
    """The scored responses of one role in one wave; rows are responses."""

    team_ids: np.ndarray  # int64
    team_link: np.ndarray  # bool: the answer came through a team link
    index: np.ndarray  # 0 .. 100, NaN when not scored
    dimensions: np.ndarray  # responses x dimensions, 0 .. 100; a manager's view of the team
    self_dimensions: np.ndarray  # a manager's view of their own managing; = dimensions for reps
    ladder_team_ids: np.ndarray  # one row per response with a ladder
    ladder_top: np.ndarray  # the top rung's target key
    links: tuple[np.ndarray, np.ndarray, np.ndarray]  # respondent team, other team, direction
    answers: np.ndarray  # responses x items, the raw answers; NaN where unanswered
    # Further measures per response, by name (survey.aggregates.measures): the management
    # climate, the index on the items shared with another version.
    extra: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return int(self.team_ids.size)


def _instrument_filter(questionnaire: Questionnaire):
    return (
        Response.questionnaire_key == questionnaire.key,
        Response.questionnaire_version == questionnaire.version,
    )


def decode_answers(packed: list[bytes], n_items: int) -> np.ndarray:
    """Responses x items float matrix from packed answers; NaN where unanswered."""
    if not packed:
        return np.empty((0, n_items))
    raw = np.frombuffer(b"".join(packed), dtype=np.uint8).reshape(len(packed), n_items)
    matrix = raw.astype(np.float64)
    matrix[raw == MISSING] = np.nan
    return matrix


def counted(left_out: Collection[int]):
    """The responses a release counts: taken in by a release, and not a team-link answer to a
    team in ``left_out`` (teams with personal invitations in their subtree, see
    :mod:`survey.releases.build`)."""
    clauses = [Response.released_in.is_not(None)]
    if left_out:
        clauses.append(
            or_(Response.channel != "team_link", Response.team_id.not_in(sorted(left_out)))
        )
    return and_(*clauses)


def released_scores(
    session: Session,
    wave_id: int,
    questionnaire: Questionnaire,
    role: str,
    left_out: Collection[int] = (),
) -> WaveScores:
    """Scores of the responses of one wave that a release counts (never cached)."""
    return _load(session, [wave_id], questionnaire, role, counted(left_out))[wave_id]


def _load(session, wave_ids, questionnaire, role, which) -> dict[int, WaveScores]:
    where = (
        Response.wave_id.in_(wave_ids),
        Response.role == role,
        *_instrument_filter(questionnaire),
        which,
    )
    rows = session.execute(
        select(
            Response.wave_id,
            Response.team_id,
            Response.values,
            Response.ladder_top,
            Response.channel,
        ).where(*where)
    ).all()
    links = session.execute(
        select(
            Response.wave_id,
            Response.team_id,
            CooperationLink.other_team_id,
            CooperationLink.direction,
        )
        .join(CooperationLink, CooperationLink.response_id == Response.id)
        .where(*where)
    ).all()
    waves = np.array([row[0] for row in rows], dtype=np.int64)
    matrix = decode_answers([row[2] for row in rows], len(questionnaire.items))
    perspectives = {item.perspective for item in questionnaire.items}
    if perspectives == {"self", "team"}:  # a manager's file: two views of the same dimensions
        index, dims = score_matrix(matrix, questionnaire, "team")
        _, self_dims = score_matrix(matrix, questionnaire, "self")
    else:  # a rep's: their own stance (climate items are a measure of their own)
        index, dims = score_matrix(matrix, questionnaire, "self")
        self_dims = dims
    extra = _extra_measures(matrix, questionnaire) if role == "rep" else {}
    teams = np.array([row[1] for row in rows], dtype=np.int64)
    tops = np.array([row[3] for row in rows], dtype=object)
    team_link = np.array([row[4] == "team_link" for row in rows], dtype=bool)
    answered_ladder = np.array([top is not None for top in tops], dtype=bool)
    result = {}
    for wave_id in wave_ids:
        mine = waves == wave_id
        has_ladder = mine & answered_ladder
        wave_links = [row for row in links if row[0] == wave_id]
        result[wave_id] = WaveScores(
            team_ids=teams[mine],
            team_link=team_link[mine],
            index=index[mine],
            dimensions=dims[mine],
            self_dimensions=self_dims[mine],
            answers=matrix[mine],
            extra={name: values[mine] for name, values in extra.items()},
            ladder_team_ids=teams[has_ladder],
            ladder_top=tops[has_ladder],
            links=(
                np.array([row[1] for row in wave_links], dtype=np.int64),
                np.array([row[2] for row in wave_links], dtype=np.int64),
                np.array([row[3] for row in wave_links], dtype=object),
            ),
        )
    return result


def _extra_measures(matrix: np.ndarray, questionnaire: Questionnaire) -> dict[str, np.ndarray]:
    extra = {
        shared_index_name(questionnaire.version, other): shared_index(matrix, questionnaire, ids)
        for other, ids in shared_items(questionnaire).items()
    }
    if questionnaire.has_climate:
        extra[CLIMATE] = climate_positions(matrix, questionnaire)
    return extra
