"""What the dashboard shows: figures, change in words, charts, tables, CSV, JSON."""

from __future__ import annotations

import json
import re

from tests.auth.helpers import login
from tests.factories import REFERENCE_COUNTS

SPAIN_COMPLEMENT = (
    "hidden together with Spain, which has fewer than 5 answers; shown when Spain has 5 or more"
)
SPEC = re.compile(r'<script type="application/json" id="spec-(\w+)">(.*?)</script>', re.S)


def page(client, org, team: str, wave: int = -1) -> str:
    url = f"/dashboard/{org.assessment.id}/{org.teams[team].id}?wave={org.waves[wave].id}"
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_headline_change_in_words_and_drill_down(client, answered_org):
    login(client, "g@example.com")
    html = page(client, answered_org, "Global")
    assert "Where Global stands in Autumn" in html
    total = REFERENCE_COUNTS["France"] + REFERENCE_COUNTS["Paris"] + REFERENCE_COUNTS["Spain"]
    assert f"{total} reps" in html
    assert "moved towards purpose, larger than chance variation" in html
    assert "Teams in Global" in html


def test_small_groups_and_their_complements_are_hidden_everywhere(client, answered_org):
    """Spain (3) is under k, and Global minus France would reveal Spain, so France hides too.

    Global = France subtree (13) + Spain (3) = 16. Hiding Spain leaves a residual of 3 under
    Global, so the smallest visible child below Global (France, 13) must be hidden as well.
    """
    login(client, "admin@example.com")
    html = page(client, answered_org, "Global")
    assert "Spain" in html and "fewer than 5 answers" in html
    assert SPAIN_COMPLEMENT in html
    api = client.get(
        f"/api/v1/assessments/{answered_org.assessment.id}/teams/{answered_org.teams['Global'].id}"
        f"?wave={answered_org.waves[-1].id}"
    ).get_json()
    shown_groups = {row.get("group") for row in api["sections"]["trend"]["rows"]}
    assert shown_groups == {"Global"}
    hidden = {entry["label"]: entry["reason"] for entry in api["sections"]["trend"]["hidden"]}
    assert hidden["Spain, Autumn"] == "fewer than 5 answers"
    assert hidden["France, Autumn"] == SPAIN_COMPLEMENT
    for key, section in api["sections"].items():
        if key == "rates":  # invitation counts, not answers: shown for every team
            continue
        for row in section["rows"]:
            assert row.get("group") not in ("Spain", "France"), key


def test_spain_alone_shows_only_why_it_is_hidden(client, answered_org):
    login(client, "admin@example.com")
    html = page(client, answered_org, "Spain")
    assert "fewer than 5 answers" in html
    assert "big-number" not in html
    assert "spec-" not in html


def test_charts_carry_aggregates_only_and_each_has_a_table_and_csv(client, answered_org):
    login(client, "p@example.com")
    html = page(client, answered_org, "Paris")
    specs = dict(SPEC.findall(html))
    assert {"trend", "distribution", "profile", "ladder"} <= set(specs)  # Paris has no sub-teams
    trend = json.loads(specs["trend"])
    rows = [row for rows in trend["datasets"].values() for row in rows]
    assert all(set(row) <= {"group", "wave", "n", "mean", "ci_low", "ci_high"} for row in rows)
    assert len(rows) <= 2 * 2 * 2  # teams x waves (x band + line data)
    assert html.count("Table view") >= 6
    csv = client.get(
        f"/dashboard/{answered_org.assessment.id}/{answered_org.teams['Paris'].id}/trend.csv?wave={answered_org.waves[-1].id}"
    )
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert csv.get_data(as_text=True).splitlines()[0] == (
        "Team,Wave,Answers,Mean,Standard deviation,95% interval from,95% interval to"
    )
    assert "vendor/vega-bundle.js" in html
    assert not re.search(r"""(src|href)=["']https?://""", html)


def test_api_lists_scope_and_returns_the_same_aggregates(client, answered_org):
    login(client, "g@example.com")
    listed = client.get("/api/v1/assessments").get_json()["assessments"]
    assert [team["name"] for team in listed[0]["teams"]] == ["Global"]
    data = client.get(
        f"/api/v1/assessments/{answered_org.assessment.id}/teams/{answered_org.teams['Global'].id}"
    ).get_json()
    assert data["wave"]["name"] == "Autumn"
    headline = data["sections"]["headline"]["rows"]
    assert headline[0]["measure"] == "Mindset index"
    assert (
        headline[0]["n"]
        == REFERENCE_COUNTS["France"] + REFERENCE_COUNTS["Paris"] + REFERENCE_COUNTS["Spain"]
    )
    assert [child["name"] for child in data["children"]] == ["France", "Spain"]
    html = page(client, answered_org, "Global")
    assert f"{headline[0]['n']} answers" in html
