"""Reading a roster CSV: bytes in, rows and line-numbered errors out; no Flask, no database.

A roster has three columns, in any order and with headers in any case: the team path
(``Global/France/South-West``), the e-mail and the role (``rep`` or ``manager``), and may have a
fourth, the language (a code of ``survey.i18n.LANGUAGES``; empty: the person's browser decides).
Files come
from spreadsheets as they save them: UTF-8 with or without a byte-order mark, UTF-16 ("Unicode
text"), Latin-1 or Windows-1252; commas, semicolons or tabs; CRLF, LF or CR line ends; blank
lines anywhere. Any error in the file is reported with its line number, and a file with errors
imports nothing.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from survey.clients.names import MAX_TEAM_DEPTH, PATH_SEPARATOR, team_name_problem
from survey.i18n import LANGUAGES, number
from survey.models.people import ROSTER_ROLES, checked_email

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
DELIMITERS = (",", ";", "\t")
# Header spellings, compared without case, spaces, dashes or underscores.
COLUMNS = {
    "team": ("teampath", "team", "path"),
    "email": ("email", "emailaddress", "mail"),
    "role": ("role",),
    "language": ("language", "lang"),
}
COLUMN_NAMES = {"team": "team path", "email": "e-mail", "role": "role", "language": "language"}
OPTIONAL = ("language",)  # columns a roster may leave out
ZIP_MAGIC = b"PK\x03\x04"
EMPTY = _l(
    "The file is empty. It needs a header line (team path, e-mail, role) and one line per person."
)


@dataclass(frozen=True)
class RosterRow:
    """One person: the file line they came from, their team path, e-mail and role, and their
    language: a code of ``LANGUAGES``, ``""`` for an empty cell (their browser decides), or
    ``None`` when the file has no language column (the roster's language is left as it is)."""

    line: int
    path: tuple[str, ...]
    email: str
    role: str
    language: str | None = None

    @property
    def path_text(self) -> str:
        return PATH_SEPARATOR.join(self.path)


@dataclass(frozen=True)
class RosterError:
    """A problem at a line of the file (``None`` for the file as a whole)."""

    line: int | None
    message: str


@dataclass
class ParsedRoster:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RosterError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the file can be imported (a file without errors has at least one person)."""
        return not self.errors


def parse_roster(data: bytes, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> ParsedRoster:
    """Read a roster file.

    Parameters
    ----------
    data
        The file as uploaded.
    max_bytes, max_rows
        Larger files and files with more people are refused as a whole.

    Returns
    -------
    ParsedRoster
        The rows (e-mails in lower case, roles in lower case, path parts trimmed) and the
        errors, each with the line it was found on. Blank lines are skipped.

    Examples
    --------
    >>> parsed = parse_roster(b"E-mail;Team path;Role\\r\\nA@x.org;Global/Paris;rep\\r\\n")
    >>> parsed.rows[0].email, parsed.rows[0].path
    ('a@x.org', ('Global', 'Paris'))
    """
    if len(data) > max_bytes:
        return _refused(
            _(
                "The file is %(size)s, more than the %(limit)s a roster may have. Split it into "
                "smaller files.",
                size=_megabytes(len(data)),
                limit=_megabytes(max_bytes),
            )
        )
    if data.startswith(ZIP_MAGIC):
        return _refused(
            _(
                "This is a spreadsheet workbook, not a CSV file. Save it as CSV (comma or "
                "semicolon separated) and upload that."
            )
        )
    text = decode(data)
    if "\x00" in text:
        return _refused(_("This is not a text file. Save the roster as CSV and upload that."))
    if not text.strip():
        return _refused(str(EMPTY))
    return _parse_text(text, max_rows)


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252.

    Bytes that are not UTF-8 are read as Windows-1252, which Excel writes on Western
    systems; the five bytes that code page leaves undefined are read as Latin-1.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    data = data.removeprefix(codecs.BOM_UTF8)
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def sniff_delimiter(header: str) -> str:
    """The separator used most in the header line: comma, semicolon or tab (comma on a tie)."""
    return max(DELIMITERS, key=header.count)


def _parse_text(text: str, max_rows: int) -> ParsedRoster:
    first = next(line for line in text.splitlines() if line.strip()).strip()
    # Excel may start a CSV with "sep=;" to name the separator.
    named = first[4:] if first.lower().startswith("sep=") and len(first) == 5 else None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=named or sniff_delimiter(first))
    parsed = ParsedRoster()
    header: dict[str, int] | None = None
    width = 0
    seen: dict[str, int] = {}
    people = 0
    last_line = 0
    try:
        for cells in reader:
            line, last_line = last_line + 1, reader.line_num
            cells = [cell.strip() for cell in cells]
            if not any(cells):
                continue
            if named:  # the "sep=" line itself
                named = None
                continue
            if header is None:
                header, width = _header(cells, line, parsed.errors), len(cells)
                if header is None:
                    return parsed
                continue
            people += 1
            if people > max_rows:
                return _refused(
                    _(
                        "The file has more than %(max)s people. Split it into smaller files.",
                        max=number(max_rows),
                    )
                )
            _read_row(cells, line, header, width, seen, parsed)
    except csv.Error as error:
        parsed.errors.append(
            RosterError(last_line + 1, _("This line cannot be read: %(error)s.", error=error))
        )
        return parsed
    if header is None:
        return _refused(str(EMPTY))
    if not people:
        parsed.errors.append(
            RosterError(None, _("The file has a header but nobody in it: add one line per person."))
        )
    return parsed


def _header(cells: list[str], line: int, errors: list[RosterError]) -> dict[str, int] | None:
    """Where each column is, from the header cells; ``None`` (with errors) if one is missing."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = re.sub(r"[\s_\-]+", "", cell.lstrip("\ufeff").casefold())
        for column, spellings in COLUMNS.items():
            if key in spellings:
                if column in found:
                    errors.append(
                        RosterError(
                            line,
                            _(
                                "The column %(column)s appears twice.",
                                column=COLUMN_NAMES[column],
                            ),
                        )
                    )
                found[column] = index
    missing = [
        COLUMN_NAMES[column] for column in COLUMNS if column not in found and column not in OPTIONAL
    ]
    if missing:
        errors.append(
            RosterError(
                line,
                ngettext(
                    "The header lacks the column %(columns)s. The first line must name the "
                    "columns team path, e-mail and role (in any order), separated by commas or "
                    "semicolons.",
                    "The header lacks the columns %(columns)s. The first line must name the "
                    "columns team path, e-mail and role (in any order), separated by commas or "
                    "semicolons.",
                    len(missing),
                    columns=", ".join(missing),
                ),
            )
        )
    return None if errors else found


def _read_row(
    cells: list[str],
    line: int,
    header: dict[str, int],
    width: int,
    seen: dict[str, int],
    parsed: ParsedRoster,
) -> None:
    if any(cells[width:]):
        parsed.errors.append(
            RosterError(
                line,
                _(
                    "This line has %(cells)s cells but the header has %(width)s; put values "
                    "that contain the separator in double quotes.",
                    cells=len(cells),
                    width=width,
                ),
            )
        )
        return
    cells = cells + [""] * (width - len(cells))
    problems: list[str] = []
    path = _path(cells[header["team"]], problems)
    email = _email(cells[header["email"]], problems)
    role = _role(cells[header["role"]], problems)
    language = _language(cells[header["language"]], problems) if "language" in header else None
    if email in seen:
        problems.append(
            _("The e-mail %(email)s is also on line %(line)s.", email=email, line=seen[email])
        )
    elif email:
        seen[email] = line
    if problems:
        parsed.errors.extend(RosterError(line, problem) for problem in problems)
    else:
        parsed.rows.append(RosterRow(line, path, email, role, language))


def _path(text: str, problems: list[str]) -> tuple[str, ...]:
    if not text:
        problems.append(_("The team path is missing."))
        return ()
    parts = tuple(part.strip() for part in text.split(PATH_SEPARATOR))
    if len(parts) > MAX_TEAM_DEPTH:
        problems.append(
            _(
                "The team path starting %(start)s has %(levels)s levels; a team path has at "
                "most %(max)s.",
                start=repr(text[:60]),
                levels=number(len(parts)),
                max=MAX_TEAM_DEPTH,
            )
        )
        return ()
    if not all(parts):
        problems.append(
            _(
                "The team path %(path)s has an empty part ('//', or '/' at an end).",
                path=repr(text),
            )
        )
        return ()
    for part in parts:
        problem = team_name_problem(part)
        if problem:
            problems.append(
                _("In the team path %(path)s: %(problem)s", path=repr(text), problem=problem)
            )
            return ()
    return parts


def _email(text: str, problems: list[str]) -> str:
    email, problem = checked_email(text)
    if problem:
        problems.append(problem)
    return email


def _role(text: str, problems: list[str]) -> str:
    role = text.lower()
    if role not in ROSTER_ROLES:
        problems.append(
            _("The role is missing; write rep or manager.")
            if not text
            else _("The role %(role)s is unknown; write rep or manager.", role=repr(text))
        )
    return role


def _language(text: str, problems: list[str]) -> str:
    """A language code in lower case, or ``""`` for an empty cell."""
    code = text.lower()
    if code and code not in LANGUAGES:
        problems.append(
            _(
                "The language %(language)s is unknown; write one of %(codes)s, or leave it "
                "empty to let the person's browser decide.",
                language=repr(text),
                codes=", ".join(LANGUAGES),
            )
        )
    return code


def _refused(message: str) -> ParsedRoster:
    return ParsedRoster(errors=[RosterError(None, message)])


def _megabytes(size: int) -> str:
    return _("%(size)s MB", size=number(size / (1024 * 1024), 1))
