"""Reading what the Users pages did: users, links and audit events."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.models import AccountLink, AuditEvent, User
from tests.conftest import csrf_from

LINK = re.compile(r"https://survey\.consultancy\.example/welcome/([A-Za-z0-9_-]+)")


def user_by_email(dbs: Session, email: str) -> User | None:
    dbs.expire_all()
    return dbs.scalar(select(User).where(User.email == email))


def count_users(dbs: Session) -> int:
    dbs.expire_all()
    return dbs.scalar(select(func.count()).select_from(User))


def events(dbs: Session, action: str) -> list[AuditEvent]:
    dbs.expire_all()
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(dbs.scalars(query))


def links_of(dbs: Session, user: User) -> list[AccountLink]:
    dbs.expire_all()
    query = select(AccountLink).where(AccountLink.user_id == user.id).order_by(AccountLink.id)
    return list(dbs.scalars(query))


def token_in(message) -> str:
    """The invitation token of a received e-mail."""
    (token,) = LINK.findall(message.get_content())
    return token


def post(client: FlaskClient, path: str, **data):
    """POST ``data`` to ``path`` with the session's valid CSRF token (the logout button's)."""
    html = client.get("/").get_data(as_text=True)
    return client.post(path, data={"csrf_token": csrf_from(html), **data})


def text(response) -> str:
    return response.get_data(as_text=True)
