"""The report as an Excel workbook: its sections, a codebook and an about sheet, numbers as
numbers rounded as the page shows them, nothing a smaller group than k could be read from, and
no formula whatever the names and words hold; asked for and audited like the PDF."""

from __future__ import annotations

import html
import io
import re

from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from survey.models import AuditEvent, Job
from survey.reports.workbook import SHEET_NAMES
from tests.auth.helpers import login
from tests.factories import gen_response, gen_team, gen_wave
from tests.reports.helpers import ask, base, made

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HOSTILE_TEAM = "=cmd|' /C calc'!A0"
HOSTILE_WORDS = '=HYPERLINK("x")'
SECTIONS = ("headline", "change", "words")  # each team's, whatever its figures


def workbook(client, org, query: str = "") -> Workbook:
    """The report's workbook (``query``: ``?team=...&wave=...``), made by its job."""
    _page, response = made(client, f"{base(org)}/report.xlsx{query}")
    assert response.status_code == 200 and response.mimetype == XLSX
    return load_workbook(io.BytesIO(response.data))


def texts(book: Workbook) -> list[str]:
    """Every text cell's value."""
    return [
        cell.value
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]


def table(sheet, first_header: str) -> list[dict]:
    """The rows of the sheet's table, by header, as cells."""
    rows = list(sheet.iter_rows())
    start = next(i for i, row in enumerate(rows) if row[0].value == first_header)
    heads = [cell.value for cell in rows[start]]
    body = []
    for row in rows[start + 1 :]:
        if row[0].value is None:
            break
        body.append(dict(zip(heads, row, strict=False)))
    return body


def test_the_workbook_has_a_sheet_per_section_of_each_team_a_codebook_and_about(
    client, answered_org
):
    login(client, "c@example.com")
    page, response = made(client, f"{base(answered_org)}/report.xlsx")
    assert "Report workbook (Excel)" in page
    name = "acme-solar-mindset-2026-autumn-report.xlsx"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    book = load_workbook(io.BytesIO(response.data))
    names = book.sheetnames
    assert names[0] == "About" and names[-1] == "Codebook"
    for team in ("Global", "Product"):  # the top teams, as in the report
        for key in (*SECTIONS, "trend", "profile"):
            assert f"{team} – {SHEET_NAMES[key]}" in names
    assert not any(name.startswith(("France", "Spain", "Paris")) for name in names)
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True) if row[0]}
    assert about["Organisation"] == "Acme Solar" and about["Assessment"] == "Mindset 2026"
    assert about["Wave"] == "Autumn" and about["Previous wave"] == "Spring"
    assert about["Minimum group size (k)"] == 5
    assert any("worked out by subtraction" in text for text in about)
    codebook = table(book["Codebook"], "Sheet")
    headline = {row["Name in the data"].value for row in codebook if row["Sheet"].value == names[1]}
    assert headline == {"measure", "n", "mean", "sd", "ci_low", "ci_high"}


def test_numbers_are_number_cells_rounded_and_formatted_as_on_the_page(client, answered_org):
    login(client, "c@example.com")
    query = f"?team={answered_org.teams['Global'].id}&wave={answered_org.waves[-1].id}"
    book = workbook(client, answered_org, query)
    assert "Headline" in book.sheetnames  # one team: the sections' own names
    rows = table(book["Headline"], "Measure")
    page = client.get(f"{base(answered_org)}/report{query}").get_data(as_text=True)
    for row in rows:
        answers, mean = row["Answers"], row["Mean"]
        assert answers.data_type == "n" and answers.number_format == "0"
        assert answers.value == 16
        assert mean.data_type == "n" and mean.number_format == "0.0"
        assert mean.value == round(mean.value, 1)
        assert f"<td>{mean.value:.1f}</td>" in page  # the number the page shows
    assert rows[0]["Measure"].value == "Mindset index"
    change = table(book["Change"], "Team")
    assert change[0]["Change"].data_type == "n" and change[0]["Change"].number_format == "0.0"


def test_no_group_under_k_shows_and_every_hidden_part_says_why_as_the_report_does(
    client, answered_org
):
    login(client, "c@example.com")
    book = workbook(client, answered_org)
    page = html.unescape(client.get(f"{base(answered_org)}/report").get_data(as_text=True))
    hidden = [text for text in texts(book) if ": not shown, " in text]
    assert "Spain: not shown, fewer than 5 answers." in hidden
    assert any(line.startswith("France: not shown, hidden together with Spain") for line in hidden)
    for line in hidden:
        assert line in page
    for sheet in book:
        for row in sheet.iter_rows():
            named = any(
                isinstance(cell.value, str) and re.search(r"\b(Spain|France|Paris)\b", cell.value)
                for cell in row
            )
            numbers = [cell for cell in row if isinstance(cell.value, int | float)]
            assert not (named and numbers), sheet.title


def test_hostile_names_and_words_make_no_formula_cell(client, dbs, answered_org):
    hostile = gen_team(dbs, answered_org.organisation, HOSTILE_TEAM, None)
    for wave in answered_org.waves:
        for _person in range(10):  # as many as the words threshold
            gen_response(dbs, wave, hostile, steps=[(HOSTILE_WORDS, "customers")])
    login(client, "c@example.com")
    book = workbook(client, answered_org)
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    written = texts(book)
    assert f"'{HOSTILE_WORDS}" in written and f"'{HOSTILE_TEAM}" in written
    assert not any(text.startswith(("=", "+", "-", "@")) for text in written)
    assert any(name.startswith("=cmd|' C calc'!A0 – ") for name in book.sheetnames)


def test_managers_get_404_and_every_download_is_audited(app, client, dbs, answered_org):
    url = f"{base(answered_org)}/report.xlsx"
    manager = app.test_client()
    login(manager, "g@example.com")
    assert ask(manager, url).status_code == 404
    assert dbs.scalars(select(Job).where(Job.kind == "report_xlsx")).all() == []
    login(client, "c@example.com")
    assert client.get(url).status_code == 405
    report = client.get(f"{base(answered_org)}/report").get_data(as_text=True)
    assert f'<form method="post" action="{url}?wave=' in report and "Download as Excel" in report
    workbook(client, answered_org)
    job = dbs.scalar(select(Job).where(Job.kind == "report_xlsx"))
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "report.download"))
    assert event.user_email == "c@example.com"
    assert event.details == {
        "job": job.id,
        "team_id": None,
        "wave_id": answered_org.waves[-1].id,
        "format": "xlsx",
    }


def test_a_wave_without_released_results_fails_with_a_reason(client, dbs, answered_org):
    winter = gen_wave(dbs, answered_org.assessment, name="Winter")
    login(client, "c@example.com")
    asked = ask(client, f"{base(answered_org)}/report.xlsx?wave={winter.id}")
    page = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert 'status-failed">failed<' in page and "Winter has no released results yet" in page
