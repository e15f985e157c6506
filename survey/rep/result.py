"""A rep's own position, computed from their answers for the thank-you page."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.charts import personal_profile_chart
from analysis.scoring import dimension_scores, mindset_index, position_on_continuum
from questionnaires import Questionnaire

BANDS = (
    (20.0, "strongly contractual"),
    (40.0, "leaning contractual"),
    (60.0, "between the two mindsets"),
    (80.0, "leaning purpose-driven"),
    (100.0, "strongly purpose-driven"),
)


def describe(position: float) -> str:
    """Plain words for a position on the 0 (contractual) .. 100 (purpose-driven) continuum."""
    for upper, words in BANDS:
        if position < upper:
            return words
    return BANDS[-1][1]


def personal_result(questionnaire: Questionnaire, answers: Mapping[str, int]) -> dict:
    """The mindset index and each dimension's position, as plain JSON-ready values."""
    scale = questionnaire.scale
    row = np.array([[answers.get(item.id, np.nan) for item in questionnaire.items]], dtype=float)
    scores = dimension_scores(
        row,
        np.asarray(questionnaire.item_dimension_index()),
        len(questionnaire.dimensions),
        np.asarray(questionnaire.reversed_mask()),
        scale.min,
        scale.max,
        questionnaire.min_answered_share,
    )
    index = float(mindset_index(scores, scale.min, scale.max)[0])
    positions = position_on_continuum(scores[0], scale.min, scale.max)
    return {
        "index": None if np.isnan(index) else round(index, 1),
        "index_words": None if np.isnan(index) else describe(index),
        "dimensions": [
            {
                "name": dimension.name,
                "contractual_pole": dimension.contractual_pole,
                "purpose_pole": dimension.purpose_pole,
                "position": None if np.isnan(position) else round(float(position), 1),
                "words": None if np.isnan(position) else describe(float(position)),
            }
            for dimension, position in zip(questionnaire.dimensions, positions, strict=True)
        ],
    }


def personal_chart_spec(result: dict) -> dict:
    """The Vega-Lite spec of the thank-you page's chart, from a ``personal_result``."""
    table = pd.DataFrame(
        {
            "dimension": [dimension["name"] for dimension in result["dimensions"]],
            "position": [dimension["position"] for dimension in result["dimensions"]],
        }
    )
    return personal_profile_chart(table, result["index"]).to_dict()
