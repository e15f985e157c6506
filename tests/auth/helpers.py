"""Log a test client in, and make users to log in with."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from urllib.parse import urlencode

from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash
from werkzeug.test import TestResponse

from survey.models import Organisation, Team, User
from tests.conftest import csrf_from

PASSWORD = "correct-horse-battery"


@cache
def password_hash(password: str) -> str:
    """One real (scrypt) hash per password, shared by the test users, as hashing takes ~0.2 s."""
    return generate_password_hash(password)


def make_user(
    dbs: Session,
    email: str,
    role: str,
    team: Team | None = None,
    organisations: Iterable[Organisation] = (),
    password: str = PASSWORD,
) -> User:
    """A committed user; a manager leads ``team``, a consultant is assigned ``organisations``."""
    user = User(
        email=email.lower(),
        role=role,
        team=team,
        password_hash=password_hash(password),
    )
    user.organisations.extend(organisations)
    dbs.add(user)
    dbs.commit()
    return user


def login(
    client: FlaskClient, email: str, password: str = PASSWORD, next_path: str | None = None
) -> TestResponse:
    """GET the login page, then POST the credentials with its CSRF token."""
    url = "/login" if next_path is None else "/login?" + urlencode({"next": next_path})
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"email": email, "password": password, "csrf_token": token})


def logout(client: FlaskClient) -> TestResponse:
    """POST to /logout with the CSRF token of the logout button in the page header."""
    token = csrf_from(client.get("/").get_data(as_text=True))
    return client.post("/logout", data={"csrf_token": token})
