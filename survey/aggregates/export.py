"""Aggregate tables as CSV and JSON, with spreadsheet formulas neutralised.

Dashboard sections download through :func:`section_table_csv`: readable headers, a second row naming
each column's unit, and values rounded as the page shows them.
"""

from __future__ import annotations

import io
import math

import pandas as pd
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from survey.releases.dimensions import COLUMNS as DIMENSION_COLUMNS
from survey.releases.payload import SUMMARY_COLUMNS
from survey.releases.read import HEATMAP_COLUMNS, PERCEPTION_COLUMNS, RATE_COLUMNS
from survey.spreadsheet import COMMA, CsvStyle, safe_cell


def table_csv(table: pd.DataFrame, style: CsvStyle = COMMA) -> str:
    """The table as CSV text, a header row first; every cell made safe, NaN left empty; with
    ``style``'s separator and decimal mark."""
    out = io.StringIO()
    writer = style.writer(out)
    writer.writerow(table.columns)
    for row in table.itertuples(index=False):
        writer.writerow(["" if _missing(v) else style.number(safe_cell(_plain(v))) for v in row])
    return out.getvalue()


PEOPLE = _l("people")
POINTS = _l("points (0 to 100)")
CHANGE = _l("points")
TEXT = _l("text")
COLUMNS: dict[str, tuple[str, str]] = {
    "group": (_l("Team"), TEXT),
    "wave": (_l("Wave"), TEXT),
    "measure": (_l("Measure"), TEXT),
    "dimension": (_l("Dimension"), TEXT),
    "n": (_l("Answers"), PEOPLE),
    "mean": (_l("Mean"), POINTS),
    "sd": (_l("Standard deviation"), CHANGE),
    "ci_low": (_l("95% interval from"), CHANGE),
    "ci_high": (_l("95% interval to"), CHANGE),
    "test": (_l("Test"), TEXT),
    "against": (_l("Compared with"), TEXT),
    "n_team": (_l("Answers in the team"), PEOPLE),
    "n_other": (_l("Answers compared with"), PEOPLE),
    "n_before": (_l("Answers before"), PEOPLE),
    "n_after": (_l("Answers now"), PEOPLE),
    "pairs": (_l("People who answered both waves"), PEOPLE),
    "mean_before": (_l("Mean before"), POINTS),
    "mean_after": (_l("Mean now"), POINTS),
    "difference": (_l("Change"), CHANGE),
    "hedges_g": (_l("Effect size (Hedges' g)"), _l("standard deviations")),
    "detectable": (_l("Change detectable at this size"), CHANGE),
    "p_value": (_l("p-value"), _l("probability (0 to 1)")),
    "verdict": (_l("In words"), TEXT),
    "reliable_change_threshold": (_l("Reliable change for one person"), CHANGE),
    "reliably_towards_purpose": (_l("Moved reliably towards purpose"), PEOPLE),
    "reliably_towards_contractual": (_l("Moved reliably towards contractual"), PEOPLE),
    "no_reliable_change": (_l("No reliable change"), PEOPLE),
    "reliable_change_note": (_l("Reliable change not computed because"), TEXT),
    "why_not_paired": (_l("Not paired because"), TEXT),
    "waves": (_l("Waves"), _l("waves")),
    "answers": (_l("Answers"), _l("answers")),
    "per_wave": (_l("Change per wave"), _l("points per wave")),
    "bin_start": (_l("From"), POINTS),
    "bin_end": (_l("To"), POINTS),
    "count": (_l("Count"), PEOPLE),
    "rung": (_l("Ladder ends at"), TEXT),
    "from_group": (_l("Helped"), TEXT),
    "to_group": (_l("Was helped"), TEXT),
    "invited": (_l("Invited"), _l("invitations")),
    "reps": (_l("Reps answered"), PEOPLE),
    "managers": (_l("Managers answered"), PEOPLE),
    "answered": (_l("Answered in all"), PEOPLE),
    "rate": (_l("Response rate"), _l("percent of invited")),
    "manager_score": (_l("Managers' view of the team"), POINTS),
    "manager_self_view": (_l("Managers' view of themselves"), POINTS),
    "team_mean": (_l("Team's own answers"), POINTS),
    "gap": (_l("Gap (managers minus team)"), CHANGE),
    "outside_interval": (_l("Managers' view outside the team's 95% interval"), _l("yes or no")),
    "words": (_l("Words"), TEXT),
    "category": (_l("Category"), TEXT),
}
"""Each dashboard column's header and unit in a CSV, as the page's tables label them."""
SECTION_COLUMNS: dict[str, dict[str, tuple[str, str]]] = {
    "cooperation": {"count": (_l("Times help was reported"), _l("reports"))},
    "dimensions": {
        "difference": (_l("Difference (team minus the other; now minus before)"), CHANGE)
    },
}
"""Where a section's column means something else than :data:`COLUMNS` says."""
HIDDEN_COLUMNS: dict[str, list[str]] = {
    "headline": SUMMARY_COLUMNS,
    "distribution": ["group", "bin_start", "bin_end", "count"],
    "heatmap": HEATMAP_COLUMNS,
    "cooperation": ["from_group", "to_group", "count"],
    "perception": PERCEPTION_COLUMNS,
    "rates": RATE_COLUMNS,
    "trend": ["group", "wave", "n", "mean", "sd", "ci_low", "ci_high"],
    "trend_test": ["group", "waves", "answers", "per_wave", "ci_low", "ci_high", "p_value"],
    "profile": ["wave", "dimension", "n", "mean", "sd", "ci_low", "ci_high"],
    "change": ["group", "n_before", "n_after", "difference", "ci_low", "ci_high", "p_value"],
    "dimensions": DIMENSION_COLUMNS,
    "ladder": ["wave", "rung", "count"],
    "words": ["words", "category"],
}
"""The columns a section's CSV has when the section shows nothing (hidden or empty)."""
WHOLE = {
    "n",
    "n_before",
    "n_after",
    "n_team",
    "n_other",
    "pairs",
    "reliably_towards_purpose",
    "reliably_towards_contractual",
    "no_reliable_change",
    "waves",
    "answers",
    "bin_start",
    "bin_end",
    "count",
    "invited",
    "reps",
    "managers",
    "answered",
}


def section_table_csv(key: str, table: pd.DataFrame, style: CsvStyle = COMMA) -> str:
    """A dashboard section as CSV: readable headers, then a row naming each column's unit, then
    the values rounded as the page shows them; only the two header rows when it shows nothing.
    ``style`` is the separator and decimal mark (survey.spreadsheet).

    >>> rates = pd.DataFrame({"group": ["=Paris"], "rate": [0.666]})
    >>> section_table_csv("rates", rates).splitlines()
    ['Team,Response rate', 'text,percent of invited', "'=Paris,67"]
    """
    columns = list(table.columns) if len(table.columns) else HIDDEN_COLUMNS.get(key, [])
    described = COLUMNS | SECTION_COLUMNS.get(key, {})
    heads = [
        described.get(column, (column.replace("_", " ").capitalize(), "")) for column in columns
    ]
    out = io.StringIO()
    writer = style.writer(out)
    writer.writerow([safe_cell(str(label)) for label, _unit in heads])
    writer.writerow([safe_cell(str(unit)) for _label, unit in heads])
    for row in table.itertuples(index=False):
        writer.writerow(
            [
                style.number(safe_cell(_shown(column, value)))
                for column, value in zip(columns, row, strict=True)
            ]
        )
    return out.getvalue()


def _shown(column: str, value):
    """A value as the page's tables show it: rates in whole percent, p-values to 3 decimals,
    counts whole, other numbers to 1 decimal, yes or no; missing empty."""
    if _missing(value):
        return ""
    value = _plain(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if not isinstance(value, float):
        return value
    if column == "rate":
        return round(value * 100)
    if column == "p_value":
        return round(value, 3)
    if column in WHOLE and value.is_integer():
        return int(value)
    return round(value, 1)


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
