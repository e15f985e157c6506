"""The report as an Excel workbook: a sheet per section it shows, a codebook and an about sheet.

Everything comes from a :class:`~survey.reports.report.Report`, which has applied the release's
suppression: a sheet holds its section's table, then says what is not shown and why, then the
section's findings; nothing is computed here. Numbers are number cells, rounded as the pages
round them and formatted to show so (rates in whole percent, p-values to three decimals, counts
whole, other numbers to one decimal). Every text goes through
:func:`~survey.spreadsheet.safe_cell`, so that no cell is a formula. openpyxl writes the
workbook in write-only mode, a row at a time.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC

import pandas as pd
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from survey.aggregates.export import COLUMNS, SECTION_COLUMNS, WHOLE
from survey.aggregates.model import Section
from survey.releases.labels import reason_words, shown_value
from survey.reports.report import Report, TeamReport
from survey.spreadsheet import safe_cell

SHEET_NAMES = {
    "headline": _l("Headline"),
    "change": _l("Change"),
    "words": _l("Own words"),
    "trend": _l("Trend"),
    "profile": _l("Profile"),
    "distribution": _l("Distribution"),
    "heatmap": _l("Teams by dimension"),
    "ladder": _l("WHY ladder"),
    "cooperation": _l("Cooperation"),
    "perception": _l("Managers' view"),
}
"""The short name of each section's sheet (a sheet's name has at most 31 characters)."""
NAME_CHARACTERS = 31
NOT_IN_NAMES = re.compile(r"[\[\]:*?/\\]")
FORMATS = {"rate": "0%", "p_value": "0.000"}
"""Number formats of the columns not shown to one decimal; whole numbers show as ``0``."""
BOLD = Font(bold=True)


def report_workbook(report: Report) -> bytes:
    """The ``.xlsx`` file of ``report``, in the current language."""
    book = Workbook(write_only=True)
    taken: set[str] = set()
    about = book.create_sheet(_sheet_name(_("About"), taken))
    _write(about, _about(about, report))
    codebook = []
    for part in report.teams:
        for section, notes in _sections(part):
            short = str(SHEET_NAMES.get(section.key, section.title))
            if len(report.teams) > 1:
                team = part.board.team.name[: max(NAME_CHARACTERS - len(short) - 3, 1)]
                short = f"{team} – {short}"
            sheet = book.create_sheet(_sheet_name(short, taken))
            _write(sheet, _section_rows(sheet, part, section, notes))
            if not section.table.empty:
                labels = COLUMNS | SECTION_COLUMNS.get(section.key, {})
                codebook += [
                    [sheet.title, _label(labels, column), column, labels.get(column, ("", ""))[1]]
                    for column in section.table.columns
                ]
    sheet = book.create_sheet(_sheet_name(_("Codebook"), taken))
    heads = [_("Sheet"), _("Column"), _("Name in the data"), _("Unit")]
    _write(sheet, [[_bold(sheet, head) for head in heads]])
    _write(sheet, ([_text(sheet, value) for value in row] for row in codebook))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sections(part: TeamReport) -> list[tuple[Section, list[str]]]:
    """The sections the report shows for one team, each with the notes it adds to them: the
    team's findings under its headline, how many of the words are listed under the words."""
    board = part.board
    words = board.sections["words"]
    listed, total = words.figures.get("listed", 0), len(words.table)
    first = (
        [_("The first %(limit)s of %(total)s, in random order.", limit=listed, total=total)]
        if total > listed
        else []
    )
    return [
        (board.sections["headline"], list(part.findings)),
        (part.change, []),
        (replace(words, table=words.table.head(listed)), first),
        *((figure.section, []) for figure in part.figures),
    ]


def _section_rows(
    sheet: WriteOnlyWorksheet, part: TeamReport, section: Section, notes: list[str]
) -> list[list]:
    """A section's title, team and wave, its table, then what it does not show and why, its
    findings and ``notes``, one per row."""
    table, board = section.table, part.board
    labels = COLUMNS | SECTION_COLUMNS.get(section.key, {})
    where = (_("Part of the organisation"), board.team.path, _("Wave"), board.wave.name)
    rows = [[_bold(sheet, section.title)], [_text(sheet, value) for value in where], []]
    if table.empty:
        rows.append([_text(sheet, _("Nothing to show yet."))])
    else:
        rows.append([_bold(sheet, _label(labels, column)) for column in table.columns])
        rows += [
            [_value(sheet, column, value) for column, value in zip(table.columns, row, strict=True)]
            for row in table.itertuples(index=False)
        ]
    hidden = [
        _("%(label)s: not shown, %(reason)s.", label=label, reason=reason_words(reason))
        for label, reason in section.hidden
    ]
    return rows + [[]] + [[_text(sheet, line)] for line in [*hidden, *section.findings, *notes]]


def _about(sheet: WriteOnlyWorksheet, report: Report) -> list[list]:
    """What the workbook covers, what it leaves out and why, and how to read it."""
    assessment = report.assessment
    made_on = report.made_on.replace(tzinfo=UTC).astimezone(get_timezone()).date()
    facts = [
        (_("Organisation"), _text(sheet, assessment.organisation.name)),
        (_("Assessment"), _text(sheet, assessment.name)),
        (_("Part of the organisation"), _text(sheet, report.scope)),
        (_("Wave"), _text(sheet, report.wave.name)),
        (_("Previous wave"), _text(sheet, report.previous.name if report.previous else "–")),
        (_("Minimum group size (k)"), _formatted(sheet, report.k, "0")),
        (_("Made on"), _formatted(sheet, made_on, "yyyy-mm-dd")),
    ]
    mode = (
        _("The assessment is anonymous (no answer can be traced to a person).")
        if assessment.mode == "anonymous"
        else _(
            "The assessment is confidential (a pseudonymous key pairs a person's answers across "
            "waves; nobody sees it)."
        )
    )
    suppression = [
        _(
            "No figure rests on fewer than %(k)s people. A group with fewer answers than that in "
            "a wave is not shown, nor is a group that would let a smaller one be worked out by "
            "subtraction (a total minus the groups shown under it). Each sheet says, below its "
            "table, what it does not show and why. Individual answers are never shown.",
            k=report.k,
        ),
        _(
            "People's own words are shown only as word groups pooling the words of "
            "%(threshold)s or more people, without team or date.",
            threshold=report.words_threshold,
        ),
    ]
    reading = [
        _(
            "Each section of the report has a sheet (a sheet per team when the report covers "
            "several); the Codebook sheet says what each column holds."
        ),
        _(
            "Numbers are rounded as the report shows them: response rates in whole percent, "
            "p-values to three decimals, counts whole, other numbers to one decimal."
        ),
    ]
    return [
        [_bold(sheet, _("Mindset Survey · report"))],
        [],
        *([_text(sheet, label), cell] for label, cell in facts),
        [_text(sheet, mode)],
        [],
        [_bold(sheet, _("What is not shown, and why"))],
        *([_text(sheet, line)] for line in suppression),
        [],
        [_bold(sheet, _("How to read this workbook"))],
        *([_text(sheet, line)] for line in reading),
    ]


def _value(sheet: WriteOnlyWorksheet, column: str, value: object) -> WriteOnlyCell:
    """A table's value as the pages show it: a number rounded and formatted as there, yes or
    no, a stored word in the reader's language; missing empty."""
    value = value.item() if hasattr(value, "item") else value
    if value is None or value is pd.NA or (isinstance(value, float) and not math.isfinite(value)):
        return WriteOnlyCell(sheet)
    if isinstance(value, bool):
        return _text(sheet, _("yes") if value else _("no"))
    if isinstance(value, int | float):
        return _formatted(sheet, *rounded(column, value))
    return _text(sheet, shown_value(value, column))


def rounded(column: str, value: int | float) -> tuple[int | float, str]:
    """``value`` rounded as the pages show it in ``column``, and the number format showing so.

    >>> rounded("rate", 0.666), rounded("p_value", 0.04567), rounded("mean", 82.4074)
    ((0.67, '0%'), (0.046, '0.000'), (82.4, '0.0'))
    >>> rounded("n", 16.0), rounded("count", 3), rounded("difference", -1.26)
    ((16, '0'), (3, '0'), (-1.3, '0.0'))
    """
    if isinstance(value, int) or (column in WHOLE and value.is_integer()):
        return int(value), "0"
    return round(value, {"rate": 2, "p_value": 3}.get(column, 1)), FORMATS.get(column, "0.0")


def _label(labels: dict, column: str) -> object:
    return labels[column][0] if column in labels else column.replace("_", " ").capitalize()


def _formatted(sheet: WriteOnlyWorksheet, value: object, number_format: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    cell.number_format = number_format
    return cell


def _text(sheet: WriteOnlyWorksheet, value: object) -> WriteOnlyCell:
    """A text cell: characters a workbook cannot hold dropped, then made safe from formulas."""
    return WriteOnlyCell(sheet, safe_cell(ILLEGAL_CHARACTERS_RE.sub("", str(value))))


def _bold(sheet: WriteOnlyWorksheet, value: object) -> WriteOnlyCell:
    cell = _text(sheet, value)
    cell.font = BOLD
    return cell


def _write(sheet: WriteOnlyWorksheet, rows: Iterable[list]) -> None:
    for row in rows:
        sheet.append(row)


def _sheet_name(wanted: str, taken: set[str]) -> str:
    """``wanted`` as a sheet may be named, unlike every name ``taken`` (Excel ignores case),
    then taken: without ``[]:*?/\\`` or control characters, in 31 characters at most, not
    starting or ending with an apostrophe.

    >>> taken = set()
    >>> _sheet_name("'Global/France: [Change]'", taken), _sheet_name("GLOBAL FRANCE CHANGE", taken)
    ('Global France Change', 'GLOBAL FRANCE CHANGE (2)')
    >>> len(_sheet_name("x" * 40, taken)), _sheet_name("x" * 40, taken)[-6:]
    (31, 'xx (2)')
    """
    bare = " ".join(NOT_IN_NAMES.sub(" ", ILLEGAL_CHARACTERS_RE.sub("", wanted)).split())
    bare = bare.strip(" '") or "-"
    name, number = bare[:NAME_CHARACTERS].rstrip(" '"), 1
    while name.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        name = bare[: NAME_CHARACTERS - len(suffix)].rstrip(" '") + suffix
    taken.add(name.casefold())
    return name
