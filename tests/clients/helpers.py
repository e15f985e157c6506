"""Posting the consultant forms with their CSRF token, and reading the audit log."""

from __future__ import annotations

import io

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from survey.models import AuditEvent
from tests.conftest import csrf_from


def post_form(client: FlaskClient, url: str, data: dict, page: str | None = None) -> TestResponse:
    """GET ``page`` (or ``url``) for its CSRF token, then POST ``data`` to ``url``."""
    token = csrf_from(client.get(page or url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def upload(client: FlaskClient, organisation_id: int, content: bytes, name: str = "roster.csv"):
    """Upload a roster file for a preview, as the browser would (multipart)."""
    url = f"/clients/{organisation_id}/roster"
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(
        url,
        data={"csrf_token": token, "roster": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def actions(dbs: Session) -> list[str]:
    """The audit log's actions, oldest first."""
    dbs.expire_all()
    return list(dbs.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
