"""Scoring answers of one questionnaire: the glue between questionnaires/ and analysis/.

One person's own scores, on a rep's submit, are :func:`survey.rep.result.score_answers`.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from analysis.response_quality import CarelessFlags, careless_flags
from analysis.scoring import dimension_scores, mindset_index, position_on_continuum
from questionnaires import Questionnaire


def score_matrix(matrix: np.ndarray, questionnaire: Questionnaire, perspective: str | None = None):
    """Index and dimension positions (0..100) from one perspective's items (default: all)."""
    scale = questionnaire.scale
    columns = np.array(
        [
            i
            for i, item in enumerate(questionnaire.items)
            if perspective is None or item.perspective == perspective
        ],
        dtype=np.int64,
    )
    dims = dimension_scores(
        matrix[:, columns],
        np.asarray(questionnaire.item_dimension_index())[columns],
        len(questionnaire.dimensions),
        np.asarray(questionnaire.reversed_mask())[columns],
        scale.min,
        scale.max,
        questionnaire.min_answered_share,
    )
    return (
        mindset_index(dims, scale.min, scale.max),
        position_on_continuum(dims, scale.min, scale.max),
    )


def climate_positions(matrix: np.ndarray, questionnaire: Questionnaire) -> np.ndarray:
    """Each response's management climate, 0 (contractual) .. 100 (purpose-driven).

    The mean of the keyed ``climate`` items (how the respondent is managed, reported for teams
    only); NaN where too few were answered, or for every response when there are none.
    """
    columns = [i for i, item in enumerate(questionnaire.items) if item.perspective == "climate"]
    return _position_of(matrix, questionnaire, columns)


def shared_index(
    matrix: np.ndarray, questionnaire: Questionnaire, item_ids: Collection[str]
) -> np.ndarray:
    """The index over the items ``item_ids`` only (those two versions share, their crosswalk).

    The mean of the dimension scores of the dimensions these items cover, each the mean of its
    answered shared items by the questionnaire's answered-share rule, mapped onto 0..100: the
    same function of the same items in either version, so waves asking either can be compared.
    """
    wanted = set(item_ids)
    columns = [i for i, item in enumerate(questionnaire.items) if item.id in wanted]
    return _position_of(matrix, questionnaire, columns)


def _position_of(matrix: np.ndarray, questionnaire: Questionnaire, columns: list[int]):
    if not columns:
        return np.full(matrix.shape[0], np.nan)
    codes = np.asarray(questionnaire.item_dimension_index())[columns]
    present, dense = np.unique(codes, return_inverse=True)
    scale = questionnaire.scale
    dims = dimension_scores(
        matrix[:, columns],
        dense,
        present.size,
        np.asarray(questionnaire.reversed_mask())[columns],
        scale.min,
        scale.max,
        questionnaire.min_answered_share,
    )
    return mindset_index(dims, scale.min, scale.max)


def questionnaire_flags(matrix: np.ndarray, questionnaire: Questionnaire) -> CarelessFlags:
    """The careless-responding indices of each response to ``questionnaire``
    (:func:`analysis.response_quality.careless_flags`, with its default cut-offs)."""
    scale = questionnaire.scale
    return careless_flags(
        matrix,
        np.asarray(questionnaire.item_dimension_index()),
        len(questionnaire.dimensions),
        np.asarray(questionnaire.reversed_mask()),
        scale.min,
        scale.max,
    )
