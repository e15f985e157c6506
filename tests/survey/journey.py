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
        if page.kind == "items":
            data = item_fields(page, value, chosen)
        elif page.kind == "ladder":
            data = {
                "ladder-1-target": "customers",
                "ladder-2-target": "society",
                "ladder-2-words": "less CO2 with every roof",
            }
        else:
            data = {}
        response = page_form(client, token, page.number, data, action)
        assert response.status_code == 302, (
            page.number,
            response.get_data(as_text=True)[-700:-300],
        )
    return response
