"""The checker of untranslated texts finds what it should, and only that."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.i18n import untranslated


@pytest.fixture
def tree(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setattr(untranslated, "ROOT", tmp_path)
    return tmp_path


def problems(tree: Path, name: str, text: str) -> list[str]:
    path = tree / name
    path.write_text(text, encoding="utf-8")
    return untranslated.all_problems([path])


@pytest.mark.parametrize(
    "source",
    [
        "<p>Hello there</p>",
        '<input type="submit" value="Send it">',
        '<a title="Open the page" href="/x">{{ _("Open") }}</a>',
        '{{ "Never" if nothing }}',
        '{{ field_row(form.name, hint="Your full name") }}',
    ],
)
def test_an_untranslated_template_text_is_found(tree, source):
    assert problems(tree, "page.html", source)


@pytest.mark.parametrize(
    "source",
    [
        '<p>{{ _("Hello there") }}</p>',
        "<p>{% trans n=3 %}Hello {{ n }} people{% endtrans %}</p>",
        '<p class="lead wide" data-x="{{ url_for(\'main.home\') }}">{{ name }}</p>',
        "{% block main_class %}wide{% endblock %}<p>Mindset Survey</p>",
        '<button name="action" value="next">{{ _("Next") }}</button>',
    ],
)
def test_a_translated_or_wordless_template_passes(tree, source):
    assert problems(tree, "page.html", source) == []


def test_python_messages_and_labels_must_be_gettext_calls(tree):
    found = problems(
        tree,
        "views.py",
        "flash('Saved.')\nflash(_('Saved.'), 'error')\nabort(404, 'Gone')\n"
        "name = StringField('Name')\nother = StringField(_l('Name'))\n"
        "raise ValidationError(f'Bad {x}')\n",
    )
    assert [line.split(": ", 1)[1].split("(")[0] for line in found] == [
        "flash",
        "abort",
        "StringField",
        "ValidationError",
    ]
