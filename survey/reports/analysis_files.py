"""Responses for statistics programs: an SPSS ``.sav`` with its labels, and a bundle for R.

Both hold the rows of the CSV exports (the same responses, pseudonyms, team coarsening and
left-out teams, :mod:`survey.reports.exports`), one row per response, in the columns of
:func:`survey.reports.codebook.codebook`: identity, raw answers (before reverse keying), the WHY
ladder, the teams helped, then the mindset index and dimension scores as the scores export
computes them (``survey.aggregates.loading.score_matrix``, rounded to 2 decimals).

The rows are read a chunk at a time into one table, then written at once: the table, and the
memory it takes, grow with the number of responses.
"""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from survey.aggregates.loading import score_matrix
from survey.reports.codebook import (
    CODEBOOK_COLUMNS,
    NOT_APPLICABLE,
    REVERSED,
    TEXT,
    VALUES_COLUMNS,
    Variable,
    codebook,
    codebook_rows,
    value_rows,
)
from survey.reports.export_csv import SCORE_DECIMALS, text
from survey.reports.exports import Chunk, ExportPlan, exported_chunks, exported_count

SPSS_LABEL_CHARACTERS = 255  # longer variable labels are cut (the format's limit is 256 bytes)
READ_R = Path(__file__).with_name("read.R")


def response_table(
    engine: Engine, plan: ExportPlan, progress: Callable[..., None]
) -> tuple[pd.DataFrame, list[Variable]]:
    """The plan's responses, one row each, and their variables (the table's columns).

    Text is as stored (no formula guard: see :func:`r_bundle`); a "does not apply" answer is
    ``NOT_APPLICABLE``, other missing numbers NaN. Read through a session of its own, so that
    ``progress`` may commit the caller's.
    """
    variables = codebook(plan)
    parts = []
    with Session(engine) as session:
        total = exported_count(session, plan)
        progress(0, total)
        done = 0
        for chunk in exported_chunks(session, plan):
            parts.append(_chunk_table(plan, chunk, variables))
            done += len(chunk.responses)
            progress(done)
    names = [variable.name for variable in variables]
    table = pd.concat(parts, ignore_index=True) if parts else _empty(variables)
    progress(total)
    return table[names], variables


def _chunk_table(plan: ExportPlan, chunk: Chunk, variables: list[Variable]) -> pd.DataFrame:
    questionnaire = plan.questionnaire
    columns: dict[str, object] = {"row_id": [r.row_id for r in chunk.responses]}
    if plan.confidential:
        columns["pseudonym"] = [r.pseudonym for r in chunk.responses]
    columns["wave"] = [r.wave for r in chunk.responses]
    columns["team"] = [r.team for r in chunk.responses]
    for position, item in enumerate(questionnaire.items):
        answers = chunk.answers[:, position].copy()
        if item.not_applicable:
            answers[np.isnan(answers)] = NOT_APPLICABLE
        columns[item.id] = answers
    rungs = questionnaire.ladder.max_rungs if questionnaire.ladder else 0
    for position in range(rungs):
        rung = [
            r.ladder[position] if position < len(r.ladder) else (None, None)
            for r in chunk.responses
        ]
        columns[f"why_{position + 1}"] = [target for target, _words in rung]
        columns[f"why_{position + 1}_words"] = [words for _target, words in rung]
    columns["help_received"] = ["; ".join(r.help_received) or None for r in chunk.responses]
    columns["help_given"] = ["; ".join(r.help_given) or None for r in chunk.responses]
    index, dimensions = score_matrix(chunk.answers, questionnaire)
    columns["mindset_index"] = np.round(index, SCORE_DECIMALS)
    for position, dimension in enumerate(questionnaire.dimensions):
        columns[dimension.key] = np.round(dimensions[:, position], SCORE_DECIMALS)
    return pd.DataFrame(columns)


def _rung(ladder: list[tuple[str, str | None]], position: int) -> tuple[str | None, str | None]:
    return ladder[position] if position < len(ladder) else (None, None)


def _empty(variables: list[Variable]) -> pd.DataFrame:
    return pd.DataFrame(
        {v.name: pd.Series(dtype=object if v.type == TEXT else float) for v in variables}
    )


def sav_file(table: pd.DataFrame, variables: list[Variable], title: str) -> bytes:
    """The table as an SPSS ``.sav``: variable labels (an item's wording, "[reverse-keyed]"
    after an item keyed towards the contractual pole), value labels, user-missing codes and
    measurement levels."""
    labels = {}
    for variable in variables:
        label = variable.label
        if variable.keyed == REVERSED:
            label = f"{label} [reverse-keyed]"
        labels[variable.name] = label[:SPSS_LABEL_CHARACTERS]
    with tempfile.TemporaryDirectory(prefix="survey-sav-") as folder:
        path = Path(folder) / "responses.sav"
        pyreadstat.write_sav(
            table,
            path,
            file_label=title[:64],
            column_labels=labels,
            variable_value_labels={v.name: v.values for v in variables if v.values},
            missing_ranges={v.name: list(v.missing) for v in variables if v.missing},
            variable_measure={v.name: v.level for v in variables},
            compress=True,
        )
        return path.read_bytes()


def r_bundle(table: pd.DataFrame, variables: list[Variable]) -> bytes:
    """A zip of ``responses.csv``, ``codebook.csv``, ``values.csv`` and ``read.R``.

    The CSVs are UTF-8 with commas and a dot for decimals; text cells a spreadsheet would run as
    a formula start with an apostrophe, as in every CSV export (the file may be opened in one).
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("responses.csv", _csv(list(table.columns), _guarded(table, variables)))
        bundle.writestr("codebook.csv", _csv(CODEBOOK_COLUMNS, codebook_rows(variables)))
        bundle.writestr("values.csv", _csv(VALUES_COLUMNS, value_rows(variables)))
        bundle.writestr("read.R", READ_R.read_text(encoding="utf-8"))
    return out.getvalue()


def _guarded(table: pd.DataFrame, variables: list[Variable]) -> list[list]:
    texts = {v.name for v in variables if v.type == TEXT}
    rows = []
    for record in table.itertuples(index=False, name=None):
        rows.append(
            [
                (text(value) if isinstance(value, str) else "")
                if name in texts
                else ("" if value is None or np.isnan(value) else _number(value))
                for name, value in zip(table.columns, record, strict=True)
            ]
        )
    return rows


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _csv(header: list[str], rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
