"""How precise one person's mindset index is: the one computation behind the band on a rep's
result page and the precision on the instrument quality pages.

The index's reliability is the stratified alpha of the dimensions it averages; with the index's
spread it gives the standard error of measurement (:mod:`analysis.precision`). On a rep's result
page both come from the pooled quality page's sample of that questionnaire version
(:mod:`survey.final_answers`: waves released in full, as exported, over every client), so the two
pages show the same figure; it is read and computed once per set of final releases and kept in
the app's score cache.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from analysis.precision import score_band, standard_error_of_measurement, stratified_alpha
from analysis.reliability import scale_reliability
from questionnaires import Questionnaire
from survey.final_answers import Sample, on_pooled_sample
from survey.scoring import score_matrix

MIN_PRECISION = 100
"""Answers with an index needed before a precision is stated (never fewer than the sample's k).

At 100 respondents the 95% interval (Feldt) of an alpha of .80 on a reps' dimension of 6 items
runs from about .73 to .86, which moves the band's half-width by about 15% either way (17% on a
managers' dimension of 4 items): close enough for a band quoted in whole points. With 50 it
would move by 21 to 24%.
"""
LEVEL = 0.90
"""The share of measurement errors the band covers: "9 times out of 10" on both pages."""


@dataclass(frozen=True)
class IndexPrecision:
    """The figures behind the band; ``sem`` is None while the precision is not known."""

    n: int  # responses with an index
    minimum: int
    reliability: float | None  # stratified alpha of the index
    sem: float | None  # in index points (0..100)

    @property
    def half_width(self) -> float | None:
        """Half the ``LEVEL`` band in index points; None while not known, or when the band
        around the middle of the scale would be wider than the scale."""
        if self.sem is None:
            return None
        low, high = score_band(50.0, self.sem, LEVEL)
        return (high - low) / 2 if low > 0 else None

    def band(self, index: float) -> tuple[int, int] | None:
        """The ``LEVEL`` band around an observed ``index``, in whole points (None while not
        known): where the index lies 9 times out of 10 from the true one, not a confidence
        interval for this person's true index."""
        if self.sem is None:
            return None
        low, high = score_band(index, self.sem, LEVEL)
        return round(low), round(high)


def precision_of(sample: Sample, perspective: str) -> IndexPrecision:
    """The precision of the index scored on the ``perspective`` items of ``sample``."""
    questionnaire = sample.questionnaire
    index, positions = score_matrix(sample.answers, questionnaire, perspective)
    scored = ~np.isnan(index)
    n = int(scored.sum())
    minimum = max(MIN_PRECISION, sample.k)
    if n < minimum:  # from here on, every dimension has n answers or more for its alpha
        return IndexPrecision(n, minimum, None, None)
    columns = [i for i, item in enumerate(questionnaire.items) if item.perspective == perspective]
    scales = scale_reliability(
        sample.answers[:, columns],
        np.asarray(questionnaire.item_dimension_index())[columns],
        len(questionnaire.dimensions),
        reversed_items=np.asarray(questionnaire.reversed_mask())[columns],
    )
    reliability = stratified_alpha(positions[scored], [scale.alpha for scale in scales])
    sem = standard_error_of_measurement(float(np.std(index[scored], ddof=1)), reliability)
    return IndexPrecision(n, minimum, _number(reliability), _number(sem))


def pooled_precision(
    session: Session, questionnaire: Questionnaire, perspective: str = "self"
) -> IndexPrecision:
    """The precision over the pooled quality page's sample of ``questionnaire``, cached until
    a wave asking it is next released in full."""
    return on_pooled_sample(
        session,
        questionnaire,
        ("index precision", perspective),
        lambda sample: precision_of(sample, perspective),
    )


def _number(value: float) -> float | None:
    return None if math.isnan(value) else value
