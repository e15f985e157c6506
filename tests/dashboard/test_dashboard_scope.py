"""Every dashboard and API route refuses the wrong people the same way and leaks nothing."""

from __future__ import annotations

import pytest

from tests.auth.helpers import login
from tests.conftest import without_csrf


def routes(org, team: str) -> list[str]:
    a, t, w = org.assessment.id, org.teams[team].id, org.waves[-1].id
    return [
        f"/dashboard/{a}/{t}",
        f"/dashboard/{a}/{t}?wave={w}",
        f"/dashboard/{a}/{t}/trend.csv?wave={w}",
        f"/api/v1/assessments/{a}/teams/{t}?wave={w}",
    ]


def test_anonymous_visitors_are_sent_to_login(client, answered_org):
    for url in ["/dashboard/", *routes(answered_org, "Global")]:
        response = client.get(url)
        if url.startswith("/api/"):
            assert response.status_code == 401
            assert response.get_json()["error"]["status"] == 401
        else:
            assert response.status_code == 302
            assert "/login" in response.headers["Location"]
    assert client.get("/api/v1/assessments").status_code == 401


def test_manager_of_another_branch_gets_the_same_404_as_for_nothing(client, answered_org):
    login(client, "p@example.com")
    assert client.get(routes(answered_org, "Paris")[0]).status_code == 200
    missing = client.get(f"/dashboard/{answered_org.assessment.id}/999999")
    assert missing.status_code == 404
    for team in ("France", "Global", "Spain", "Product"):
        for url in routes(answered_org, team):
            response = client.get(url)
            assert response.status_code == 404, url
            body = response.get_data(as_text=True)
            assert team not in body and answered_org.organisation.name not in body
            if not url.startswith("/api/"):
                assert without_csrf(body) == without_csrf(missing.get_data(as_text=True))


def test_another_organisations_consultant_sees_nothing_of_this_one(client, answered_org):
    login(client, answered_org.users["rival consultant"].email)
    for url in routes(answered_org, "Global"):
        response = client.get(url)
        assert response.status_code == 404
        assert answered_org.organisation.name not in response.get_data(as_text=True)
    listed = client.get("/api/v1/assessments").get_json()["assessments"]
    assert [entry["organisation"] for entry in listed] == [answered_org.rival.name]
    # The team belongs to this organisation but the assessment to the other: still 404.
    mixed = f"/dashboard/{answered_org.rival_assessment.id}/{answered_org.teams['Global'].id}"
    assert client.get(mixed).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/0/0",
        "/dashboard/999999/1",
        "/dashboard/1/1?wave=999999",
        "/dashboard/1/1?wave=abc",
        "/dashboard/1/1/nonsense.csv",
        "/api/v1/assessments/999999/teams/1",
        "/api/v1/assessments/1/teams/1?wave=-1",
        "/dashboard/1/99999999999999999999999",
    ],
)
def test_ids_that_do_not_exist_give_404(client, answered_org, path):
    login(client, "admin@example.com")
    response = client.get(path)
    assert response.status_code == 404
    assert "Global" not in response.get_data(as_text=True)


def test_manager_lands_on_their_own_team_and_can_drill_down(client, answered_org):
    login(client, "g@example.com")
    landing = client.get("/dashboard/")
    assert landing.status_code == 302
    assert landing.headers["Location"].endswith(
        f"/dashboard/{answered_org.assessment.id}/{answered_org.teams['Global'].id}"
    )
    page = client.get(landing.headers["Location"]).get_data(as_text=True)
    assessment, france_id = answered_org.assessment.id, answered_org.teams["France"].id
    france = f"/dashboard/{assessment}/{france_id}?wave={answered_org.waves[-1].id}"
    assert f'href="{france}"' in page
    assert client.get(france).status_code == 200
