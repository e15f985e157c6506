"""Drives the rep's journey through the Flask test client, CSRF included."""

from __future__ import annotations

from flask.testing import FlaskClient

from questionnaires import Questionnaire
from survey.rep.pages import plan_pages
from tests.conftest import csrf_from

PER_PAGE = 8


def pages_of(questionnaire: Questionnaire):
    return plan_pages(questionnaire, PER_PAGE)


def page_form(client: FlaskClient, token: str, number: int, data: dict, action: str = "next"):
    """GET the page for its CSRF token, then POST ``data`` with the given button."""
    html = client.get(f"/r/{token}/{number}").get_data(as_text=True)
    return client.post(
        f"/r/{token}/{number}", data={"csrf_token": csrf_from(html), "action": action, **data}
    )


def item_fields(page, value: int = 6) -> dict:
    return {f"q-{item.id}": str(value) for item in page.items}


def answer_all(client: FlaskClient, token: str, questionnaire: Questionnaire, value: int = 6):
    """Answer every page and submit; returns the final response."""
    pages = pages_of(questionnaire)
    response = None
    for page in pages:
        action = "submit" if page.number == len(pages) else "next"
        if page.kind == "items":
            data = item_fields(page, value)
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
