"""Scoring answers of one questionnaire: the glue between questionnaires/ and analysis/."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

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


def score_answers(
    questionnaire: Questionnaire, answers: Mapping[str, int]
) -> tuple[float, list[float]]:
    """One person's index and dimension positions (0..100; NaN where too few answers)."""
    row = np.array([[answers.get(item.id, np.nan) for item in questionnaire.items]], dtype=float)
    index, positions = score_matrix(row, questionnaire)
    return float(index[0]), [float(position) for position in positions[0]]
