"""Every text of the app goes through the translation layer, and every language translates it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from survey.catalogues import DIRECTORY
from survey.i18n import LANGUAGES, SOURCE_LANGUAGE
from tests.i18n.untranslated import ROOT, all_problems

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")
TRANSLATED = [code for code in LANGUAGES if code != SOURCE_LANGUAGE]


def read(path: Path):
    with path.open("rb") as file:
        return read_po(file)


def fills(text: str, like: str | None = None) -> bool:
    """Whether ``text % values`` works, as templates always do it (``%%`` for a percent sign),
    with a value for each placeholder of ``like`` (default: of ``text``)."""
    names = set(PLACEHOLDER.findall(like or text)) | {"num"}
    try:
        text % {name: 1 for name in names if name}
    except (KeyError, ValueError, TypeError):
        return False
    return True


def ids(catalogue) -> set:
    return {message.id for message in catalogue if message.id}


def test_no_text_of_a_template_or_a_message_is_left_out_of_the_translation_layer():
    assert all_problems() == []


def test_the_catalogue_template_holds_exactly_the_texts_of_the_code(tmp_path: Path):
    """What `make messages` extracts now is what the committed messages.pot holds."""
    extracted = tmp_path / "messages.pot"
    CommandLineInterface().run(
        [
            "pybabel",
            "--quiet",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-o",
            str(extracted),
            str(ROOT),
        ]
    )
    assert ids(read(extracted)) == ids(read(DIRECTORY / "messages.pot"))


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_language_translates_every_text_with_the_same_placeholders(language: str):
    template = ids(read(DIRECTORY / "messages.pot"))
    catalogue = read(DIRECTORY / language / "LC_MESSAGES" / "messages.po")
    assert ids(catalogue) == template
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        originals = message.id if isinstance(message.id, tuple) else (message.id,)
        if message.fuzzy or not all(forms):
            problems.append(f"untranslated: {originals[0]!r}")
            continue
        wanted = sorted(set(PLACEHOLDER.findall(originals[-1])))
        for form in forms:
            if sorted(set(PLACEHOLDER.findall(form))) != wanted and "num" not in wanted:
                problems.append(f"placeholders differ: {originals[0]!r} -> {form!r}")
            if fills(originals[-1]) and not fills(form, like=originals[-1]):
                problems.append(f"cannot be filled in as the English is: {form!r}")
    assert problems == []
