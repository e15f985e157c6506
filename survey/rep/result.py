"""A rep's own position, for the thank-you page.

Only the numbers travel in the session cookie (questionnaire, index, positions); the words and
the chart are made when the page is shown.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from analysis.one_person import one_person_scores
from questionnaires import Questionnaire
from survey.rep.explanations import explain

if TYPE_CHECKING:
    from survey.index_precision import IndexPrecision

BANDS = (
    (20.0, _l("strongly contractual")),
    (40.0, _l("leaning contractual")),
    (60.0, _l("between the two mindsets")),
    (80.0, _l("leaning purpose-driven")),
    (100.0, _l("strongly purpose-driven")),
)


def describe(position: float) -> str:
    """Plain words for a position on the 0 (contractual) .. 100 (purpose-driven) continuum, in
    the reader's language."""
    for upper, words in BANDS:
        if position < upper:
            return str(words)
    return str(BANDS[-1][1])


def _rounded(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 1)


def score_answers(
    questionnaire: Questionnaire, answers: Mapping[str, int | None]
) -> tuple[float, list[float]]:
    """One person's index and dimension positions (0..100; NaN where too few answers), the
    numbers of :func:`survey.scoring.score_matrix` on a one-row matrix
    (:func:`analysis.one_person.one_person_scores`).

    An answer of None (does not apply) counts as unanswered. A questionnaire with climate items
    (how the person is managed) is scored on its ``self`` items only: the person's own stance.
    """
    perspective = "self" if questionnaire.has_climate else None
    kept = [
        (item, dimension)
        for item, dimension in zip(
            questionnaire.items, questionnaire.item_dimension_index(), strict=True
        )
        if perspective is None or item.perspective == perspective
    ]
    scale = questionnaire.scale
    return one_person_scores(
        [answers.get(item.id) for item, _ in kept],
        [dimension for _, dimension in kept],
        len(questionnaire.dimensions),
        [item.reversed for item, _ in kept],
        scale.min,
        scale.max,
        questionnaire.min_answered_share,
    )


def personal_scores(questionnaire: Questionnaire, answers: Mapping[str, int | None]) -> dict:
    """What the session keeps of a submission: which questionnaire, the index, the positions
    (of the respondent's own stance only: never of how they are managed)."""
    index, positions = score_answers(questionnaire, answers)
    return {
        "questionnaire": [questionnaire.key, questionnaire.version],
        "index": _rounded(index),
        "positions": [_rounded(position) for position in positions],
    }


def personal_result(
    questionnaire: Questionnaire, scores: Mapping, precision: IndexPrecision
) -> dict:
    """The scores in words, per dimension (with plain sentences on what the position means in
    daily work, from ``survey.rep.explanations``), and the index's band (None while not known;
    see ``IndexPrecision.band`` for what it is)."""
    index = scores["index"]
    half_width = precision.half_width
    return {
        "index": index,
        "index_words": None if index is None else describe(index),
        "band": None if index is None or half_width is None else precision.band(index),
        "half_width": None if half_width is None else round(half_width),
        "too_imprecise": precision.sem is not None and half_width is None,
        "too_few_released": precision.n < precision.minimum,
        "min_pooled": precision.minimum,
        "dimensions": [
            {
                "name": dimension.name,
                "contractual_pole": dimension.contractual_pole,
                "purpose_pole": dimension.purpose_pole,
                "position": position,
                "words": None if position is None else describe(position),
                "sentences": explain(
                    questionnaire.key,
                    questionnaire.version,
                    dimension.key,
                    position,
                    dimension.contractual_pole,
                    dimension.purpose_pole,
                ),
            }
            for dimension, position in zip(
                questionnaire.dimensions, scores["positions"], strict=True
            )
        ],
    }


def personal_chart_spec(result: dict) -> dict:
    """The Vega-Lite spec of the thank-you page's chart, from a ``personal_result``."""
    # imported here: heavy, see README 'Workers'
    import pandas as pd

    from analysis.charts import personal_profile_chart

    table = pd.DataFrame(
        {
            "dimension": [dimension["name"] for dimension in result["dimensions"]],
            "position": [dimension["position"] for dimension in result["dimensions"]],
        }
    )
    return personal_profile_chart(table, result["index"]).to_dict(validate=False)
