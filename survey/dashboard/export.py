"""Aggregate tables as CSV and JSON, with spreadsheet formulas neutralised."""

from __future__ import annotations

import csv
import io
import math

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A value a spreadsheet will not run as a formula (OWASP CSV injection advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def table_csv(table: pd.DataFrame) -> str:
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
