"""The action library: the installed file and the loader's rules (questionnaires/ACTIONS.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from questionnaires import DIMENSION_KEYS, POLES
from questionnaires.actions import (
    ACTIONS_DIRECTORY,
    FILE_FIELDS,
    MAX_PRACTICES,
    MIN_PRACTICES,
    PRACTICE_FIELDS,
    ActionsError,
    library,
    load_actions,
)

SHIPPED = ACTIONS_DIRECTORY / "rep-mindset.toml"
DOCS = (Path(__file__).parents[2] / "questionnaires" / "ACTIONS.md").read_text(encoding="utf-8")


def practice(id_: str, dimension: str, pole: str, **extra: str) -> str:
    fields = {"id": id_, "dimension": dimension, "pole": pole, "title": "Do it", "why": "Because"}
    fields.update(extra)
    body = "\n".join(f'{key} = "{value}"' for key, value in fields.items())
    return f"[[practices]]\n{body}\n"


def full(per_list: int = MIN_PRACTICES) -> list[str]:
    return [
        practice(f"{dimension}-{pole}-{i}", dimension, pole)
        for dimension in DIMENSION_KEYS
        for pole in POLES
        for i in range(per_list)
    ]


def write(tmp_path: Path, practices: list[str], head: str = 'questionnaire = "rep-mindset"\n'):
    path = tmp_path / "rep-mindset.toml"
    path.write_text(head + "\n".join(practices), encoding="utf-8")
    return path


def test_the_shipped_library_covers_every_dimension_and_pole():
    actions = library()
    assert actions == load_actions(SHIPPED)
    assert actions.questionnaire == "rep-mindset"
    for dimension in DIMENSION_KEYS:
        for pole in POLES:
            assert MIN_PRACTICES <= len(actions.for_pole(dimension, pole)) <= MAX_PRACTICES
    titles = [p.title for p in actions.practices]
    assert "Hold a monthly best-practice exchange across territories" in titles
    assert "Set a shared customer-success target with product and marketing" in titles
    assert "Explain the why of each objective before the number" in titles


def test_a_minimal_valid_file_loads_in_file_order(tmp_path):
    actions = load_actions(write(tmp_path, full()))
    assert [p.id for p in actions.for_pole("change", "purpose")] == [
        "change-purpose-0",
        "change-purpose-1",
        "change-purpose-2",
    ]


@pytest.mark.parametrize(
    ("practices", "head", "message"),
    [
        (
            [practice("x-1", "motivation", "purpose", reason="no"), *full()],
            'questionnaire = "rep-mindset"\n',
            "practice 1: unknown field 'reason'",
        ),
        (full(), 'questionnaire = "rep-mindset"\nauthor = "me"\n', "unknown field 'author'"),
        ([*full(), full()[0]], 'questionnaire = "rep-mindset"\n', "used twice"),
        (full()[3:], 'questionnaire = "rep-mindset"\n', "motivation, contractual pole: 0"),
        (full(MAX_PRACTICES + 1), 'questionnaire = "rep-mindset"\n', "7 practices, expected"),
        (
            [practice("x-1", "motiv", "purpose"), *full()],
            'questionnaire = "rep-mindset"\n',
            "unknown dimension 'motiv'",
        ),
        (
            [practice("x-1", "motivation", "values"), *full()],
            'questionnaire = "rep-mindset"\n',
            "unknown pole 'values'",
        ),
        (
            [practice("Bad_Id", "motivation", "purpose"), *full()],
            'questionnaire = "rep-mindset"\n',
            "id 'Bad_Id' must be",
        ),
        (
            [practice("x-1", "motivation", "purpose", why="two\\nlines"), *full()],
            'questionnaire = "rep-mindset"\n',
            "'why' must be one line",
        ),
        (
            [practice("x-1", "motivation", "purpose", title="x" * 101), *full()],
            'questionnaire = "rep-mindset"\n',
            "'title' is longer than 100",
        ),
        (full(), "", "missing field 'questionnaire'"),
    ],
)
def test_the_loader_rejects_what_actions_md_forbids(tmp_path, practices, head, message):
    with pytest.raises(ActionsError, match=re.escape(message)):
        load_actions(write(tmp_path, practices, head))


def test_a_file_that_is_not_toml_is_refused(tmp_path):
    path = tmp_path / "rep-mindset.toml"
    path.write_text("practices = [", encoding="utf-8")
    with pytest.raises(ActionsError, match="cannot be read"):
        load_actions(path)


def test_actions_md_documents_exactly_the_accepted_fields():
    documented = set(re.findall(r"^\| `(\w+)` \|", DOCS, re.M))
    assert documented == set(FILE_FIELDS) | set(PRACTICE_FIELDS)
    for pole in POLES:
        assert f"**`{pole}`**" in DOCS
