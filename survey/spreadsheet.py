"""CSV as the reader's spreadsheet expects it: the separator and the decimal mark of their locale.

A spreadsheet set to French, German or Spanish opens a CSV file on ``;`` and reads ``2,5`` as a
number; one set to English opens it on ``,`` and reads ``2.5``. Every CSV download offers both
and defaults to the reader's language; the choice the reader made last (``/csv-style/<key>``)
is kept in their session. The formula protection of :func:`safe_cell` covers both
separators.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from typing import Any

from flask import request, session

from survey.i18n import language


@dataclass(frozen=True)
class CsvStyle:
    """A CSV separator and the decimal mark that goes with it."""

    key: str
    separator: str
    decimal: str

    def writer(self, out: Any) -> Any:
        """A ``csv.writer`` on ``out`` with this separator."""
        return csv.writer(out, delimiter=self.separator)

    def number(self, value: Any) -> Any:
        """A float written with this decimal mark; anything else as it is. Apply it after
        the formula protection: a negative number made text would look like a formula.

        >>> SEMICOLON.number(2.5), COMMA.number(2.5), SEMICOLON.number(3), SEMICOLON.number("a.b")
        ('2,5', '2.5', 3, 'a.b')
        """
        if isinstance(value, float) and math.isfinite(value):
            text = repr(value) if abs(value) >= 1e-4 or value == 0 else f"{value:.10f}"
            return text.replace(".", self.decimal)
        return value


COMMA = CsvStyle("comma", ",", ".")
SEMICOLON = CsvStyle("semicolon", ";", ",")
STYLES = {style.key: style for style in (COMMA, SEMICOLON)}
SEMICOLON_LANGUAGES = {"fr", "de", "es"}


def default_style(code: str) -> CsvStyle:
    """The style a spreadsheet in language ``code`` expects.

    >>> default_style("de").separator, default_style("en").separator
    (';', ',')
    """
    return SEMICOLON if code in SEMICOLON_LANGUAGES else COMMA


SESSION_KEY = "csv_style"


def requested_style() -> CsvStyle:
    """The style asked for with ``?separator=``, else the one this reader chose, else the one
    of their language."""
    for key in (request.args.get("separator"), session.get(SESSION_KEY)):
        if isinstance(key, str) and key in STYLES:
            return STYLES[key]
    return default_style(language())


def choose_style(key: str) -> bool:
    """Keep ``key`` as this reader's CSV style; False when there is no such style."""
    if key not in STYLES:
        return False
    session[SESSION_KEY] = key
    return True


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Where a spreadsheet may start a new cell inside ours: it may split on any of these, whatever
# separator the file was written with (a ";" locale, a tab or "|" import, a pasted line).
SEPARATORS = ",;\t|\r\n"
# A formula character after optional spaces and quotes, which a spreadsheet may drop.
_FORMULA_AHEAD = r"(?=[\s\"]*[=+\-@])"
_FORMULA_AT_START = re.compile(_FORMULA_AHEAD)
_FORMULA_AFTER_SEPARATOR = re.compile(rf"([{re.escape(SEPARATORS)}]){_FORMULA_AHEAD}")


def safe_cell(value):
    """A value no spreadsheet runs as a formula, whatever separator it splits the line on.

    OWASP's CSV injection advice, for the start of the cell (``= + - @``, tab, CR, also after
    spaces or quotes) and for every place inside it where a spreadsheet splitting on ``,`` ``;``
    tab ``|`` or a line break would start a new cell: an apostrophe goes in front, which makes
    the cell text. Numbers are left as they are.

    >>> safe_cell("=1+1"), safe_cell("x;=1+1"), safe_cell("ok\\n=1+1"), safe_cell("a, -b")
    ("'=1+1", "x;'=1+1", "ok\\n'=1+1", "a,' -b")
    >>> safe_cell("Global/France"), safe_cell("well-being"), safe_cell(-0.5)
    ('Global/France', 'well-being', -0.5)
    """
    if not isinstance(value, str):
        return value
    value = _FORMULA_AFTER_SEPARATOR.sub(r"\1'", value)
    if value.startswith(FORMULA_STARTS) or _FORMULA_AT_START.match(value):
        return "'" + value
    return value
