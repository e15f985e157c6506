"""CSV as the reader's spreadsheet expects it: the separator and the decimal mark of their locale.

A spreadsheet set to French, German or Spanish opens a CSV file on ``;`` and reads ``2,5`` as a
number; one set to English opens it on ``,`` and reads ``2.5``. Every CSV download offers both
and defaults to the reader's language; the choice the reader made last (``/csv-style/<key>``)
is kept in their session. The formula protection of :func:`survey.aggregates.export.safe_cell`
covers both separators.
"""

from __future__ import annotations

import csv
import math
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
