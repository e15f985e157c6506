"""Helpers of the password tests: invited users, links, the set-password form, mailed links."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from survey.accounts.links import issue_link
from survey.models import AuditEvent, User
from tests.conftest import csrf_from

NEW_PASSWORD = "violet-anchor-drizzle-42"
LINK = re.compile(r"http://localhost(/(?:welcome|password/reset)/[\w-]+)")


def gen_invited(dbs: Session, email: str = "new@example.com", role: str = "admin") -> User:
    """A user who was invited and has no password yet."""
    user = User(email=email, role=role)
    dbs.add(user)
    dbs.commit()
    return user


def gen_link(dbs: Session, user: User, purpose: str) -> str:
    """The path of a new ``purpose`` link of ``user``."""
    token = issue_link(dbs, user, purpose)
    dbs.commit()
    return ("/welcome/" if purpose == "invite" else "/password/reset/") + token


def set_password(
    client: FlaskClient, path: str, password: str = NEW_PASSWORD, repeat: str | None = None
) -> TestResponse:
    """Open the link's page and send its form."""
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    token = csrf_from(page.get_data(as_text=True))
    data = {"password": password, "repeat": password if repeat is None else repeat}
    return client.post(path, data={**data, "csrf_token": token})


def ask_reset(client: FlaskClient, email: str) -> TestResponse:
    token = csrf_from(client.get("/password/forgot").get_data(as_text=True))
    return client.post("/password/forgot", data={"email": email, "csrf_token": token})


def mailed_path(message) -> str:
    """The path of the one link in a received mail."""
    (path,) = LINK.findall(message.get_content())
    return path


def actions(dbs: Session) -> list[tuple[str, str | None]]:
    dbs.expire_all()
    events = dbs.scalars(select(AuditEvent).order_by(AuditEvent.id))
    return [(event.action, event.target) for event in events]


def reloaded(dbs: Session, user: User) -> User:
    dbs.expire_all()
    return dbs.get(User, user.id)
