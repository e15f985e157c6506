"""Reading a posted page into answers: malformed input is refused, incomplete input explained.

``MalformedAnswer`` means the request could not have come from our own form (an unknown question,
a value off the scale, "does not apply" to an item that does not offer it): it is answered with
400 and nothing is stored. Incomplete answers (a question left out, too few ladder rungs) come
back as messages for the re-rendered page.

"Does not apply to me" (``NOT_APPLICABLE``) is kept as the answer ``None``: stored like an
unanswered item, yet the item counts as answered.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from questionnaires import CooperationMap, Item, Ladder, Questionnaire, Scale
from survey.params import parse_id

ITEM_PREFIX = "q-"
LADDER_PREFIX = "ladder-"
COOPERATION_PREFIX = "help-"
NOT_APPLICABLE = "na"  # the radio value of "Does not apply to me"


class MalformedAnswer(ValueError):
    """A posted field that our own form never sends."""


@dataclass
class PageInput:
    """What one page posted: answers to keep, and messages about what is still missing."""

    answers: dict[str, int | None] = field(default_factory=dict)  # None: does not apply
    ladder: list[dict] | None = None
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
            result.errors[item.id] = "Please choose an answer to this statement."
            continue
        raw = _single(form, key, strip=False)  # a radio button's value, exactly
        if raw == NOT_APPLICABLE:
            if not item.not_applicable:
                raise MalformedAnswer(
                    f"The statement {item.id!r} does not offer the answer 'Does not apply to me'."
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


def read_ladder(form: MultiDict, ladder: Ladder) -> PageInput:
    """The WHY ladder's rungs, filled from the first one down without gaps."""
    targets = {target.key for target in ladder.targets}
    allowed = {
        f"{LADDER_PREFIX}{position}-{part}"
        for position in range(1, ladder.max_rungs + 1)
        for part in ("target", "words")
    }
    _check_known_fields(form, LADDER_PREFIX, allowed)
    result = PageInput(ladder=[])
    gap_at = None
    for position in range(1, ladder.max_rungs + 1):
        target_key = f"{LADDER_PREFIX}{position}-target"
        target = _single(form, target_key) if target_key in form else ""
        words_key = f"{LADDER_PREFIX}{position}-words"
        words = _single(form, words_key) if words_key in form else ""
        if target and target not in targets:
            raise MalformedAnswer(f"The ladder answer {target[:40]!r} is not one of the choices.")
        if len(words) > ladder.max_words:
            result.errors[f"rung-{position}"] = (
                f"Please keep this to {ladder.max_words} characters (it has {len(words)})."
            )
        if not target:
            if words:
                result.errors[f"rung-{position}"] = "Please choose where this answer points."
            gap_at = gap_at or position
            continue
        if gap_at is not None:
            result.errors[f"rung-{position}"] = "Please fill the steps in order, without gaps."
        result.ladder.append({"target": target, "words": words})
    if len(result.ladder) < ladder.min_rungs and not result.errors:
        result.errors["rung-1"] = (
            f"Please answer at least {ladder.min_rungs} step"
            f"{'s' if ladder.min_rungs > 1 else ''} of the ladder."
        )
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
            result.errors[direction] = f"Please choose at most {cooperation.max_teams} teams."
        result.cooperation[direction] = chosen
    return result


def first_incomplete_page(
    state: Mapping, questionnaire: Questionnaire, item_pages: list[tuple[Item, ...]]
) -> int | None:
    """The first item page with an unanswered item, or the ladder page if too few rungs.

    An item answered "does not apply" is in ``state["answers"]`` (as None), so it is answered.
    """
    answers = state.get("answers", {})
    for number, items in enumerate(item_pages, start=1):
        if any(item.id not in answers for item in items):
            return number
    ladder = questionnaire.ladder
    if ladder is not None and len(state.get("ladder") or []) < ladder.min_rungs:
        return len(item_pages) + 1
    return None
