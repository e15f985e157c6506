"""Small helpers for the assessment pages: forms, times, and the links in pages and mails."""

from __future__ import annotations

import re
from datetime import datetime

from flask.testing import FlaskClient

from tests.conftest import csrf_from

LINK = re.compile(r"https?://\S+/r/[A-Za-z0-9_-]+")


def post_form(client: FlaskClient, page_url: str, post_url: str, data: dict):
    """GET ``page_url`` for its CSRF token, then POST ``data`` to ``post_url``."""
    html = client.get(page_url).get_data(as_text=True)
    return client.post(post_url, data={"csrf_token": csrf_from(html), **data})


def local(when: datetime) -> str:
    """A time as a datetime-local field sends it."""
    return when.strftime("%Y-%m-%dT%H:%M")


def links_in(text: str) -> list[str]:
    return LINK.findall(text)


def path_of(link: str) -> str:
    """The part of a link the test client asks for: ``/r/<token>``."""
    return link[link.index("/r/") :]


def mail_links(message) -> list[str]:
    return links_in(message.get_content())
