"""Response rates: subtree totals, the JSON the page polls, and a page that names nobody."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from survey.campaigns.rates import rate_rows, shown_row, totals
from survey.invitations import invite_people, team_link
from survey.models import Invitation, Response, Team
from survey.models._columns import utcnow
from tests.factories import ROSTER, gen_assessment, gen_responses, gen_wave


def tree() -> list[Team]:
    """Global -> France -> Paris, Global -> Spain, and Product, with fixed ids."""
    return [
        Team(id=1, name="Global", parent_id=None),
        Team(id=2, name="France", parent_id=1),
        Team(id=3, name="Paris", parent_id=2),
        Team(id=4, name="Spain", parent_id=1),
        Team(id=5, name="Product", parent_id=None),
    ]


def test_rows_come_in_tree_order_with_subtree_totals():
    counts = {3: (3, 2), 2: (1, 0), 4: (2, 1)}
    responses = {3: {"personal": 2}, 2: {"team_link": 1}, 4: {"personal": 1, "team_link": 2}}
    rows = rate_rows(tree(), counts, responses)
    table = [
        (
            r.name,
            r.depth,
            r.invited,
            r.answered,
            r.subtree_invited,
            r.subtree_answered,
            r.responses,
            r.personal,
            r.team_link,
        )
        for r in rows
    ]
    # By hand: France = 1 + Paris 3 invited, 0 + 2 answered, 2 personal and 1 team-link answer;
    # Global adds Spain's 2 invited, 1 answered, 1 personal and 2 team-link answers.
    assert table == [
        ("Global", 0, 0, 0, 6, 3, 6, 3, 3),
        ("France", 1, 1, 0, 4, 2, 3, 2, 1),
        ("Paris", 2, 3, 2, 3, 2, 2, 2, 0),
        ("Spain", 1, 2, 1, 2, 1, 3, 1, 2),
        ("Product", 0, 0, 0, 0, 0, 0, 0, 0),
    ]
    assert rows[0].rate is None  # nobody invited to Global itself
    assert rows[0].subtree_rate == pytest.approx(0.5)
    assert totals(rows, 3) == {
        "invited": 6,
        "answered": 3,
        "rate": 0.5,
        "responses": 6,
        "personal": 3,
        "team_link": 3,
    }
    # With k = 5, every count of answers is under k: shown as None, and so are the rates.
    assert totals(rows, 5) == {
        "invited": 6,
        "answered": None,
        "rate": None,
        "responses": 5,
        "personal": None,
        "team_link": None,
    }


def test_a_shown_row_coarsens_every_count_of_answers_but_not_the_invitations():
    row = rate_rows(tree(), {3: (9, 7)}, {3: {"personal": 7, "team_link": 4}})[2]
    assert (row.name, row.answered, row.responses) == ("Paris", 7, 11)
    assert shown_row(row, 3) == {
        "id": 3,
        "name": "Paris",
        "depth": 2,
        "invited": 9,
        "answered": 6,
        "rate": pytest.approx(6 / 9),
        "subtree_invited": 9,
        "subtree_answered": 6,
        "subtree_rate": pytest.approx(6 / 9),
        "responses": 9,
        "personal": 6,
        "team_link": 3,
    }
    assert shown_row(row, 5)["team_link"] is None


def test_a_team_whose_parent_is_archived_is_a_root():
    teams = [Team(id=1, name="Sales", parent_id=9), Team(id=2, name="Lyon", parent_id=1)]
    rows = rate_rows(teams, {2: (4, 1)}, {})
    assert [(row.name, row.depth, row.subtree_invited) for row in rows] == [
        ("Sales", 0, 4),
        ("Lyon", 1, 4),
    ]


@pytest.fixture
def answered(dbs, reference_org, reference_roster):
    """k = 3. Paris: 3 invited, 3 answered; Spain: 2 invited, 1 answered, and 4 team-link
    answers."""
    assessment = gen_assessment(dbs, reference_org.organisation, mode="confidential")
    assessment.min_group_size = 3
    wave = gen_wave(dbs, assessment, opens_in=-timedelta(hours=1))
    now = utcnow()
    people = [reference_roster[email] for email in ROSTER["Paris"] + ROSTER["Spain"]]
    invite_people(dbs, wave, people, now, 30)
    team_link(dbs, wave, reference_org.teams["Spain"].id, "rep", now, 30, capacity=10)
    dbs.flush()
    for invitation in wave_invitations(dbs, wave)[:4]:
        invitation.used = True
    gen_responses(dbs, wave, reference_org.teams["Paris"], 3, 6)
    gen_responses(dbs, wave, reference_org.teams["Spain"], 5, 6)
    dbs.flush()
    spain = select(Response.id).where(Response.team_id == reference_org.teams["Spain"].id)
    for response_id in list(dbs.scalars(spain))[:4]:
        dbs.get(Response, response_id).channel = "team_link"
    dbs.commit()
    return wave


def wave_invitations(dbs, wave):
    return list(
        dbs.scalars(select(Invitation).where(Invitation.wave_id == wave.id).order_by(Invitation.id))
    )


def rates_url(reference_org, wave) -> str:
    assessments = f"/clients/{reference_org.organisation.id}/assessments"
    return f"{assessments}/{wave.assessment_id}/waves/{wave.id}/rates"


def test_the_json_has_coarse_counts_per_team_channel_and_subtree(
    consultant_client, reference_org, answered
):
    data = consultant_client.get(rates_url(reference_org, answered) + ".json").get_json()
    assert data["wave"]["status"] == "open"
    assert data["k"] == 3
    # Exact: 5 invited, 4 answered, 8 answers (4 personal, 4 through the team link).
    assert data["total"] == {
        "invited": 5,
        "answered": 3,
        "rate": 0.6,
        "responses": 6,
        "personal": 3,
        "team_link": 3,
    }
    by_name = {team["name"]: team for team in data["teams"]}
    assert by_name["Paris"] | {"id": None} == {
        "id": None,
        "name": "Paris",
        "depth": 2,
        "invited": 3,
        "answered": 3,
        "rate": 1.0,
        "subtree_invited": 3,
        "subtree_answered": 3,
        "subtree_rate": 1.0,
        "responses": 3,
        "personal": 3,
        "team_link": None,
    }
    spain = by_name["Spain"]
    assert (spain["answered"], spain["rate"], spain["personal"]) == (None, None, None)
    assert (spain["responses"], spain["team_link"]) == (3, 3)
    assert (by_name["Global"]["subtree_invited"], by_name["Global"]["subtree_answered"]) == (5, 3)
    assert [team["name"] for team in data["teams"]] == [
        "Global",
        "France",
        "Paris",
        "Spain",
        "Product",
    ]


def test_the_page_polls_with_a_static_script_and_names_nobody(
    consultant_client, reference_org, answered
):
    html = consultant_client.get(rates_url(reference_org, answered)).get_data(as_text=True)
    assert "60%" in html
    assert "through team links" in html
    spain = reference_org.teams["Spain"].id
    assert f'data-value="teams.{spain}.personal" data-none="fewer than 3">fewer than 3<' in html
    assert f'data-value="teams.{spain}.team_link" data-none="fewer than 3">3<' in html
    assert re.search(r'data-poll-url="[^"]+/rates\.json" data-poll-seconds="15"', html)
    assert 'data-value="teams.{}.subtree_rate"'.format(reference_org.teams["France"].id) in html
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts == ['<script src="/static/js/live-counts.js" defer>']
    assert "@acme.example" not in html


def test_a_closed_wave_is_not_polled(consultant_client, reference_org, dbs):
    assessment = gen_assessment(dbs, reference_org.organisation)
    wave = gen_wave(dbs, assessment, opens_in=-timedelta(days=9), lasts=timedelta(days=2))
    html = consultant_client.get(rates_url(reference_org, wave)).get_data(as_text=True)
    assert "data-poll-url" not in html
    assert "Nobody has been invited to Wave 1 yet" in html


def test_the_script_is_served(client):
    response = client.get("/static/js/live-counts.js")
    assert response.status_code == 200
    assert "data-poll-url" in response.get_data(as_text=True)
    response.close()
