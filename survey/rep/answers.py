"""Reading a posted page into answers: malformed input is refused, incomplete input explained.

``MalformedAnswer`` means the request could not have come from our own form (an unknown question,
a value off the scale, "does not apply" to an item that does not offer it): it is answered with
400 and nothing is stored. Incomplete answers (a question left out, a WHY ladder
not yet ended) come
back as messages for the re-rendered page.

"Don't know / does not apply" on a statement about the rep's manager, "Does not apply to me" on
the others (``NOT_APPLICABLE``), is kept as the answer ``None``: stored like an
unanswered item, yet the item counts as answered.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.datastructures import MultiDict

from questionnaires import CooperationMap, Item, Ladder, Questionnaire, Scale
from survey.params import parse_id
from survey.rep.ladder_steps import finished

ITEM_PREFIX = "q-"
LADDER_PREFIX = "ladder-"
LADDER_WORDS = "ladder-words"
LADDER_KIND = "ladder-kind"  # a target key, "none", or empty: sorted later
COOPERATION_PREFIX = "help-"
NOT_APPLICABLE = "na"  # the radio value of "Don't know / does not apply" (or "Does not apply")


class MalformedAnswer(ValueError):
    """A posted field that our own form never sends."""


@dataclass
class PageInput:
    """What one page posted: answers to keep, and messages about what is still missing."""

    answers: dict[str, int | None] = field(default_factory=dict)  # None: does not apply
    step: dict | None = None  # one step of the WHY ladder: {"words", "target"}
    cooperation: dict[str, list[int]] | None = None
    errors: dict[str, str] = field(default_factory=dict)


def _single(form: MultiDict, key: str, strip: bool = True) -> str:
    values = form.getlist(key)
    if len(values) != 1:
        raise MalformedAnswer(f"The field {key!r} was sent {len(values)} times.")
    return values[0].strip() if strip else values[0]


def _check_known_fields(form: MultiDict, prefix: str, allowed: Collection[str]) -> None:
    for key in form:
        if key.startswith(prefix) and key not in allowed:
            raise MalformedAnswer(f"The field {key!r} does not belong to this page.")


def read_items(form: MultiDict, items: tuple[Item, ...], scale: Scale) -> PageInput:
    """Answers to a page of items; every item on the page must be answered (a scale point, or
    "does not apply" where the item allows it)."""
    fields = {ITEM_PREFIX + item.id: item for item in items}
    _check_known_fields(form, ITEM_PREFIX, fields)
    result = PageInput()
    for key, item in fields.items():
        if key not in form:
            result.errors[item.id] = _("Please choose an answer to this statement.")
            continue
        raw = _single(form, key, strip=False)  # a radio button's value, exactly
        if raw == NOT_APPLICABLE:
            if not item.not_applicable:
                raise MalformedAnswer(
                    f"The statement {item.id!r} does not offer the answer 'does not apply'."
                )
            result.answers[item.id] = None
            continue
        value = parse_id(raw)
        if value is None or value not in scale.points:
            raise MalformedAnswer(
                f"The answer {raw[:20]!r} to question {item.id!r} is not on the scale "
                f"{scale.min} to {scale.max}."
            )
        result.answers[item.id] = value
    return result


def read_ladder_step(form: MultiDict, ladder: Ladder) -> PageInput:
    """One step of the WHY ladder: the rep's words and, optionally, which kind of answer they
    are (a target, "none", or nothing: sorted later). ``step`` is None when no words were
    written (a kind without words is not kept). Line breaks count as one character, as the
    browser counts them."""
    _check_known_fields(form, LADDER_PREFIX, {LADDER_WORDS, LADDER_KIND})
    words = _single(form, LADDER_WORDS) if LADDER_WORDS in form else ""
    words = words.replace("\r\n", "\n").replace("\r", "\n")
    kind = _single(form, LADDER_KIND) if LADDER_KIND in form else ""
    if kind and kind not in ladder.labels():
        raise MalformedAnswer(f"The kind of answer {kind[:40]!r} is not one of the choices.")
    result = PageInput()
    if len(words) > ladder.max_words:
        result.errors["words"] = _(
            "Please keep this to %(max)d characters (it has %(count)d).",
            max=ladder.max_words,
            count=len(words),
        )
    elif words:
        result.step = {"words": words, "target": kind or None}
    return result


def read_cooperation(
    form: MultiDict, cooperation: CooperationMap, team_ids: Collection[int]
) -> PageInput:
    """Teams the respondent got help from or gave help to; choosing none is a valid answer."""
    directions = [direction for direction, _label in cooperation.directions]
    _check_known_fields(form, COOPERATION_PREFIX, {COOPERATION_PREFIX + d for d in directions})
    result = PageInput(cooperation={})
    for direction in directions:
        chosen: list[int] = []
        for raw in form.getlist(COOPERATION_PREFIX + direction):
            team_id = parse_id(raw)
            if team_id is None or team_id not in team_ids:
                raise MalformedAnswer(f"The team {raw[:20]!r} is not one of the choices.")
            if team_id not in chosen:
                chosen.append(team_id)
        if len(chosen) > cooperation.max_teams:
            result.errors[direction] = ngettext(
                "Please choose at most %(num)d team.",
                "Please choose at most %(num)d teams.",
                cooperation.max_teams,
            )
        result.cooperation[direction] = chosen
    return result


def first_incomplete_page(
    state: Mapping, questionnaire: Questionnaire, item_pages: list[tuple[Item, ...]]
) -> int | None:
    """The first item page with an unanswered item, or the ladder page if the rep has not
    stopped the ladder (with at least ``min_rungs`` steps).

    An item answered "does not apply" is in ``state["answers"]`` (as None), so it is answered.
    """
    answers = state.get("answers", {})
    for number, items in enumerate(item_pages, start=1):
        if any(item.id not in answers for item in items):
            return number
    ladder = questionnaire.ladder
    if ladder is not None and not finished(state, ladder):
        return len(item_pages) + 1
    return None
