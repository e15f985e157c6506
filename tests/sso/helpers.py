"""Walking a test client through single sign-on with a ``LocalProvider``."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import requests
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

SLUG = "acme"
CALLBACK = f"http://localhost/sso/{SLUG}/callback"  # under PUBLIC_URL of the tests' app
DOMAINS = "example.com acme.example zenith.example"  # those of the reference organisation's users


def to_provider(client: FlaskClient, slug: str = SLUG) -> str:
    """GET ``/sso/<slug>``: the provider's authorization URL it redirects to."""
    response = client.get(f"/sso/{slug}")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def provider_answer(authorize_url: str) -> str:
    """What the provider redirects back to (its callback URL with code and state)."""
    answer = requests.get(authorize_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def back_to_app(client: FlaskClient, location: str) -> TestResponse:
    """Follow the provider's redirect back to the app's callback."""
    parts = urlsplit(location)
    assert parts.netloc == "localhost"
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client: FlaskClient, slug: str = SLUG) -> TestResponse:
    """The whole round trip: the app's answer to the callback."""
    return back_to_app(client, provider_answer(to_provider(client, slug)))


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def logged_in(client: FlaskClient) -> bool:
    """Whether the client reaches the dashboards (a visitor is sent to the login page)."""
    response = client.get("/dashboard/")
    if response.status_code == 302:
        return not urlsplit(response.location).path.startswith("/login")
    return response.status_code == 200
