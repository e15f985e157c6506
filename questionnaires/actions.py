"""Read the action library (TOML, see ACTIONS.md): practices a sales manager can start next week.

One file per questionnaire, in ``questionnaires/actions/``. For each of the six dimensions and
each pole it lists 3 to 6 practices, each with an id, a title and a one-line why. Every problem
is an :class:`ActionsError` whose message starts with the file and the place in it.
"""

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from functools import cache
from pathlib import Path
from typing import Any

from questionnaires.model import DIMENSION_KEYS, POLES

ACTIONS_DIRECTORY = Path(__file__).resolve().parent / "actions"
MIN_PRACTICES = 3
MAX_PRACTICES = 6
MAX_TITLE = 100
MAX_WHY = 200
FILE_FIELDS = ("questionnaire", "practices")
PRACTICE_FIELDS = ("id", "dimension", "pole", "title", "why")
_ID_PATTERN = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


class ActionsError(ValueError):
    """An action file that cannot be read or breaks a rule of ACTIONS.md."""


@dataclass(frozen=True)
class Practice:
    """One practice: what to do (``title``) and why it moves the team (``why``)."""

    id: str
    dimension: str
    pole: str
    title: str
    why: str


@dataclass(frozen=True)
class ActionLibrary:
    """The practices for one questionnaire's dimensions, in file order."""

    questionnaire: str
    practices: tuple[Practice, ...]
    language: str = "en"
    # The library in other languages: every title and why translated, ids and order the source's.
    translations: Mapping[str, "ActionLibrary"] = dataclass_field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    def in_language(self, language: str | None) -> "ActionLibrary":
        """The practices in ``language``; the source's when there is no translation."""
        if language is None or language == self.language:
            return self
        return self.translations.get(language, self)

    def for_pole(self, dimension: str, pole: str) -> tuple[Practice, ...]:
        """The practices for a team on ``pole``'s side of ``dimension``, in file order.

        >>> library().for_pole("management", "contractual")[0].title
        'Explain the why of each objective before the number'
        """
        return tuple(p for p in self.practices if p.dimension == dimension and p.pole == pole)


def load_actions(path: Path) -> ActionLibrary:
    """Read and check one action file."""
    name = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ActionsError(f"{name}: cannot be read: {error}") from error
    _check_fields(data, FILE_FIELDS, name)
    if not isinstance(data["questionnaire"], str) or not data["questionnaire"]:
        raise ActionsError(f"{name}: 'questionnaire' must be a non-empty string")
    if not isinstance(data["practices"], list):
        raise ActionsError(f"{name}: 'practices' must be an array of tables ([[practices]])")
    practices = tuple(
        _practice(entry, f"{name}: practice {number}")
        for number, entry in enumerate(data["practices"], start=1)
    )
    seen: set[str] = set()
    for practice in practices:
        if practice.id in seen:
            raise ActionsError(f"{name}: practice id '{practice.id}' is used twice")
        seen.add(practice.id)
    library = ActionLibrary(data["questionnaire"], practices)
    for dimension in DIMENSION_KEYS:
        for pole in POLES:
            count = len(library.for_pole(dimension, pole))
            if not MIN_PRACTICES <= count <= MAX_PRACTICES:
                raise ActionsError(
                    f"{name}: {dimension}, {pole} pole: {count} practices, "
                    f"expected {MIN_PRACTICES} to {MAX_PRACTICES}"
                )
    return library


@cache
def library(questionnaire: str = "rep-mindset") -> ActionLibrary:
    """The installed action library of ``questionnaire`` (read once).

    >>> len(library().for_pole("cooperation", "purpose")) >= MIN_PRACTICES
    True
    """
    found = load_actions(ACTIONS_DIRECTORY / f"{questionnaire}.toml")
    if found.questionnaire != questionnaire:
        raise ActionsError(f"{questionnaire}.toml: names questionnaire '{found.questionnaire}'")
    translations = {}
    for path in sorted(ACTIONS_DIRECTORY.glob(f"{questionnaire}.*.toml")):
        translated = load_actions_translation(path, found)
        translations[translated.language] = translated
    return replace(found, translations=translations)


def load_actions_translation(path: Path, source: ActionLibrary) -> ActionLibrary:
    """``source`` with every title and why in the language of ``path`` (``<key>.<lang>.toml``).

    The file has ``questionnaire``, ``language``, a ``[translation]`` table (``by``, ``review``)
    and a ``[practices.<id>]`` table with ``title`` and ``why`` for every practice of the source.
    """
    name = path.name
    language = path.stem.rpartition(".")[2]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ActionsError(f"{name}: cannot be read: {error}") from error
    _check_fields(data, ("questionnaire", "language", "translation", "practices"), name)
    if data["questionnaire"] != source.questionnaire or data["language"] != language:
        raise ActionsError(
            f"{name}: must translate '{source.questionnaire}' into '{language}' (the file name)"
        )
    _check_fields(data["translation"], ("by", "review"), f"{name}: translation")
    texts = data["practices"]
    if not isinstance(texts, dict):
        raise ActionsError(f"{name}: 'practices' must be a table of [practices.<id>] tables")
    for practice_id in texts:
        if practice_id not in {practice.id for practice in source.practices}:
            raise ActionsError(f"{name}: practice '{practice_id}' is not in the source")
    translated = []
    for practice in source.practices:
        where = f"{name}: practice '{practice.id}'"
        if practice.id not in texts:
            raise ActionsError(f"{where}: no text in '{language}'")
        _check_fields(texts[practice.id], ("title", "why"), where)
        entry = {**_practice_fields(practice), **texts[practice.id]}
        translated.append(_practice(entry, where))
    return ActionLibrary(source.questionnaire, tuple(translated), language)


def _practice_fields(practice: Practice) -> dict[str, str]:
    return {name: getattr(practice, name) for name in PRACTICE_FIELDS}


def _check_fields(table: Any, expected: tuple[str, ...], where: str) -> None:
    if not isinstance(table, dict):
        raise ActionsError(f"{where}: must be a table")
    for field in table:
        if field not in expected:
            raise ActionsError(
                f"{where}: unknown field '{field}' (expected one of {', '.join(expected)})"
            )
    for field in expected:
        if field not in table:
            raise ActionsError(f"{where}: missing field '{field}'")


def _practice(entry: Any, where: str) -> Practice:
    _check_fields(entry, PRACTICE_FIELDS, where)
    for field in PRACTICE_FIELDS:
        value = entry[field]
        if not isinstance(value, str) or not value.strip() or "\n" in value:
            raise ActionsError(f"{where}: '{field}' must be one line of text")
    if not _ID_PATTERN.fullmatch(entry["id"]):
        raise ActionsError(
            f"{where}: id '{entry['id']}' must be lowercase letters and digits joined by hyphens"
        )
    where = f"{where} ('{entry['id']}')"
    if entry["dimension"] not in DIMENSION_KEYS:
        raise ActionsError(f"{where}: unknown dimension '{entry['dimension']}'")
    if entry["pole"] not in POLES:
        raise ActionsError(f"{where}: unknown pole '{entry['pole']}'")
    for field, longest in (("title", MAX_TITLE), ("why", MAX_WHY)):
        if len(entry[field]) > longest:
            raise ActionsError(f"{where}: '{field}' is longer than {longest} characters")
    return Practice(**{field: entry[field] for field in PRACTICE_FIELDS})
