"""A rep's own scores, made in plain Python on submit: the very numbers of the numpy scoring."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from questionnaires import load_directory
from survey.rep.result import score_answers
from survey.scoring import score_matrix

QUESTIONNAIRES = load_directory()


def _numpy_scores(questionnaire, answers: dict) -> tuple[float, list[float]]:
    values = [answers.get(item.id) for item in questionnaire.items]
    row = np.array([[np.nan if v is None else v for v in values]], dtype=np.float64)
    perspective = "self" if questionnaire.has_climate else None
    index, positions = score_matrix(row, questionnaire, perspective)
    return float(index[0]), [float(p) for p in positions[0]]


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b  # to the last bit


@pytest.mark.parametrize("key", sorted(QUESTIONNAIRES), ids=lambda key: f"{key[0]}-{key[1]}")
def test_plain_scores_are_the_numpy_scores_to_the_last_bit(key):
    questionnaire = QUESTIONNAIRES[key]
    scale = questionnaire.scale
    draw = random.Random(20261201)
    for _ in range(1500):
        gaps = draw.choice((0.0, 0.0, 0.2, 0.5, 0.8))  # complete answers, and fewer and fewer
        answers = {
            item.id: None if draw.random() < gaps else draw.randint(scale.min, scale.max)
            for item in questionnaire.items
            if draw.random() >= gaps / 2  # some items left out, some answered "does not apply"
        }
        index, positions = score_answers(questionnaire, answers)
        expected_index, expected_positions = _numpy_scores(questionnaire, answers)
        assert _same(index, expected_index), answers
        assert len(positions) == len(expected_positions)
        assert all(map(_same, positions, expected_positions)), answers


def test_an_answer_off_the_scale_is_refused():
    questionnaire = QUESTIONNAIRES[("rep-mindset", 1)]
    with pytest.raises(ValueError):
        score_answers(questionnaire, {questionnaire.items[0].id: questionnaire.scale.max + 1})
