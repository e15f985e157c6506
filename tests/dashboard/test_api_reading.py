"""The JSON API gives a team's reading in words: the dashboard's sentences and practices."""

from __future__ import annotations

import html

from tests.auth.helpers import login
from tests.dashboard.test_reading_display import PRACTICES, page, reading


def api(client, org, team: str, wave: int = -1) -> dict:
    url = f"/api/v1/assessments/{org.assessment.id}/teams/{org.teams[team].id}"
    response = client.get(f"{url}?wave={org.waves[wave].id}")
    assert response.status_code == 200
    return response.get_json()


def test_the_api_reads_like_the_dashboard_with_its_suggested_practices(client, answered_org):
    login(client, "p@example.com")
    shown = api(client, answered_org, "Paris")["reading"]
    assert shown["sentences"][0].startswith("In Autumn, Paris leans towards management by values")
    assert any("How sure we are: this rests on only 7 answers" in s for s in shown["sentences"])
    on_page = PRACTICES.findall(reading(page(client, answered_org, "Paris")))
    assert [(item["practice"]["title"], item["because"]) for item in shown["suggestions"]] == [
        (html.unescape(title), html.unescape(because)) for title, because in on_page
    ]
    assert 2 <= len(shown["suggestions"]) <= 3
    for item in shown["suggestions"]:
        assert set(item) == {"dimension", "because", "practice"}
        assert set(item["practice"]) == {"id", "title", "why"}
        assert item["practice"]["id"] and item["practice"]["why"]


def test_a_hidden_team_reads_why_and_suggests_nothing(client, answered_org):
    login(client, "admin@example.com")
    shown = api(client, answered_org, "Spain")["reading"]
    assert "(fewer than 5 answers): the group is too small" in " ".join(shown["sentences"])
    assert shown["suggestions"] == []
