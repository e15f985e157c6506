"""Nothing that holds answers, links or results may stay in a cache: Cache-Control: no-store."""

from __future__ import annotations

import pytest

from tests.auth.helpers import login
from tests.factories import make_invitation, make_world
from tests.reports.helpers import made
from tests.survey.journey import answer_all


def assert_no_store(response, status: int = 200) -> None:
    assert response.status_code == status, response.request.path
    assert response.headers["Cache-Control"] == "no-store", response.request.path
    response.close()


def test_every_rep_page_is_sent_with_no_store(client, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    assert_no_store(client.get(f"/r/{token}"))
    assert_no_store(client.get(f"/r/{token}/1"))
    assert_no_store(answer_all(client, token, world.questionnaire), 302)
    assert_no_store(client.get("/thanks"))
    assert_no_store(client.get(f"/r/{token}"), 404)  # used now


@pytest.mark.slow
def test_dashboards_the_api_exports_and_reports_are_sent_with_no_store(client, answered_org):
    login(client, "admin@example.com")
    assessment, team = answered_org.assessment.id, answered_org.teams["Global"].id
    clients = f"/clients/{answered_org.organisation.id}/assessments/{assessment}"
    for url in (
        f"/dashboard/{assessment}/{team}",
        f"/dashboard/{assessment}/{team}/headline.csv",
        "/api/v1/assessments",
        f"/api/v1/assessments/{assessment}/teams/{team}",
        f"{clients}/exports/",
        f"{clients}/report",
    ):
        assert_no_store(client.get(url))
    for url in (  # files are made by jobs, and downloaded from the job's page
        f"{clients}/exports/responses-wide.csv",
        f"{clients}/exports/aggregates.csv",
        f"{clients}/report.pdf",
    ):
        assert_no_store(made(client, url)[1])


def test_static_files_may_be_cached(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"
    response.close()
