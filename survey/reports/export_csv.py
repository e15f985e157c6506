"""The response-level exports as CSV, written a chunk at a time into a file; the aggregates table.

Every text cell goes through :func:`text` (that is, :func:`survey.spreadsheet.safe_cell`)
once per response, before rows are written, so a cell that a spreadsheet would run as a formula
(starting with = + - @, a tab or a carriage return; ladder words and team names are free text)
is neutralised. Files start with a UTF-8 byte order mark, so spreadsheet programs read accents
right.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from survey.aggregates.loading import score_matrix
from survey.aggregates.model import INDEX
from survey.releases.payload import SUMMARY_COLUMNS
from survey.reports.exports import (
    Chunk,
    ExportedResponse,
    ExportPlan,
    exported_chunks,
    exported_count,
)
from survey.spreadsheet import COMMA, CsvStyle, safe_cell

BOM = "\ufeff"
SCORE_DECIMALS = 2


@dataclass(frozen=True)
class CsvFormat:
    """One export (:data:`survey.reports.kinds.CSV_EXPORTS` has its title and description): its
    file name, its header and its rows per chunk."""

    name: str
    header: Callable[[ExportPlan], list[str]]
    rows: Callable[[ExportPlan, Chunk], list[list]]


def identity_header(plan: ExportPlan) -> list[str]:
    pseudonym = ["pseudonym"] if plan.confidential else []
    return ["row_id", *pseudonym, "wave", "team"]


def text(value: str | None) -> str:
    """A text cell as written: empty for None, neutralised if a spreadsheet would run it."""
    return "" if value is None else safe_cell(value)


def _identity(plan: ExportPlan, response: ExportedResponse) -> list[str]:
    pseudonym = [text(response.pseudonym)] if plan.confidential else []
    return [
        text(response.row_id),
        *pseudonym,
        text(response.wave),
        text(response.team),
    ]


def _answers(values: np.ndarray) -> list:
    """Raw answers as whole numbers, empty where unanswered."""
    whole = np.where(np.isnan(values), -1, values).astype(np.int64).tolist()
    return ["" if value < 0 else value for value in whole]


def _long_header(plan: ExportPlan) -> list[str]:
    return [*identity_header(plan), "question", "dimension", "keyed", "answer", "words"]


def _long_rows(plan: ExportPlan, chunk: Chunk) -> list[list]:
    items = [(text(i.id), text(i.dimension), text(i.keyed)) for i in plan.questionnaire.items]
    rows = []
    for response, answers in zip(chunk.responses, chunk.answers, strict=True):
        identity = _identity(plan, response)
        rows += [
            [*identity, *item, answer, ""]
            for item, answer in zip(items, _answers(answers), strict=True)
        ]
        rows += [
            [*identity, f"why_{position}", "", "", text(target), text(words)]
            for position, (target, words) in enumerate(response.ladder, start=1)
        ]
        for direction, paths in (
            ("help_received", response.help_received),
            ("help_given", response.help_given),
        ):
            rows += [[*identity, direction, "", "", text(path), ""] for path in paths]
    return rows


def _rungs(plan: ExportPlan) -> int:
    ladder = plan.questionnaire.ladder
    return ladder.max_rungs if ladder else 0


def _wide_header(plan: ExportPlan) -> list[str]:
    ladder = [
        column
        for position in range(1, _rungs(plan) + 1)
        for column in (f"why_{position}", f"why_{position}_words")
    ]
    items = [item.id for item in plan.questionnaire.items]
    return [*identity_header(plan), *items, *ladder, "help_received", "help_given"]


def _wide_rows(plan: ExportPlan, chunk: Chunk) -> list[list]:
    rows = []
    for response, answers in zip(chunk.responses, chunk.answers, strict=True):
        ladder = ["", ""] * _rungs(plan)
        for position, (target, words) in enumerate(response.ladder):
            ladder[2 * position : 2 * position + 2] = [text(target), text(words)]
        rows.append(
            [
                *_identity(plan, response),
                *_answers(answers),
                *ladder,
                text("; ".join(response.help_received)),
                text("; ".join(response.help_given)),
            ]
        )
    return rows


def _scores_header(plan: ExportPlan) -> list[str]:
    dimensions = [dimension.key for dimension in plan.questionnaire.dimensions]
    return [*identity_header(plan), "mindset_index", *dimensions]


def _scores_rows(plan: ExportPlan, chunk: Chunk) -> list[list]:
    index, dimensions = score_matrix(chunk.answers, plan.questionnaire)
    scores = np.column_stack([index, dimensions]).round(SCORE_DECIMALS).tolist()
    return [
        [*_identity(plan, response), *("" if math.isnan(v) else v for v in row)]
        for response, row in zip(chunk.responses, scores, strict=True)
    ]


FORMATS = {
    "responses-long": CsvFormat("responses-long", _long_header, _long_rows),
    "responses-wide": CsvFormat("responses-wide", _wide_header, _wide_rows),
    "scores": CsvFormat("scores", _scores_header, _scores_rows),
}
"""The rows of each export of :data:`survey.reports.kinds.CSV_EXPORTS`, by name."""


def csv_lines(
    header: list[str], row_batches: Iterable[list[list]], style: CsvStyle = COMMA
) -> Iterator[str]:
    """The CSV text, one piece per batch of rows, starting with the byte order mark, with
    ``style``'s separator and decimal mark.

    Rows are written as given: their text must already have gone through :func:`text`.
    """
    buffer = io.StringIO()
    writer = style.writer(buffer)
    writer.writerow(header)
    yield BOM + buffer.getvalue()
    for rows in row_batches:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([[style.number(cell) for cell in row] for row in rows])
        yield buffer.getvalue()


def export_file(
    engine: Engine,
    csv_format: CsvFormat,
    plan: ExportPlan,
    style: CsvStyle,
    progress: Callable[..., None],
    write: Callable[[bytes], None],
) -> None:
    """``csv_format`` of the plan's responses, handed to ``write`` as UTF-8 bytes a chunk of
    rows at a time.

    The rows are read through a session of their own, so that ``progress`` (how many responses
    are written, of how many) may commit the caller's session between chunks.
    """
    with Session(engine) as session:
        total = exported_count(session, plan)
        progress(0, total)

        def batches() -> Iterator[list[list]]:
            done = 0
            for chunk in exported_chunks(session, plan):
                yield csv_format.rows(plan, chunk)
                done += len(chunk.responses)
                progress(done)

        for piece in csv_lines(csv_format.header(plan), batches(), style):
            write(piece.encode("utf-8"))
    progress(total)


AGGREGATE_COLUMNS = ["team", "wave", "measure", "n", "mean", "sd", "ci_low", "ci_high"]


def aggregate_table(released: list[tuple[str, dict]]) -> pd.DataFrame:
    """Every team's released subtree aggregates in every released wave, as views show them.

    ``released`` pairs each released wave's name with its release payload, in wave order.
    Hidden cells keep their team, wave and measure, with blank numbers and the reason.
    """
    frames = []
    for wave_name, data in released:
        measures = None
        for cell in data["cells"].values():
            if cell["visible"]:
                measures = [row[0] for row in cell["summary"]]
                break
        for team_id, node in sorted(data["tree"].items(), key=lambda item: item[1]["path"]):
            cell = data["cells"][team_id]
            if cell["visible"]:
                rows = pd.DataFrame(cell["summary"], columns=SUMMARY_COLUMNS)
                rows = rows.assign(team=node["path"], wave=wave_name, hidden_reason=None)
            else:
                rows = pd.DataFrame(
                    {
                        "team": node["path"],
                        "wave": wave_name,
                        "measure": measures or [INDEX],
                        "hidden_reason": cell["reason"],
                    }
                )
            frames.append(rows.reindex(columns=[*AGGREGATE_COLUMNS, "hidden_reason"]))
    if not frames:
        return pd.DataFrame(columns=[*AGGREGATE_COLUMNS, "hidden_reason"])
    table = pd.concat(frames, ignore_index=True)
    table["n"] = pd.Series(  # whole numbers, blank when hidden (table_csv writes None as "")
        [None if pd.isna(n) else int(n) for n in table["n"]], index=table.index, dtype=object
    )
    return table
