"""The steps of a wave's WHY ladders that carry words, as a consultant reviews them.

A step is named by its :func:`survey.word_keys.word_key`, never by its response: the page
shows no team, no date and no response id, and lists the steps in the order of their keys
(random, and the same on every visit). A key sent back is resolved by computing the keys of the
wave's steps again.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from questionnaires import NONE_OF_THESE
from survey.i18n import language
from survey.instruments import questionnaire_for
from survey.models import LadderRung, Response, Wave
from survey.word_keys import KEY_LENGTH, word_key

FILTERS = {"all": _l("All words"), "unsorted": _l("Not sorted yet"), "held": _l("Held back")}
"""The lists the page offers (``?show=``), by value; anything else shows them all."""
KEY = re.compile(rf"[0-9a-f]{{{KEY_LENGTH}}}")


@dataclass(frozen=True)
class Step:
    """One step of a WHY ladder with words: what the page shows of it, and its key."""

    key: str
    words: str
    target: str | None
    held_back: bool


@dataclass(frozen=True)
class Counts:
    """How many steps have words, how many of them are held back and how many are unsorted."""

    steps: int
    held_back: int
    unsorted: int


def categories(wave: Wave) -> dict[str, str]:
    """Target key -> label of the ladder of the wave's rep questionnaire, "None of these" last."""
    ladder = questionnaire_for(*wave.instrument("rep")).in_language(language()).ladder
    labels = ladder.labels() if ladder else {}
    return {**labels, NONE_OF_THESE.key: _("None of these")}


def _with_words(wave_id: int) -> Select:
    """The wave's steps that have words, of every response."""
    return (
        select(LadderRung)
        .join(Response, Response.id == LadderRung.response_id)
        .where(Response.wave_id == wave_id, LadderRung.words.is_not(None))
    )


def wave_steps(session: Session, wave_id: int) -> list[Step]:
    """Every step with words in the wave's responses, in the order of their keys."""
    steps = [
        Step(word_key(rung.response_id, rung.position), rung.words, rung.target, rung.held_back)
        for rung in session.scalars(_with_words(wave_id))
    ]
    return sorted(steps, key=lambda step: step.key)


def count(steps: list[Step]) -> Counts:
    """The figures at the top of the page."""
    return Counts(
        steps=len(steps),
        held_back=sum(step.held_back for step in steps),
        unsorted=sum(step.target is None for step in steps),
    )


def shown(steps: list[Step], wanted: str) -> list[Step]:
    """The steps of the list ``wanted`` (a key of :data:`FILTERS`)."""
    if wanted == "unsorted":
        return [step for step in steps if step.target is None]
    if wanted == "held":
        return [step for step in steps if step.held_back]
    return steps


def find_rung(session: Session, wave_id: int, key: str) -> LadderRung | None:
    """The wave's step with words whose key is ``key``; ``None`` for any other text."""
    if not isinstance(key, str) or not KEY.fullmatch(key):
        return None
    for rung in session.scalars(_with_words(wave_id)):
        if hmac.compare_digest(word_key(rung.response_id, rung.position), key):
            return rung
    return None


def sort_rung(session: Session, rung: LadderRung, target: str) -> bool:
    """Give a step without a category (the caller checks) ``target``; whether it is its
    response's top step.

    The top step (highest position) decides where the ladder ends, so its response's
    ``ladder_top`` takes the category too, for the next release to count.
    """
    top = session.scalar(
        select(func.max(LadderRung.position)).where(LadderRung.response_id == rung.response_id)
    )
    rung.target = target
    if rung.position != top:
        return False
    session.get(Response, rung.response_id).ladder_top = target
    return True
