"""One person's dimension scores and mindset index, in plain Python.

A rep's submit scores one person: there numpy's set-up costs more than the sums, and a web
worker that serves reps need not load numpy at all (README, *Workers*).
:func:`one_person_scores` returns the numbers of :mod:`analysis.scoring` on a one-row matrix, to
the last bit (a test checks it on random answers); groups are scored there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

SHARE_TOLERANCE = 1e-9
"""Slack when turning a share of items into a count, so that 0.7 x 10 items asks for 7."""


def one_person_scores(
    answers: Sequence[int | None],
    item_dimension: Sequence[int],
    n_dimensions: int,
    reversed_items: Sequence[bool],
    scale_min: int,
    scale_max: int,
    min_answered_share: float,
) -> tuple[float, list[float]]:
    """One person's mindset index and dimension positions, 0 .. 100 (NaN where not scored).

    Parameters
    ----------
    answers : sequence of int or None
        One answer per item, a whole number from ``scale_min`` to ``scale_max``; None where
        unanswered.
    item_dimension, n_dimensions, reversed_items, scale_min, scale_max, min_answered_share
        As for :func:`analysis.scoring.dimension_scores`.

    Returns
    -------
    tuple of float and list of float
        The index (:func:`analysis.scoring.mindset_index`: NaN unless every dimension is
        scored) and each dimension's position (:func:`analysis.scoring.position_on_continuum`
        of its :func:`analysis.scoring.dimension_scores` score).

    Raises
    ------
    ValueError
        For an answer off the scale, naming it and its item (0-based).

    Notes
    -----
    The formulas of :mod:`analysis.scoring`: ``score_d = mean(x'_i)`` over the answered items of
    dimension ``d``, with ``x' = min + max - x`` for a reverse-keyed item, when at least
    ``ceil(min_answered_share x items of d)`` were answered;
    ``index = 100 x (mean_d score_d - min) / (max - min)``; a position is
    ``100 x (score_d - min) / (max - min)``. The same operations in the same order give the same
    floats: the keyed sums are of whole numbers (exact in any order), each score is one
    division, and the index adds the few dimension scores one after the other, as numpy's
    reduction does for so few.

    Examples
    --------
    >>> one_person_scores([2, 6, None], [0, 0, 1], 2, [False, True, False], 1, 7, 0.5)
    (nan, [16.666666666666668, nan])
    >>> one_person_scores([7, 1], [0, 1], 2, [False, True], 1, 7, 1.0)
    (100.0, [100.0, 100.0])
    """
    low, high = scale_min, scale_max
    steps, answered, items = [0] * n_dimensions, [0] * n_dimensions, [0] * n_dimensions
    for column, (value, dimension, flipped) in enumerate(
        zip(answers, item_dimension, reversed_items, strict=True)
    ):
        items[dimension] += 1
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"answer {value!r} of item {column} is not on the scale")
        answered[dimension] += 1
        steps[dimension] += high - value if flipped else value - low
    scores = [
        steps[d] / answered[d] + low
        if answered[d] and answered[d] >= math.ceil(min_answered_share * items[d] - SHARE_TOLERANCE)
        else math.nan
        for d in range(n_dimensions)
    ]
    unit = 100.0 / (high - low)
    mean = sum(scores) / n_dimensions
    return (mean - low) * unit, [(score - low) * unit for score in scores]
