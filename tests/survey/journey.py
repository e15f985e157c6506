"""Drives the rep's journey through the Flask test client, CSRF included."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from questionnaires import Questionnaire, load_directory
from survey.models import Wave
from survey.rep.pages import plan_pages
from tests.conftest import csrf_from

PER_PAGE = 8


def pages_of(questionnaire: Questionnaire):
    return plan_pages(questionnaire, PER_PAGE)


@cache
def rep_questionnaire_v2() -> Questionnaire:
    """Version 2 of the rep questionnaire: "does not apply" answers and climate items."""
    return load_directory()[("rep-mindset", 2)]


@cache
def newest_rep_questionnaire() -> Questionnaire:
    """The newest installed rep questionnaire: the one a new assessment asks by default."""
    installed = load_directory()
    return installed["rep-mindset", max(v for key, v in installed if key == "rep-mindset")]


def ask_v2(dbs: Session, wave: Wave) -> Questionnaire:
    """Make ``wave`` ask version 2 of the rep questionnaire (``Wave.instrument``); returns it."""
    questionnaire = rep_questionnaire_v2()
    wave.rep_questionnaire_version = questionnaire.version
    wave.rep_questionnaire_sha256 = questionnaire.sha256
    dbs.commit()
    return questionnaire


def page_form(client: FlaskClient, token: str, number: int, data: dict, action: str = "next"):
    """GET the page for its CSRF token, then POST ``data`` with the given button."""
    html = client.get(f"/r/{token}/{number}").get_data(as_text=True)
    return client.post(
        f"/r/{token}/{number}", data={"csrf_token": csrf_from(html), "action": action, **data}
    )


def item_fields(page, value: int = 6, chosen: Mapping[str, str] = MappingProxyType({})) -> dict:
    """The page's radio fields: ``value`` for every item, or the raw value ``chosen`` gives it
    (a scale point or ``"na"``)."""
    return {f"q-{item.id}": chosen.get(item.id, str(value)) for item in page.items}


def answer_all(
    client: FlaskClient,
    token: str,
    questionnaire: Questionnaire,
    value: int = 6,
    chosen: Mapping[str, str] = MappingProxyType({}),
):
    """Answer every page (``value``, or what ``chosen`` gives an item) and submit; returns the
    final response."""
    pages = pages_of(questionnaire)
    response = None
    for page in pages:
        action = "submit" if page.number == len(pages) else "next"
        if page.kind == "ladder":
            response = climb(client, token, page.number, LADDER)
        else:
            data = item_fields(page, value, chosen) if page.kind == "items" else {}
            response = page_form(client, token, page.number, data, action)
        assert response.status_code == 302, (
            page.number,
            response.get_data(as_text=True)[-700:-300],
        )
    return response


LADDER = (("Customers who trust us", "customers"), ("less CO2 with every roof", "society"))
"""The ladder :func:`answer_all` climbs: (words, kind) per step."""


def ladder_step(
    client: FlaskClient, token: str, number: int, step: int, words: str, kind: str, action: str
):
    """GET step ``step`` of the ladder page ``number``, then POST its words, kind and button."""
    url = f"/r/{token}/{number}?step={step}"
    html = client.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf_from(html), "action": action, "step": str(step)}
    return client.post(url, data={**data, "ladder-words": words, "ladder-kind": kind})


def answer_page(client: FlaskClient, token: str, page, action: str = "next"):
    """Answer one page with valid answers (one step of the ladder on its page), pressing
    ``action`` on a page of statements or teams."""
    if page.kind == "ladder":
        return climb(client, token, page.number, LADDER[:1])
    data = item_fields(page) if page.kind == "items" else {}
    return page_form(client, token, page.number, data, action)


def climb(client: FlaskClient, token: str, number: int, steps) -> object:
    """Answer the ladder page ``number`` with ``steps`` of (words, kind): "Ask me why again"
    after each but the last, "That's where it ends" after it; returns the last reply."""
    response = None
    for position, (words, kind) in enumerate(steps, start=1):
        action = "stop" if position == len(steps) else "deeper"
        response = ladder_step(client, token, number, position, words, kind, action)
        assert response.status_code == 302, response.get_data(as_text=True)[-700:-300]
    return response
