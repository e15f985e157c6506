"""FORMAT.md documents exactly the fields the loader accepts (after datasette's test_docs.py)."""

import re
import tomllib
from pathlib import Path

import pytest

from questionnaires.loader import KINDS, TABLES

FORMAT = (Path(__file__).parents[2] / "questionnaires" / "FORMAT.md").read_text(encoding="utf-8")
ROW = re.compile(r"^\| `(?P<field>\w+)` \| (?P<kind>[a-z ]+) \| (?P<required>yes|no) \|", re.M)


def heading(table: str) -> str:
    """The FORMAT.md heading of a table: ``[scale]`` for a table, ``[[items]]`` for an array."""
    if not table:
        return "## Top level"
    parent, _, name = table.rpartition(".")
    if TABLES[parent][name].kind == "table":
        return f"## `[{table}]`"
    return f"## `[[{table}]]`"


def section(table: str) -> str:
    """The text under the table's heading, up to the next heading."""
    start = FORMAT.index(heading(table) + "\n")
    end = FORMAT.find("\n## ", start + 1)
    return FORMAT[start : end if end != -1 else None]


@pytest.mark.parametrize("table", TABLES, ids=lambda table: table or "top level")
def test_every_field_is_documented_with_its_type_and_whether_required(table):
    documented = {
        row["field"]: (row["kind"], row["required"] == "yes")
        for row in ROW.finditer(section(table))
    }
    accepted = {name: (spec.kind, spec.required) for name, spec in TABLES[table].items()}
    assert documented == accepted


def test_every_nested_table_has_a_section():
    nested = {
        f"{parent}.{name}".lstrip(".")
        for parent, fields in TABLES.items()
        for name, spec in fields.items()
        if spec.kind in ("table", "array of tables")
    }
    assert nested == set(TABLES) - {""}
    assert {spec.kind for fields in TABLES.values() for spec in fields.values()} <= set(KINDS)


def documented_tables(table: str, value: dict) -> list[tuple[str, set[str]]]:
    """Every table of a parsed example, by its dotted path, with its field names.

    A ``table of strings`` (such as ``[crosswalk.items]``) is a field's value, not a table of
    the format: its keys are the file's own.
    """
    found = [(table, set(value))]
    for name, child in value.items():
        path = f"{table}.{name}".lstrip(".")
        spec = TABLES.get(table, {}).get(name)
        if spec is not None and spec.kind == "table of strings":
            continue
        for element in child if isinstance(child, list) else [child]:
            if isinstance(element, dict):
                found += documented_tables(path, element)
    return found


def toml_blocks(text: str) -> list[str]:
    """The contents of the fenced TOML blocks of a Markdown text."""
    return [block.split("```")[0] for block in text.split("```toml\n")[1:]]


def test_the_example_is_toml_using_only_accepted_fields():
    example = tomllib.loads(toml_blocks(FORMAT[FORMAT.index("## Example\n") :])[0])
    tables = documented_tables("", example)
    assert {table for table, _ in tables} == set(TABLES)
    for table, fields in tables:
        assert fields <= set(TABLES[table]), table


def test_every_toml_block_is_toml():
    for block in toml_blocks(FORMAT):
        assert tomllib.loads(block)
