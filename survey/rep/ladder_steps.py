"""The WHY ladder one step at a time, as a coach asks: words first, the kind of answer optional.

A draft keeps the ladder as ``state["ladder"]``, a list of steps ``{"words": str, "target": key
| "none" | None}`` (None: left to be sorted later), ``state["ladder_done"]`` once the rep chose to
stop, and ``state["ladder_at"]``, the step to show on the rep's return. Steps saved before words
came first have a target and maybe no words: they are shown and stored as they are. These
functions take a state and return a new one; they never change it.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, replace

from flask_babel import gettext as _
from flask_babel import pgettext

from questionnaires import NONE_OF_THESE, Ladder, LadderTarget

DEEPER = "deeper"  # "Ask me why again"
STOP = "stop"  # "That's where it ends"
BACK = "back"
ACTIONS = (BACK, DEEPER, STOP)


def steps_of(state: Mapping) -> list[dict]:
    """The ladder's steps in a draft's state (a copy)."""
    steps = state.get("ladder")
    return [dict(step) for step in steps] if isinstance(steps, list) else []


def finished(state: Mapping, ladder: Ladder) -> bool:
    """Whether the rep stopped the ladder explicitly, with at least ``min_rungs`` steps."""
    return bool(state.get("ladder_done")) and len(steps_of(state)) >= ladder.min_rungs


def step_to_show(state: Mapping, ladder: Ladder, asked: int | None) -> int:
    """The step a visit shows: the one asked for if it may be reached, else where the rep was.

    A step may be reached when every step before it has words (or a target, for older drafts);
    without a request the rep sees the step they last saw, else the first one not answered.
    """
    reachable = min(len(steps_of(state)) + 1, ladder.max_rungs)
    for step in (asked, state.get("ladder_at")):
        if type(step) is int and 1 <= step <= reachable:
            return step
    return reachable


def with_step(state: Mapping, number: int, step: dict | None) -> dict:
    """``state`` with step ``number`` (1-based) set to ``step``; None leaves the steps as they
    are. Steps after it are kept (a rep going back to change an answer keeps the later ones)."""
    steps = steps_of(state)
    if step is None or number > len(steps) + 1:
        return {**state, "ladder": steps, "ladder_at": min(number, len(steps) + 1)}
    if number == len(steps) + 1:
        steps.append(step)
    else:
        steps[number - 1] = step
    return {**state, "ladder": steps, "ladder_at": number}


def stopped_at(state: Mapping, number: int, step: dict | None) -> dict:
    """The ladder ends with step ``number`` (or, without words there, with the one before,
    unless step ``number`` is an older step that has a category and no words)."""
    steps = steps_of(with_step(state, number, step))
    older = (
        number <= len(steps)
        and steps[number - 1].get("target")
        and not steps[number - 1].get("words")
    )
    last = number if step is not None or older else number - 1
    return {**state, "ladder": steps[:last], "ladder_done": True, "ladder_at": last}


def going_deeper(state: Mapping, number: int, step: dict) -> dict:
    """Step ``number`` answered, and the rep asks for the next "why"."""
    return {**with_step(state, number, step), "ladder_done": False, "ladder_at": number + 1}


@dataclass(frozen=True)
class Question:
    """What a step asks: the previous answer to echo (unless the question quotes it itself)."""

    text: str
    echo: str | None


def question_for(ladder: Ladder, steps: list[dict], number: int) -> Question:
    """The question of step ``number``; after the first, it builds on the previous words."""
    if number == 1:
        return Question(ladder.question, None)
    previous = (steps[number - 2].get("words") or "").strip() if len(steps) >= number - 1 else ""
    if not previous:  # a step saved before words came first
        return Question(
            ladder.ask_after(pgettext("a ladder question's previous answer", "that")), None
        )
    if ladder.quotes_previous:
        return Question(ladder.ask_after(previous), None)
    return Question(ladder.follow_up, previous)


def kinds_in_order(ladder: Ladder, seed: int) -> list[LadderTarget]:
    """The ladder's targets shuffled for one rep (the same on every visit), then "None of these".

    The order the file lists them in runs from one pole to the other; shown as it is, it would
    rank them and hint at the "right" end.
    """
    targets = list(ladder.targets)
    random.Random(f"ladder-order:{seed}").shuffle(targets)
    return [*targets, replace(NONE_OF_THESE, label=_("None of these"))]
