"""Aggregate tables as CSV and JSON, with spreadsheet formulas neutralised."""

from __future__ import annotations

import csv
import io
import math
import re

import pandas as pd

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


def table_csv(table: pd.DataFrame) -> str:
    """The table as CSV text, a header row first; every cell made safe, NaN left empty."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    for row in table.itertuples(index=False):
        writer.writerow(["" if _missing(v) else safe_cell(v) for v in row])
    return out.getvalue()


def table_records(table: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts; NaN becomes null."""
    return [
        {key: None if _missing(value) else _plain(value) for key, value in row.items()}
        for row in table.to_dict(orient="records")
    ]


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _plain(value):
    return value.item() if hasattr(value, "item") else value
