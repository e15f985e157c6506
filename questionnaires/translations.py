"""Read a questionnaire's translations: ``<source stem>.<language>.toml`` beside the source file.

A translation carries every text of its source (title, intro, scale labels, dimension texts,
items, ladder and cooperation prompts) in one more language, and nothing else: ids, keying,
order and scoring stay the source's. Its message names the file, the place and the language:
``rep-mindset-v3.fr.toml: item 'mot3': no text in 'fr'``. The source's ``sha256`` covers the
source file only, so adding or fixing a translation never changes a questionnaire's identity;
changing the source's wording still needs a new version (FORMAT.md).
"""

import tomllib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from questionnaires.model import CooperationMap, Dimension, Item, Ladder, Questionnaire, Scale

TOP_FIELDS = (
    "key",
    "version",
    "language",
    "title",
    "intro",
    "translation",
    "scale",
    "dimensions",
    "items",
    "ladder",
    "cooperation",
)
DIMENSION_TEXTS = ("name", "description", "contractual_pole", "purpose_pole")
PREVIOUS = "{previous}"


class TranslationError(ValueError):
    """A translation file that cannot be read or does not match its source."""


def translation_language(path: Path) -> str | None:
    """The language of a translation file's name, or None for a source file.

    >>> translation_language(Path("rep-mindset-v3.fr.toml")), translation_language(Path("a.toml"))
    ('fr', None)
    """
    _, dot, language = path.stem.rpartition(".")
    return language if dot else None


def source_name(path: Path) -> str:
    """The file name of the source a translation file translates.

    >>> source_name(Path("rep-mindset-v3.fr.toml"))
    'rep-mindset-v3.toml'
    """
    return path.stem.rpartition(".")[0] + path.suffix


def load_translation(path: Path, source: Questionnaire) -> Questionnaire:
    """``source`` with every text in the language of ``path``; raise :class:`TranslationError`."""
    name = path.name
    language = translation_language(path) or ""
    raw = _read_toml(path)
    check = _Checker(name, language)
    check.fields(raw, TOP_FIELDS, "", required=("key", "version", "language", "translation"))
    if raw["key"] != source.key or raw["version"] != source.version:
        raise TranslationError(
            f"{name}: translates '{raw['key']}' version {raw['version']}, but its source "
            f"{source.source} is '{source.key}' version {source.version}"
        )
    if raw["language"] != language:
        raise TranslationError(
            f"{name}: says language '{raw['language']}'; the name says '{language}'"
        )
    if language == source.language:
        raise TranslationError(f"{name}: '{language}' is the source's own language")
    credit = check.table(raw, "translation", "")
    check.fields(credit, ("by", "review"), "translation")
    for field in ("by", "review"):
        check.text(credit, field, "translation")
    return replace(
        source,
        language=language,
        title=check.text(raw, "title", ""),
        intro=check.text(raw, "intro", ""),
        scale=_scale(raw, source.scale, check),
        dimensions=_dimensions(raw, source, check),
        items=_items(raw, source.items, check),
        ladder=_ladder(raw, source.ladder, check),
        cooperation=_cooperation(raw, source.cooperation, check),
        translations={},
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise TranslationError(f"{path.name}: cannot be read ({error})") from error


def _scale(raw: dict[str, Any], scale: Scale, check: "_Checker") -> Scale:
    table = check.table(raw, "scale", "")
    check.fields(table, ("labels",), "scale")
    labels = table["labels"]
    if not isinstance(labels, list) or len(labels) != len(scale.labels):
        raise TranslationError(
            f"{check.file}: scale: {len(scale.labels)} labels in '{check.language}' expected, "
            f"as in the source"
        )
    texts = tuple(
        check.line(label, f"scale: label {number}") for number, label in enumerate(labels, 1)
    )
    if len(set(texts)) != len(texts):
        raise TranslationError(
            f"{check.file}: scale: two labels are the same in '{check.language}'"
        )
    return replace(scale, labels=texts)


def _dimensions(
    raw: dict[str, Any], source: Questionnaire, check: "_Checker"
) -> tuple[Dimension, ...]:
    table = check.table(raw, "dimensions", "")
    check.keys(table, [d.key for d in source.dimensions], "dimension")
    items = {item.id: item for item in _items(raw, source.items, check)}
    translated = []
    for dimension in source.dimensions:
        where = f"dimension '{dimension.key}'"
        texts = check.table(table, dimension.key, where)
        check.fields(texts, DIMENSION_TEXTS, where)
        words: dict[str, Any] = {
            field: check.text(texts, field, where) for field in DIMENSION_TEXTS
        }
        own_items = tuple(items[item.id] for item in dimension.items)
        translated.append(replace(dimension, **words, items=own_items))
    return tuple(translated)


def _items(raw: dict[str, Any], items: tuple[Item, ...], check: "_Checker") -> tuple[Item, ...]:
    table = check.table(raw, "items", "")
    check.keys(table, [item.id for item in items], "item")
    texts = [check.line(table[item.id], f"item '{item.id}'") for item in items]
    if len(set(texts)) != len(texts):
        raise TranslationError(
            f"{check.file}: items: two items have the same text in '{check.language}'"
        )
    return tuple(replace(item, text=text) for item, text in zip(items, texts, strict=True))


def _ladder(raw: dict[str, Any], ladder: Ladder | None, check: "_Checker") -> Ladder | None:
    if ladder is None:
        check.absent(raw, "ladder")
        return None
    table = check.table(raw, "ladder", "")
    check.fields(table, ("question", "follow_up", "targets"), "ladder")
    follow_up = check.text(table, "follow_up", "ladder")
    if (PREVIOUS in follow_up) != ladder.quotes_previous or "{" in follow_up.replace(PREVIOUS, ""):
        raise TranslationError(
            f"{check.file}: ladder: follow_up in '{check.language}' must "
            f"{'keep' if ladder.quotes_previous else 'not have'} the placeholder {PREVIOUS}, "
            "and no other braces"
        )
    targets = check.table(table, "targets", "ladder")
    check.keys(targets, [target.key for target in ladder.targets], "ladder target")
    return replace(
        ladder,
        question=check.text(table, "question", "ladder"),
        follow_up=follow_up,
        targets=tuple(
            replace(target, label=check.line(targets[target.key], f"ladder target '{target.key}'"))
            for target in ladder.targets
        ),
    )


def _cooperation(
    raw: dict[str, Any], cooperation: CooperationMap | None, check: "_Checker"
) -> CooperationMap | None:
    if cooperation is None:
        check.absent(raw, "cooperation")
        return None
    table = check.table(raw, "cooperation", "")
    check.fields(table, ("question", "directions"), "cooperation")
    directions = check.table(table, "directions", "cooperation")
    check.keys(directions, [key for key, _ in cooperation.directions], "cooperation direction")
    return replace(
        cooperation,
        question=check.text(table, "question", "cooperation"),
        directions=tuple(
            (key, check.line(directions[key], f"cooperation direction '{key}'"))
            for key, _ in cooperation.directions
        ),
    )


class _Checker:
    """The checks of one translation file, each naming the file, the place and the language."""

    def __init__(self, file: str, language: str) -> None:
        self.file = file
        self.language = language

    def _fail(self, where: str, problem: str) -> TranslationError:
        place = f"{self.file}: {where}: " if where else f"{self.file}: "
        return TranslationError(place + problem)

    def fields(
        self,
        table: dict[str, Any],
        allowed: tuple[str, ...],
        where: str,
        required: tuple[str, ...] | None = None,
    ) -> None:
        for name in table:
            if name not in allowed:
                raise self._fail(
                    where, f"unknown field '{name}' (expected one of {', '.join(allowed)})"
                )
        for name in allowed if required is None else required:
            if name not in table:
                raise self._fail(where, f"missing field '{name}'")

    def table(self, raw: dict[str, Any], name: str, where: str) -> dict[str, Any]:
        if name not in raw:
            raise self._fail(where, f"missing table [{name}]")
        value = raw[name]
        if not isinstance(value, dict):
            raise self._fail(where, f"'{name}' must be a table")
        return value

    def keys(self, table: dict[str, Any], expected: list[str], what: str) -> None:
        for key in expected:
            if key not in table:
                raise self._fail(f"{what} '{key}'", f"no text in '{self.language}'")
        for key in table:
            if key not in expected:
                raise self._fail(f"{what} '{key}'", "is not in the source")

    def absent(self, raw: dict[str, Any], name: str) -> None:
        if name in raw:
            raise self._fail(name, "the source has none")

    def text(self, table: dict[str, Any], name: str, where: str) -> str:
        place = f"{where}: {name}" if where else name
        if name not in table:
            raise self._fail(place, f"no text in '{self.language}'")
        value = table[name]
        if not isinstance(value, str) or not value.strip():
            raise self._fail(place, f"the text in '{self.language}' must be a non-empty string")
        return " ".join(value.split()) if name != "intro" else value.strip()

    def line(self, value: object, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self._fail(where, f"the text in '{self.language}' must be a non-empty string")
        return " ".join(value.split())


def attach(sources: Mapping[str, Questionnaire], directory: Path) -> dict[str, Questionnaire]:
    """Each source (by file name) with the translations found beside it in ``directory``."""
    found: dict[str, dict[str, Questionnaire]] = {name: {} for name in sources}
    for path in sorted(directory.glob("*.*.toml")):
        source = sources.get(source_name(path))
        if source is None:
            raise TranslationError(
                f"{path.name}: translates {source_name(path)}, which is not in {directory}"
            )
        translated = load_translation(path, source)
        found[source.source][translated.language] = translated
    return {name: replace(source, translations=found[name]) for name, source in sources.items()}
