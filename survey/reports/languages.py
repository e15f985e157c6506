"""The report's note on the languages answers were given in, from the wave's release.

Only what the release stored is read (:mod:`survey.releases.languages`): the language groups it
published and their ``n``. A language the release withheld (fewer than ``k`` answers, or a group
that would let fewer be worked out) is never named nor counted. Nothing is said unless at least
two languages were published, nor for releases without the entry (interim releases, and those
made before languages were released).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from survey.i18n import joined
from survey.releases.languages import stored_languages

LANGUAGE_NAMES = {
    "en": _l("English"),
    "fr": _l("French"),
    "de": _l("German"),
    "es": _l("Spanish"),
}


@dataclass(frozen=True)
class LanguageRow:
    """One published language group: its name and how many answered in it."""

    code: str
    name: str
    n: int


@dataclass(frozen=True)
class LanguageNote:
    """What the report says of the languages: sentences, and the table of published groups."""

    sentences: list[str]
    rows: list[LanguageRow]


def language_name(code: str) -> str:
    """A language's name in the reader's language (an unknown code as it is)."""
    name = LANGUAGE_NAMES.get(code)
    return str(name) if name is not None else code


def language_note(payload: Mapping | None, k: int) -> LanguageNote | None:
    """The note when the release published answers in at least two languages, else None."""
    stored = stored_languages(payload)
    if stored is None or not stored["mixed"]:
        return None
    rows = [
        LanguageRow(row["language"], language_name(row["language"]), row["n"])
        for row in stored["published"]
    ]
    sentences = [
        _("Answers were given in %(languages)s.", languages=joined([row.name for row in rows])),
        _(
            "The translations keep each statement's meaning and keying; differences between "
            "languages can still come from wording as well as from mindset."
        ),
        _(
            "Only answers through personal links are counted here, and a language is named only "
            "when at least %(k)s people answered in it and no smaller group can be worked out "
            "from the counts; other languages are not named or counted. Means are not given by "
            "language: next to the response-level exports they would show which answers were "
            "given in which language.",
            k=k,
        ),
    ]
    return LanguageNote(sentences, rows)
