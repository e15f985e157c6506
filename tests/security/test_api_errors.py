"""Every error under ``/api/v1`` answers JSON, also for URLs and methods that no route matches."""

from __future__ import annotations

import pytest

from tests.auth.helpers import login


@pytest.fixture
def admin(app, reference_org):
    """A test client logged in as the reference organisation's admin."""
    client = app.test_client()
    assert login(client, reference_org.users["admin"].email).status_code == 302
    return client


def assert_json_error(response, status: int, message: str) -> None:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert response.get_json() == {"error": {"status": status, "message": message}}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1",
        "/api/v1/",
        "/api/v1/unknown",
        "/api/v1/assessments/",
        "/api/v1/assessments/1",
        "/api/v1/assessments/abc/teams/1",
        "/api/v1/assessments/%D9%A1/teams/1",  # "١", an Arabic-Indic 1
        "/api/v1/assessments/1/teams/1/extra",
    ],
)
def test_unknown_api_urls_answer_json_404(client, admin, path):
    for visitor in (client, admin):
        assert_json_error(visitor.get(path), 404, "Not Found")


def test_a_method_the_api_does_not_take_answers_json_405_with_allow(admin):
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        response = admin.open("/api/v1/assessments", method=method)
        assert_json_error(response, 405, "Method Not Allowed")
        assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD"}


def test_other_api_refusals_answer_json_too(admin):
    assert_json_error(admin.get("/api/v1/assessments?x=%00"), 400, "Bad Request")
    assert_json_error(admin.get("/api/v1/assessments/999/teams/1"), 404, "Not Found")


def test_pages_outside_the_api_keep_their_html_error_pages(client):
    for path in ("/unknown", "/api", "/api/v2/assessments", "/api/v10"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.mimetype == "text/html"
        assert "There is nothing at this address." in response.get_data(as_text=True)
