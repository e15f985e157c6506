"""The files of the report and exports pages: their titles and their kinds of job.

Apart from the code that makes the files (``survey.reports.jobs`` imports it when a job runs),
so that registering the kinds of job at start, and the jobs pages that name them, load no
analysis or document library (README, *Workers*).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class CsvExport:
    """A response-level CSV export as the exports page offers it (its rows:
    ``survey.reports.export_csv.FORMATS``)."""

    name: str
    title: object
    description: object


CSV_EXPORTS = {
    export.name: export
    for export in (
        CsvExport(
            "responses-long",
            _l("Responses, long"),
            _l(
                "One row per response and question: each statement's raw answer (1 to 7, before "
                "reverse keying), each rung of the WHY ladder with its words, each team helped."
            ),
        ),
        CsvExport(
            "responses-wide",
            _l("Responses, wide"),
            _l(
                "One row per response: a column per statement (raw answers), the WHY ladder's "
                "rungs and words, the teams that helped and were helped."
            ),
        ),
        CsvExport(
            "scores",
            _l("Scores per respondent"),
            _l(
                "One row per response: the mindset index and the six dimensions, each from 0 "
                "(contractual) to 100 (purpose-driven); blank where too few statements were "
                "answered."
            ),
        ),
    )
}
REPORT_KIND = "report_pdf"
WORKBOOK_KIND = "report_xlsx"
DECK_KIND = "report_pptx"
AGGREGATES = "aggregates"
# One kind per export, so that the jobs pages say which file is being made.
EXPORT_KINDS = {name: f"export_{name}" for name in [*CSV_EXPORTS, AGGREGATES]}
EXPORT_TITLES = {
    **{name: export.title for name, export in CSV_EXPORTS.items()},
    AGGREGATES: _l("Aggregates per team and wave"),
}
# Files for statistics programs: name -> (job kind, title, file kind and extension, type).
ANALYSIS_FILES = {
    "spss": ("export_spss", _l("Responses for SPSS"), "spss.sav", "application/x-spss-sav"),
    "r": ("export_r", _l("Responses for R"), "r.zip", "application/zip"),
}
