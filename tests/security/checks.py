"""What a page, a JSON answer or a CSV file must not contain when its data is hostile."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from html.parser import HTMLParser

from tests.security.pages import Fetched

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
SCRIPT_URL = "javascript:alert(1)"
CLOSE_SCRIPT = "</script><script>alert(1)</script>"  # breaks out of a JSON-in-script block

INJECTIONS = (
    "' OR '1'='1",
    "1; DROP TABLE response",
    "1 UNION SELECT NULL, NULL--",
    '" OR ""="',
    "1' AND SLEEP(0)='",
    "%' OR 1=1 --",
    "\\'; --",
    "_%",
    "ünïcødé 𝔘 ضع 😀",
)
NUMBERS = (
    "0",
    "2147483648",  # one past PostgreSQL's INTEGER
    "9223372036854775808",  # one past a 64-bit integer
    "99999999999999999999999999999999",
    "٣",  # an Arabic-Indic digit: a digit to Python's int()
)

# Markup that is live only when a payload was inserted unescaped (compared without case).
LIVE_MARKUP = ("<script>alert(1)", "<img src=x", "<img/src=x", "<svg onload", "<b onmouseover")
UNSAFE_URL = re.compile(r"^\s*(javascript|vbscript|data:text/html)", re.IGNORECASE)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What a database error or a stack trace would show.
DATABASE_TEXT = re.compile(
    r"sqlite3|psycopg|sqlalchemy|Traceback \(most recent call last\)|OperationalError|"
    r"ProgrammingError|DataError|IntegrityError|syntax error at or near|\[SQL:",
    re.IGNORECASE,
)
SQL_TEXT = re.compile(r"\bSELECT\s+[\w.,\s*()\"]+?\s+FROM\s+\w+")  # as SQLAlchemy writes it


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.json_blocks: list[str] = []
        self._in_json: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name.lower(): value or "" for name, value in attrs}
        for name, value in attributes.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag}> has an event handler {name}={value!r}")
            if name in URL_ATTRIBUTES and UNSAFE_URL.match(value):
                self.problems.append(f"<{tag}> has {name}={value!r}")
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"a <{tag}> element")
        if tag == "meta" and "http-equiv" in attributes:
            self.problems.append(f"<meta http-equiv={attributes['http-equiv']!r}>")
        if tag == "script":
            if attributes.get("type") == "application/json":
                self._in_json = ""
            elif not attributes.get("src", "").startswith("/static/"):
                self.problems.append(f"a <script> that is neither JSON nor static: {attributes}")

    def handle_data(self, data: str) -> None:
        if self._in_json is not None:
            self._in_json += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_json is not None:
            self.json_blocks.append(self._in_json)
            self._in_json = None


def html_problems(body: str) -> tuple[list[str], list[str]]:
    """Live markup in an HTML page, and the page's JSON-in-script blocks."""
    inspector = _Inspector()
    inspector.feed(body)
    inspector.close()
    problems = list(inspector.problems)
    lowered = body.lower()
    problems += [f"raw {marker!r}" for marker in LIVE_MARKUP if marker in lowered]
    for block in inspector.json_blocks:
        if "<" in block:
            problems.append(f"a JSON block holds '<': {block[:120]!r}")
        try:
            json.loads(block)
        except ValueError:
            problems.append(f"a JSON block does not parse: {block[:120]!r}")
    return problems, inspector.json_blocks


def csv_problems(body: str) -> list[str]:
    """Cells a spreadsheet would run as a formula (numbers such as -0.4 are fine)."""
    problems = []
    for row in csv.reader(io.StringIO(body.removeprefix("\ufeff"))):
        for cell in row:
            if cell.startswith(FORMULA_STARTS) and not _number(cell):
                problems.append(f"formula cell {cell!r}")
    return problems


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def problems_of(page: Fetched) -> list[str]:
    """Everything wrong with one fetched page, download or JSON answer."""
    problems = []
    if page.status >= 500:
        problems.append(f"status {page.status}")
    if page.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if page.mimetype == "text/html":
        problems += html_problems(page.body)[0]
    elif page.mimetype == "text/csv":
        if not page.headers.get("Content-Disposition", "").startswith("attachment"):
            problems.append("a CSV shown inline rather than downloaded")
        problems += csv_problems(page.body)
    elif page.mimetype == "application/json":
        try:
            json.loads(page.body)
        except ValueError:
            problems.append("JSON that does not parse")
    else:
        problems.append(f"unexpected content type {page.mimetype!r}")
    return problems


def shown_text(page: Fetched) -> str:
    """What a reader of the page sees: HTML unescaped, JSON decoded, CSV as is."""
    if page.mimetype == "text/html":
        blocks = html_problems(page.body)[1]
        decoded = [json.dumps(json.loads(block), ensure_ascii=False) for block in blocks]
        return "\n".join([html.unescape(page.body), *decoded])
    if page.mimetype == "application/json":
        return json.dumps(json.loads(page.body), ensure_ascii=False)
    return page.body


def database_text(body: str) -> list[str]:
    """Traces of a database error or a stack trace in a response body."""
    return DATABASE_TEXT.findall(body) + SQL_TEXT.findall(body)
