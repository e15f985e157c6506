"""No CSV the app writes holds a formula, whatever separator a spreadsheet splits its lines on.

A free-text answer ``x;=1+1`` is one harmless cell to a comma-separated reader, and a formula
cell ``=1+1`` to a spreadsheet set to split on ``;`` (most of Europe). So a cell is neutralised
at its start and after every ``,`` ``;`` tab ``|`` or line break inside it.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from survey.models import Person
from survey.spreadsheet import safe_cell
from tests.auth.helpers import login
from tests.factories import gen_person, gen_response, gen_team, make_world
from tests.reports.helpers import EXPORTS, export

WORDS = ("x;=1+1", "a,=cmd|' /C calc'!A0", "ok\n=1+1", "t\t+A1", "p|@SUM(1)", 'q; "-2+3')
SPLIT = re.compile(r"[,;\t|\r\n]")
FORMULA = ("=", "+", "-", "@")


def formula_fields(text: str) -> list[str]:
    """The fields of ``text``, split on every separator a spreadsheet may use, that a
    spreadsheet would run: starting with a formula character (spaces and quotes dropped), and
    not a plain number."""
    found = []
    for field in SPLIT.split(text.removeprefix("\ufeff")):
        bare = field.lstrip(' "')
        if bare.startswith(FORMULA) and not _number(bare.rstrip('"')):
            found.append(field)
    return found


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def written(*cells) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([safe_cell(cell) for cell in cells])
    return out.getvalue()


@pytest.mark.parametrize("words", WORDS)
def test_safe_cell_leaves_no_formula_after_any_separator(words):
    assert formula_fields(written(words, "next", words)) == []
    assert formula_fields(words) != []  # without it, there would be one


def test_safe_cell_keeps_plain_text_and_numbers():
    for text in ("Global/France", "well-being", "a - b", "2026-11-30 10:00:00", "x, y", ""):
        assert safe_cell(text) == text
    assert [safe_cell(number) for number in (-1, -0.5, 3)] == [-1, -0.5, 3]
    assert safe_cell("=1+1") == "'=1+1"  # the start, as before
    assert safe_cell("\tcmd") == "'\tcmd"


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.text(alphabet=" ,;\t|\r\n\"'=+-@x1", max_size=12), min_size=1, max_size=3))
def test_no_text_leaves_a_formula_in_a_written_line(cells):
    assert formula_fields(written(*cells)) == []


def test_response_exports_hold_no_formula_in_any_field(client, dbs, answered_org):
    wave = answered_org.waves[-1]
    global_team = answered_org.teams["Global"]
    hostile = gen_team(dbs, answered_org.organisation, "x;=1+1 | @team", global_team)
    for words in WORDS:
        for _ in range(answered_org.assessment.min_group_size):
            gen_response(dbs, wave, hostile, words=words)
    login(client, "c@example.com")
    wide = export(client, answered_org, "responses-wide").get_data(as_text=True)
    assert "'=1+1" in wide and "Global/x;'=1+1 |' @team" in wide  # the words and the team are there
    for name in EXPORTS:
        response = export(client, answered_org, name)
        assert formula_fields(response.get_data(as_text=True)) == [], name
    dashboard = f"/dashboard/{answered_org.assessment.id}/{answered_org.teams['Global'].id}"
    for section in ("headline", "heatmap", "ladder", "rates"):
        response = client.get(f"{dashboard}/{section}.csv?wave={wave.id}")
        assert response.status_code == 200, section
        assert formula_fields(response.get_data(as_text=True)) == [], section


def test_the_command_line_links_csv_holds_no_formula(runner, dbs, tmp_path):
    world = make_world(dbs)
    world.teams["France"].name = "France;=1+1"
    gen_person(dbs, world.teams["France"], "a|=cmd@example.com")
    out = tmp_path / "links.csv"
    args = ["invite", "--wave", str(world.wave.id), "--roster", "--csv", str(out)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "a|'=cmd@example.com" in text and "Global/France;'=1+1" in text
    assert formula_fields(text) == []
    assert dbs.scalar(select(Person.email)) == "a|=cmd@example.com"  # stored as given
