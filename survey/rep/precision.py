"""How precise a rep's index is, for the result page: the figure of the pooled instrument
quality page of the same questionnaire version (:mod:`survey.index_precision`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from questionnaires import Questionnaire

if TYPE_CHECKING:
    from survey.index_precision import IndexPrecision


def index_precision(session: Session, questionnaire: Questionnaire) -> IndexPrecision:
    """The precision of a rep's index (their own stance: without the climate items)."""
    # imported here: heavy, see README 'Workers'
    from survey.index_precision import pooled_precision

    return pooled_precision(session, questionnaire, "self")
