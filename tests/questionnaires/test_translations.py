"""Translations of the questionnaires and the action library: complete, checked, and never a
new questionnaire identity."""

import re
import shutil
import tomllib
from pathlib import Path

import pytest

from questionnaires import DEFAULT_DIRECTORY, QuestionnaireError, load_directory
from questionnaires.actions import (
    ACTIONS_DIRECTORY,
    ActionsError,
    library,
    load_actions,
    load_actions_translation,
)
from survey.i18n import LANGUAGES

SHIPPED = load_directory()
CURRENT = [SHIPPED["rep-mindset", 3], SHIPPED["rep-mindset", 2], SHIPPED["manager-mindset", 2]]
TRANSLATED = [language for language in LANGUAGES if language != "en"]


@pytest.fixture
def instruments(tmp_path: Path) -> Path:
    """A copy of the shipped instruments to break."""
    copy = tmp_path / "instruments"
    shutil.copytree(DEFAULT_DIRECTORY, copy)
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("source", CURRENT, ids=lambda q: f"{q.key}-v{q.version}")
def test_the_current_versions_speak_every_language_of_the_app(source, language):
    translated = source.in_language(language)
    assert translated.language == language
    assert translated.sha256 == source.sha256 and translated.source == source.source
    # Everything but the words is the source's: ids, keying, order, scale points, scoring.
    assert [
        (i.id, i.dimension, i.keyed, i.perspective, i.not_applicable) for i in translated.items
    ] == [(i.id, i.dimension, i.keyed, i.perspective, i.not_applicable) for i in source.items]
    assert translated.scale.points == source.scale.points
    assert translated.min_answered_share == source.min_answered_share
    assert [d.key for d in translated.dimensions] == [d.key for d in source.dimensions]
    assert [d.sources for d in translated.dimensions] == [d.sources for d in source.dimensions]
    # ... and every word is another: no text left in English.
    assert translated.title != source.title
    changed = [a.text != b.text for a, b in zip(translated.items, source.items, strict=True)]
    assert sum(changed) >= len(changed) - 1  # a loan word may read the same ("Motivation")
    if source.ladder:
        assert translated.ladder.quotes_previous == source.ladder.quotes_previous
        assert [t.key for t in translated.ladder.targets] == [t.key for t in source.ladder.targets]


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_translation_says_who_translated_it_and_how_it_was_reviewed(language):
    instruments = sorted(DEFAULT_DIRECTORY.glob(f"*.{language}.toml"))
    files = [*instruments, ACTIONS_DIRECTORY / f"rep-mindset.{language}.toml"]
    assert len(files) == 6
    for path in files:
        credit = tomllib.loads(path.read_text(encoding="utf-8"))["translation"]
        assert credit["by"].strip() and credit["review"].strip(), path.name


def test_the_in_language_of_an_untranslated_language_is_the_source():
    rep = SHIPPED["rep-mindset", 3]
    assert rep.in_language("it") is rep and rep.in_language(None) is rep
    assert rep.in_language("en") is rep
    assert rep.languages == ("en", "de", "es", "fr")


def test_adding_or_fixing_a_translation_keeps_the_version_hash(instruments):
    before = load_directory(instruments)["rep-mindset", 3].sha256
    edit(instruments / "rep-mindset-v3.fr.toml", 'title = "', 'title = "Corrigé : ')
    (instruments / "rep-mindset-v3.de.toml").unlink()
    after = load_directory(instruments)["rep-mindset", 3]
    assert after.sha256 == before
    assert after.in_language("fr").title.startswith("Corrigé : ")
    assert "de" not in after.languages


def test_a_changed_source_wording_changes_the_version_hash(instruments):
    before = load_directory(instruments)["rep-mindset", 3].sha256
    edit(instruments / "rep-mindset-v3.toml", 'title = "How you work', 'title = "How you do')
    assert load_directory(instruments)["rep-mindset", 3].sha256 != before


def test_a_missing_item_text_names_the_file_the_item_and_the_language(instruments):
    path = instruments / "rep-mindset-v3.de.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    without = [line for line in lines if not line.startswith("mot1 =")]
    assert len(without) == len(lines) - 1
    path.write_text("\n".join(without), encoding="utf-8")
    with pytest.raises(QuestionnaireError) as raised:
        load_directory(instruments)
    assert str(raised.value) == "rep-mindset-v3.de.toml: item 'mot1': no text in 'de'"


def test_an_extra_item_text_is_refused(instruments):
    edit(instruments / "rep-mindset-v3.es.toml", "[items]\n", '[items]\nzzz9 = "Otra frase."\n')
    with pytest.raises(QuestionnaireError, match=r"rep-mindset-v3.es.toml: item 'zzz9': is not in"):
        load_directory(instruments)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('[dimensions.change]\nname = "', '[dimensions.change]\nnom = "', "unknown field 'nom'"),
        ("{previous}", "{précédent}", "must keep the placeholder {previous}"),
        ('language = "fr"', 'language = "de"', "says language 'de'; the name says 'fr'"),
        ("version = 3", "version = 2", "translates 'rep-mindset' version 2"),
        ('by = "', 'par = "', "translation: unknown field 'par'"),
    ],
)
def test_a_translation_that_does_not_match_its_source_is_refused(instruments, old, new, message):
    edit(instruments / "rep-mindset-v3.fr.toml", old, new)
    with pytest.raises(QuestionnaireError, match="rep-mindset-v3.fr.toml: .*" + re.escape(message)):
        load_directory(instruments)


def test_a_translation_without_its_source_is_refused(instruments):
    shutil.copy(instruments / "rep-mindset-v3.fr.toml", instruments / "rep-mindset-v9.fr.toml")
    with pytest.raises(
        QuestionnaireError, match=r"rep-mindset-v9\.fr\.toml: translates rep-mindset-v9"
    ):
        load_directory(instruments)


def test_a_missing_scale_label_is_refused(instruments):
    edit(instruments / "rep-mindset-v3.fr.toml", '    "Tout à fait d\'accord",\n]', "]")
    with pytest.raises(QuestionnaireError, match=r"scale: 7 labels in 'fr' expected"):
        load_directory(instruments)


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_action_library_speaks_every_language(language):
    source = library()
    translated = source.in_language(language)
    assert translated.language == language
    assert [(p.id, p.dimension, p.pole) for p in translated.practices] == [
        (p.id, p.dimension, p.pole) for p in source.practices
    ]
    assert all(
        a.title != b.title for a, b in zip(translated.practices, source.practices, strict=True)
    )


def test_an_action_translation_missing_a_practice_is_refused(tmp_path):
    source = load_actions(ACTIONS_DIRECTORY / "rep-mindset.toml")
    path = tmp_path / "rep-mindset.fr.toml"
    text = (ACTIONS_DIRECTORY / "rep-mindset.fr.toml").read_text(encoding="utf-8")
    first = source.practices[0].id
    start = text.index(f"[practices.{first}]")
    end = text.index("[practices.", start + 1)
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(ActionsError) as raised:
        load_actions_translation(path, source)
    assert str(raised.value) == f"rep-mindset.fr.toml: practice '{first}': no text in 'fr'"
