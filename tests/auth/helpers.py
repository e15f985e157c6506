"""Log a test client in and out (``tests.factories.gen_user`` makes the users)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import csrf_from

PASSWORD = "correct-horse-battery"  # every test user's, unless made with another


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
