"""Read questionnaire files (TOML, see FORMAT.md) into :class:`Questionnaire` objects.

Every problem is reported as a :class:`QuestionnaireError` whose message starts with the file and
the place in it, for example ``"rep-mindset-v1.toml: item 'mot3': unknown dimension 'motiv'"``.
"""

import hashlib
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from questionnaires.model import (
    AUDIENCES,
    DIMENSION_KEYS,
    NONE_OF_THESE,
    PERSPECTIVES,
    POLES,
    PREVIOUS,
    CooperationMap,
    Crosswalk,
    Dimension,
    Item,
    Ladder,
    LadderTarget,
    Questionnaire,
    Scale,
)
from questionnaires.translations import TranslationError, attach, translation_language

DEFAULT_DIRECTORY = Path(__file__).resolve().parent / "instruments"
MAX_RUNGS = 5
SHARE_TOLERANCE = 1e-9
"""Slack when turning a share of items into a count, as in ``analysis.scoring``."""
IDENTICAL_FIELDS = ("text", "dimension", "keyed", "perspective", "not_applicable")
"""What must match for an item to be identical to an earlier version's item."""
IDENTICAL_SCORING = ("scale", "min_answered_share")
"""What must match between two files for a crosswalk: how their answers become scores."""

_KEY_PATTERN = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
_ID_MEANING = "a lowercase letter followed by lowercase letters, digits or underscores"
_LANGUAGE_PATTERN = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


class QuestionnaireError(ValueError):
    """A questionnaire file that cannot be read or breaks a rule of the format."""


@dataclass(frozen=True)
class FieldSpec:
    """The TOML type of a field (one of ``KINDS``) and whether the field is required."""

    kind: str
    required: bool = True


KINDS = (
    "string",
    "integer",
    "number",
    "boolean",
    "array of strings",
    "table",
    "array of tables",
    "table of strings",
)

# Every table of the format, by its dotted TOML path ("" is the top level), and its fields.
TABLES: Mapping[str, Mapping[str, FieldSpec]] = {
    "": {
        "key": FieldSpec("string"),
        "version": FieldSpec("integer"),
        "title": FieldSpec("string"),
        "language": FieldSpec("string"),
        "audience": FieldSpec("string"),
        "intro": FieldSpec("string"),
        "minutes": FieldSpec("integer"),
        "min_answered_share": FieldSpec("number"),
        "scale": FieldSpec("table"),
        "dimensions": FieldSpec("array of tables"),
        "items": FieldSpec("array of tables"),
        "ladder": FieldSpec("table", required=False),
        "cooperation": FieldSpec("table", required=False),
        "crosswalk": FieldSpec("table", required=False),
    },
    "scale": {
        "min": FieldSpec("integer"),
        "max": FieldSpec("integer"),
        "labels": FieldSpec("array of strings"),
    },
    "dimensions": {
        "key": FieldSpec("string"),
        "name": FieldSpec("string"),
        "description": FieldSpec("string"),
        "contractual_pole": FieldSpec("string"),
        "purpose_pole": FieldSpec("string"),
        "sources": FieldSpec("array of strings"),
    },
    "items": {
        "id": FieldSpec("string"),
        "text": FieldSpec("string"),
        "dimension": FieldSpec("string"),
        "keyed": FieldSpec("string"),
        "perspective": FieldSpec("string", required=False),
        "not_applicable": FieldSpec("boolean", required=False),
    },
    "ladder": {
        "question": FieldSpec("string"),
        "follow_up": FieldSpec("string"),
        "min_rungs": FieldSpec("integer"),
        "max_rungs": FieldSpec("integer"),
        "max_words": FieldSpec("integer"),
        "targets": FieldSpec("array of tables"),
    },
    "ladder.targets": {
        "key": FieldSpec("string"),
        "label": FieldSpec("string"),
        "pole": FieldSpec("string"),
    },
    "cooperation": {
        "question": FieldSpec("string"),
        "directions": FieldSpec("array of tables"),
        "max_teams": FieldSpec("integer"),
    },
    "cooperation.directions": {
        "key": FieldSpec("string"),
        "label": FieldSpec("string"),
    },
    "crosswalk": {
        "version": FieldSpec("integer"),
        "items": FieldSpec("table of strings"),
    },
}


def load_questionnaire(path: Path | str) -> Questionnaire:
    """Read and validate one questionnaire file.

    Parameters
    ----------
    path : Path or str
        A TOML file in the format described in ``questionnaires/FORMAT.md``.

    Returns
    -------
    Questionnaire
        With ``source`` set to the file name and ``sha256`` to the hex digest of its bytes.

    Raises
    ------
    QuestionnaireError
        If the file is not UTF-8 TOML or breaks a rule of the format; the message names the
        file, the place in it and the problem.

    Examples
    --------
    >>> rep = load_questionnaire(DEFAULT_DIRECTORY / "rep-mindset-v1.toml")
    >>> rep.key, rep.version, len(rep.items), rep.items[0].id
    ('rep-mindset', 1, 36, 'mot1')
    """
    path = Path(path)
    content = path.read_bytes()
    where = str(path)
    try:
        raw = tomllib.loads(content.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise QuestionnaireError(f"{where}: not UTF-8 text ({error.reason})") from error
    except tomllib.TOMLDecodeError as error:
        raise QuestionnaireError(f"{where}: invalid TOML ({error})") from error
    top = _read_table(raw, "", where)
    _check_pattern(top, "key", _KEY_PATTERN, "lowercase words joined by hyphens", where)
    _check_at_least(top, "version", 1, where)
    _check_pattern(top, "language", _LANGUAGE_PATTERN, "a language tag such as 'en'", where)
    _check_choice(top, "audience", AUDIENCES, where)
    _check_at_least(top, "minutes", 1, where)
    share = top["min_answered_share"]
    if not 0 < share <= 1:
        raise QuestionnaireError(
            f"{where}: field 'min_answered_share' must be above 0 and at most 1, got {share}"
        )
    dimension_fields = _read_dimension_fields(top["dimensions"], where)
    items = _read_items(top["items"], top["audience"], where)
    dimensions = tuple(_dimension(fields, items, share, where) for fields in dimension_fields)
    return Questionnaire(
        key=top["key"],
        version=top["version"],
        title=top["title"],
        language=top["language"],
        audience=top["audience"],
        intro=top["intro"],
        minutes=top["minutes"],
        scale=_read_scale(top["scale"], where),
        dimensions=dimensions,
        items=items,
        min_answered_share=float(share),
        ladder=_read_ladder(top["ladder"], where) if "ladder" in top else None,
        cooperation=(
            _read_cooperation(top["cooperation"], where) if "cooperation" in top else None
        ),
        source=path.name,
        sha256=hashlib.sha256(content).hexdigest(),
        crosswalk=(
            _read_crosswalk(top["crosswalk"], top["version"], items, where)
            if "crosswalk" in top
            else None
        ),
    )


def load_directory(
    directory: Path | str = DEFAULT_DIRECTORY,
) -> dict[tuple[str, int], Questionnaire]:
    """Load every ``*.toml`` file of a directory, keyed by ``(key, version)``.

    A file named ``<source stem>.<language>.toml`` is a translation of its source
    (``questionnaires/translations.py``); it is checked and found in the source's
    ``translations``.

    Raises
    ------
    QuestionnaireError
        If a file is invalid, two files define the same key and version, or a crosswalk names
        a version that is not loaded, links two files that score answers differently (answer
        scale or ``min_answered_share``), or pairs an item that is not identical to the earlier
        one.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise QuestionnaireError(f"{directory}: not a directory")
    sources = {
        path.name: load_questionnaire(path)
        for path in sorted(directory.glob("*.toml"))
        if translation_language(path) is None
    }
    try:
        translated = attach(sources, directory)
    except TranslationError as error:
        raise QuestionnaireError(str(error)) from error
    loaded: dict[tuple[str, int], Questionnaire] = {}
    for path in sorted(directory.glob("*.toml")):
        if path.name not in translated:
            continue
        questionnaire = translated[path.name]
        identity = (questionnaire.key, questionnaire.version)
        if identity in loaded:
            raise QuestionnaireError(
                f"{path}: questionnaire '{questionnaire.key}' version {questionnaire.version}"
                f" is already defined in {loaded[identity].source}"
            )
        loaded[identity] = questionnaire
    for questionnaire in loaded.values():
        _check_crosswalk(questionnaire, loaded, directory)
    return loaded


def _check_crosswalk(
    newer: Questionnaire, loaded: Mapping[tuple[str, int], Questionnaire], directory: Path
) -> None:
    """Check that the earlier version is loaded, scores answers as this one does (the same
    answer scale and ``min_answered_share``, so that the shared items give the same index in
    either file), and that each pair of items is identical."""
    if newer.crosswalk is None:
        return
    where = f"{directory / newer.source}: crosswalk"
    older = loaded.get((newer.key, newer.crosswalk.version))
    if older is None:
        raise QuestionnaireError(
            f"{where}: version {newer.crosswalk.version} of '{newer.key}' is not in {directory}"
        )
    for name in IDENTICAL_SCORING:
        new, old = _describe(getattr(newer, name)), _describe(getattr(older, name))
        if new != old:
            raise QuestionnaireError(
                f"{where}: {newer.source} and {older.source} score answers differently"
                f" ({name}: {new} here, {old} there); a crosswalk needs the same scale and"
                " min_answered_share in both files"
            )
    for new_id, old_id in newer.crosswalk.items.items():
        if old_id not in older.item_index:
            raise QuestionnaireError(
                f"{where}: item '{new_id}' maps to '{old_id}', which is not an item of"
                f" {older.source}"
            )
        difference = _difference(newer.item(new_id), older.item(old_id))
        if difference:
            raise QuestionnaireError(
                f"{where}: item '{new_id}' is not identical to item '{old_id}' of"
                f" {older.source} ({difference})"
            )


def _difference(newer: Item, older: Item) -> str | None:
    """The first of ``IDENTICAL_FIELDS`` in which two items differ, described, or None."""
    for name in IDENTICAL_FIELDS:
        new, old = getattr(newer, name), getattr(older, name)
        if new != old:
            return f"{name}: {new!r} here, {old!r} there"
    return None


def _describe(value: Scale | float) -> str:
    """A scale as ``1 to 7 ('SD', ..., 'SA')``, a share as written."""
    if isinstance(value, Scale):
        labels = ", ".join(repr(label) for label in value.labels)
        return f"{value.min} to {value.max} ({labels})"
    return repr(value)


def _read_scale(raw: dict[str, Any], file: str) -> Scale:
    where = f"{file}: scale"
    scale = _read_table(raw, "scale", where)
    low, high, labels = scale["min"], scale["max"], tuple(scale["labels"])
    if low >= high:
        raise QuestionnaireError(f"{where}: min ({low}) must be less than max ({high})")
    if len(labels) != high - low + 1:
        raise QuestionnaireError(
            f"{where}: {len(labels)} labels for {high - low + 1} points ({low} to {high})"
        )
    _check_unique(labels, "label", where)
    return Scale(min=low, max=high, labels=labels)


def _read_dimension_fields(raw: list[dict[str, Any]], file: str) -> list[dict[str, Any]]:
    """Check each dimension table, and that together they are ``DIMENSION_KEYS`` in order."""
    dimensions: list[dict[str, Any]] = []
    for number, raw_dimension in enumerate(raw, start=1):
        where = _place(file, "dimension", raw_dimension.get("key"), number)
        fields = _read_table(raw_dimension, "dimensions", where)
        _check_choice(fields, "key", DIMENSION_KEYS, where)
        if any(dimension["key"] == fields["key"] for dimension in dimensions):
            raise QuestionnaireError(f"{where}: duplicate key")
        dimensions.append(fields)
    keys = tuple(dimension["key"] for dimension in dimensions)
    if keys != DIMENSION_KEYS:
        raise QuestionnaireError(
            f"{file}: dimensions must be {', '.join(DIMENSION_KEYS)} in this order,"
            f" got {', '.join(keys)}"
        )
    return dimensions


def _read_items(raw: list[dict[str, Any]], audience: str, file: str) -> tuple[Item, ...]:
    items: list[Item] = []
    seen_ids: set[str] = set()
    text_owner: dict[str, str] = {}
    for number, raw_item in enumerate(raw, start=1):
        where = _place(file, "item", raw_item.get("id"), number)
        fields = _read_table(raw_item, "items", where)
        _check_pattern(fields, "id", _ID_PATTERN, _ID_MEANING, where)
        if fields["id"] in seen_ids:
            raise QuestionnaireError(f"{where}: duplicate id")
        seen_ids.add(fields["id"])
        if fields["dimension"] not in DIMENSION_KEYS:
            raise QuestionnaireError(f"{where}: unknown dimension '{fields['dimension']}'")
        _check_choice(fields, "keyed", POLES, where)
        fields.setdefault("perspective", "self")
        _check_choice(fields, "perspective", PERSPECTIVES, where)
        if fields["perspective"] == "climate" and audience != "rep":
            raise QuestionnaireError(
                f"{where}: perspective 'climate' is only for audience 'rep', not '{audience}'"
            )
        text = " ".join(fields["text"].split())
        if text in text_owner:
            raise QuestionnaireError(f"{where}: same text as item '{text_owner[text]}'")
        text_owner[text] = fields["id"]
        items.append(Item(**{**fields, "text": text}))
    return tuple(items)


def _dimension(
    fields: dict[str, Any], items: tuple[Item, ...], share: float, file: str
) -> Dimension:
    """Build a dimension from its checked fields and its items, in presentation order."""
    where = f"{file}: dimension '{fields['key']}'"
    own_items = tuple(item for item in items if item.dimension == fields["key"])
    if not own_items:
        raise QuestionnaireError(f"{where}: has no items")
    if not any(item.perspective == "self" for item in own_items):
        raise QuestionnaireError(f"{where}: has no 'self' items")
    _check_keys_balanced(own_items, where)
    _check_not_applicable(own_items, share, where)
    return Dimension(**{**fields, "sources": tuple(fields["sources"]), "items": own_items})


def _check_keys_balanced(items: tuple[Item, ...], where: str) -> None:
    """Reject a dimension whose items of one perspective are all keyed towards the same pole."""
    for perspective in PERSPECTIVES:
        poles = [item.keyed for item in items if item.perspective == perspective]
        if poles and len(set(poles)) == 1:
            other = next(pole for pole in POLES if pole != poles[0])
            raise QuestionnaireError(
                f"{where}: all {len(poles)} '{perspective}' items are keyed '{poles[0]}';"
                f" key at least one towards '{other}'"
            )


def _check_not_applicable(items: tuple[Item, ...], share: float, where: str) -> None:
    """Reject a perspective with so many "not applicable" items that answering every other
    item could leave the dimension unscored (fewer than ``share`` of its items answered).

    ``climate`` is exempt: it is never part of the respondent's own result, so every climate
    item may offer "don't know", and a respondent who knows nothing of their manager simply
    gives no climate score."""
    for perspective in PERSPECTIVES:
        if perspective == "climate":
            continue
        own = [item for item in items if item.perspective == perspective]
        skippable = sum(item.not_applicable for item in own)
        allowed = len(own) - math.ceil(share * len(own) - SHARE_TOLERANCE)
        if skippable > allowed:
            raise QuestionnaireError(
                f"{where}: {skippable} of {len(own)} '{perspective}' items may be not applicable;"
                f" at most {allowed} may be, so that answering the others always gives a score"
                f" (min_answered_share {share:g})"
            )


def _read_crosswalk(
    raw: dict[str, Any], version: int, items: tuple[Item, ...], file: str
) -> Crosswalk:
    """Check the crosswalk's own rules: an earlier version, this file's ids, one-to-one."""
    where = f"{file}: crosswalk"
    crosswalk = _read_table(raw, "crosswalk", where)
    _check_at_least(crosswalk, "version", 1, where)
    if crosswalk["version"] >= version:
        raise QuestionnaireError(
            f"{where}: field 'version' must be an earlier version than this file's ({version}),"
            f" got {crosswalk['version']}"
        )
    ids = {item.id for item in items}
    first_to_map: dict[str, str] = {}
    for new_id, old_id in crosswalk["items"].items():
        if new_id not in ids:
            raise QuestionnaireError(f"{where}: item '{new_id}' is not in this file")
        if old_id in first_to_map:
            raise QuestionnaireError(
                f"{where}: items '{first_to_map[old_id]}' and '{new_id}' both map to"
                f" '{old_id}'; the mapping must be one-to-one"
            )
        first_to_map[old_id] = new_id
    return Crosswalk(version=crosswalk["version"], items=crosswalk["items"])


def _read_ladder(raw: dict[str, Any], file: str) -> Ladder:
    where = f"{file}: ladder"
    ladder = _read_table(raw, "ladder", where)
    low, high = ladder["min_rungs"], ladder["max_rungs"]
    if not 1 <= low <= high <= MAX_RUNGS:
        raise QuestionnaireError(
            f"{where}: rungs must satisfy 1 <= min_rungs <= max_rungs <= {MAX_RUNGS},"
            f" got min_rungs {low} and max_rungs {high}"
        )
    _check_at_least(ladder, "max_words", 1, where)
    targets: list[LadderTarget] = []
    for number, raw_target in enumerate(ladder["targets"], start=1):
        target_where = _place(file, "ladder target", raw_target.get("key"), number)
        target = _read_table(raw_target, "ladder.targets", target_where)
        _check_pattern(target, "key", _ID_PATTERN, _ID_MEANING, target_where)
        _check_choice(target, "pole", POLES, target_where)
        targets.append(LadderTarget(**target))
    _check_unique([target.key for target in targets], "target key", where)
    if NONE_OF_THESE.key in {target.key for target in targets}:
        raise QuestionnaireError(
            f"{where}: the target key '{NONE_OF_THESE.key}' is kept for 'None of these'"
        )
    if "{" in ladder["follow_up"].replace(PREVIOUS, ""):
        raise QuestionnaireError(
            f"{where}: follow_up may contain '{PREVIOUS}' (the previous answer) and no other braces"
        )
    missing = [pole for pole in POLES if pole not in {target.pole for target in targets}]
    if missing:
        raise QuestionnaireError(f"{where}: no target has pole '{missing[0]}'")
    return Ladder(**{**ladder, "targets": tuple(targets)})


def _read_cooperation(raw: dict[str, Any], file: str) -> CooperationMap:
    where = f"{file}: cooperation"
    cooperation = _read_table(raw, "cooperation", where)
    _check_at_least(cooperation, "max_teams", 1, where)
    directions: list[tuple[str, str]] = []
    for number, raw_direction in enumerate(cooperation["directions"], start=1):
        direction_where = _place(file, "cooperation direction", raw_direction.get("key"), number)
        direction = _read_table(raw_direction, "cooperation.directions", direction_where)
        _check_pattern(direction, "key", _ID_PATTERN, _ID_MEANING, direction_where)
        directions.append((direction["key"], direction["label"]))
    _check_unique([key for key, _ in directions], "direction key", where)
    return CooperationMap(**{**cooperation, "directions": tuple(directions)})


def _read_table(raw: dict[str, Any], table: str, where: str) -> dict[str, Any]:
    """Check a table's fields against ``TABLES[table]``: no unknown, none missing, right types."""
    spec = TABLES[table]
    for name in raw:
        if name not in spec:
            raise QuestionnaireError(
                f"{where}: unknown field '{name}' (expected one of {', '.join(spec)})"
            )
    for name, field_spec in spec.items():
        if name in raw:
            _check_kind(raw[name], name, field_spec.kind, where)
        elif field_spec.required:
            raise QuestionnaireError(f"{where}: missing field '{name}'")
    return dict(raw)


_PYTHON_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "table": dict,
    "boolean": bool,
    "array of strings": list,
    "array of tables": list,
    "table of strings": dict,
}
"""The Python type(s) that ``tomllib`` gives each TOML kind a field may have."""


def _check_kind(value: object, name: str, kind: str, where: str) -> None:
    """Raise unless ``value`` has the TOML type ``kind``; strings, arrays and tables of values
    must not be empty."""
    expected = _PYTHON_TYPES[kind]
    if isinstance(value, bool) != (kind == "boolean") or not isinstance(value, expected):
        article = "an" if kind[0] in "aeiou" else "a"
        raise QuestionnaireError(
            f"{where}: field '{name}' must be {article} {kind}, got {_toml_type(value)}"
        )
    if isinstance(value, str) and not value.strip():
        raise QuestionnaireError(f"{where}: field '{name}' must not be empty")
    if isinstance(value, list):
        elements = [(f"{name}[{number}]", element) for number, element in enumerate(value, 1)]
    elif isinstance(value, dict) and kind.startswith("table of "):
        elements = [(f"{name}.{key}", element) for key, element in value.items()]
    else:
        return
    if not elements:
        raise QuestionnaireError(f"{where}: field '{name}' must not be empty")
    element_kind = kind.partition(" of ")[2].removesuffix("s")
    for label, element in elements:
        _check_kind(element, label, element_kind, where)


def _toml_type(value: object) -> str:
    names = {bool: "boolean", str: "string", int: "integer", float: "float", dict: "table"}
    if isinstance(value, list):
        return "array"
    return names.get(type(value), "date or time")


def _place(file: str, what: str, key: object, number: int) -> str:
    """Name an entry by its key when it has a usable one, else by its position in the file."""
    if isinstance(key, str) and key.strip():
        return f"{file}: {what} '{key}'"
    return f"{file}: {what} #{number}"


def _check_pattern(
    fields: dict[str, Any], name: str, pattern: re.Pattern[str], meaning: str, where: str
) -> None:
    if not pattern.fullmatch(fields[name]):
        raise QuestionnaireError(f"{where}: field '{name}' must be {meaning}, got '{fields[name]}'")


def _check_choice(fields: dict[str, Any], name: str, choices: tuple[str, ...], where: str) -> None:
    if fields[name] not in choices:
        allowed = ", ".join(f"'{choice}'" for choice in choices)
        raise QuestionnaireError(
            f"{where}: field '{name}' must be one of {allowed}, got '{fields[name]}'"
        )


def _check_at_least(fields: dict[str, Any], name: str, minimum: int, where: str) -> None:
    if fields[name] < minimum:
        raise QuestionnaireError(
            f"{where}: field '{name}' must be at least {minimum}, got {fields[name]}"
        )


def _check_unique(values: list[str] | tuple[str, ...], what: str, where: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise QuestionnaireError(f"{where}: duplicate {what} '{value}'")
        seen.add(value)
