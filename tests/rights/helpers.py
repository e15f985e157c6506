"""Reading the database in the data-rights tests: row counts and the audit log."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.models import AuditEvent


def count(dbs: Session, model, *where) -> int:
    dbs.expire_all()
    return dbs.scalar(select(func.count()).select_from(model).where(*where))


def audit_events(dbs: Session, action: str | None = None) -> list[AuditEvent]:
    dbs.expire_all()
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return list(dbs.scalars(query))
