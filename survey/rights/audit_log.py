"""Reading the audit log: one scope's events, filtered by action and date, newest first.

Admins read every event; a consultant reads the events of the organisations assigned to them.
The CSV download neutralises cells a spreadsheet would run as a formula and streams in chunks.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Engine, Select, select
from sqlalchemy.orm import Session

from survey.models import AuditEvent, Organisation
from survey.spreadsheet import COMMA, CsvStyle, safe_cell

CSV_HEADER = ("at_utc", "user", "action", "organisation", "target", "details")
CSV_CHUNK_ROWS = 500


@dataclass(frozen=True)
class AuditFilter:
    """What to show; ``since`` and ``until`` are days in UTC, both included."""

    action: str | None = None
    organisation_id: int | None = None
    since: date | None = None
    until: date | None = None

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise ValueError("The first day comes after the last day.")


def _in_scope(query: Select, organisation_ids: set[int] | None) -> Select:
    if organisation_ids is None:
        return query
    return query.where(AuditEvent.organisation_id.in_(organisation_ids))


def events(organisation_ids: set[int] | None, wanted: AuditFilter) -> Select:
    """The events in scope that match ``wanted``, newest first, as a select.

    ``organisation_ids`` is ``None`` for everything (an admin), otherwise the organisations
    whose events may be read; events tied to no organisation are then left out.
    """
    query = _in_scope(select(AuditEvent), organisation_ids)
    if wanted.action:
        query = query.where(AuditEvent.action == wanted.action)
    if wanted.organisation_id is not None:
        query = query.where(AuditEvent.organisation_id == wanted.organisation_id)
    if wanted.since:
        query = query.where(AuditEvent.at >= datetime.combine(wanted.since, time.min))
    if wanted.until:
        next_day = datetime.combine(wanted.until + timedelta(days=1), time.min)
        query = query.where(AuditEvent.at < next_day)
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def actions(session: Session, organisation_ids: set[int] | None) -> list[str]:
    """The actions that occur in scope, alphabetically, for the filter."""
    query = _in_scope(select(AuditEvent.action).distinct(), organisation_ids)
    return sorted(session.scalars(query))


def organisation_names(session: Session, organisation_ids: Iterable[int | None]) -> dict[int, str]:
    """Names of the given organisations, by id."""
    wanted = {i for i in organisation_ids if i is not None}
    query = select(Organisation.id, Organisation.name).where(Organisation.id.in_(wanted))
    return {i: name for i, name in session.execute(query)}


def details_text(details: dict) -> str:
    """``key=value`` pairs in key order, as the page shows them."""
    return ", ".join(f"{key}={details[key]}" for key in sorted(details or {}))


def csv_rows(session: Session, query: Select) -> Iterator[list]:
    """The events of ``query`` as CSV rows (see ``CSV_HEADER``), formula-safe, read in batches."""
    named = query.add_columns(Organisation.name).outerjoin(
        Organisation, Organisation.id == AuditEvent.organisation_id
    )
    for event, organisation in session.execute(named.execution_options(yield_per=CSV_CHUNK_ROWS)):
        cells = [
            event.at.isoformat(sep=" ", timespec="seconds"),
            event.user_email or "",
            event.action,
            organisation or "",
            event.target or "",
            json.dumps(event.details or {}, sort_keys=True),
        ]
        yield [safe_cell(cell) for cell in cells]


def csv_chunks(
    rows: Iterable[list], every: int = CSV_CHUNK_ROWS, style: CsvStyle = COMMA
) -> Iterator[str]:
    """The header and ``rows`` as CSV text, ``every`` rows at a time, with ``style``'s
    separator."""
    out = io.StringIO()
    writer = style.writer(out)
    writer.writerow(CSV_HEADER)
    for count, row in enumerate(rows, start=1):
        writer.writerow(row)
        if count % every == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def stream_csv(engine: Engine, query: Select, style: CsvStyle = COMMA) -> Iterator[str]:
    """The CSV of ``query``'s events in chunks, read through a session of its own.

    The response body is read after the request's session has been closed, so the stream opens
    its own and closes it when the last chunk is sent or the download is abandoned.
    """
    with Session(engine) as session:
        yield from csv_chunks(csv_rows(session, query), style=style)
