"""Response rates: subtree totals, the JSON the page polls, and a page that names nobody."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from survey.campaigns.rates import rate_rows, totals
from survey.invitations import invite_people, team_link
from survey.models import Invitation, Team
from survey.models._columns import utcnow
from tests.campaigns.helpers import ROSTER, make_assessment, make_wave
from tests.org_factory import add_responses


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
    responses = {3: 2, 2: 1, 4: 1}
    rows = rate_rows(tree(), counts, responses)
    table = [
        (r.name, r.depth, r.invited, r.answered, r.subtree_invited, r.subtree_answered, r.responses)
        for r in rows
    ]
    # By hand: France = 1 + Paris 3 invited, 0 + 2 answered; Global adds Spain's 2 and 1.
    assert table == [
        ("Global", 0, 0, 0, 6, 3, 4),
        ("France", 1, 1, 0, 4, 2, 3),
        ("Paris", 2, 3, 2, 3, 2, 2),
        ("Spain", 1, 2, 1, 2, 1, 1),
        ("Product", 0, 0, 0, 0, 0, 0),
    ]
    assert rows[0].rate is None  # nobody invited to Global itself
    assert rows[0].subtree_rate == pytest.approx(0.5)
    assert totals(rows) == {"invited": 6, "answered": 3, "rate": 0.5, "responses": 4}


def test_a_team_whose_parent_is_archived_is_a_root():
    teams = [Team(id=1, name="Sales", parent_id=9), Team(id=2, name="Lyon", parent_id=1)]
    rows = rate_rows(teams, {2: (4, 1)}, {})
    assert [(row.name, row.depth, row.subtree_invited) for row in rows] == [
        ("Sales", 0, 4),
        ("Lyon", 1, 4),
    ]


@pytest.fixture
def answered(dbs, acme):
    """Paris: 3 invited, 2 answered; Spain: 2 invited, 1 answered, plus 2 team-link answers."""
    assessment = make_assessment(dbs, acme.organisation, mode="confidential")
    wave = make_wave(dbs, assessment, opens_in=-timedelta(hours=1))
    now = utcnow()
    people = [acme.people[email] for email in ROSTER["Paris"] + ROSTER["Spain"]]
    invite_people(dbs, wave, people, now, 30)
    team_link(dbs, wave, acme.teams["Spain"].id, "rep", now, 30)
    dbs.flush()
    for invitation in wave_invitations(dbs, wave)[:2] + wave_invitations(dbs, wave)[3:4]:
        invitation.used_on = now.date()
    add_responses(dbs, wave, acme.teams["Paris"], 2, 6)
    add_responses(dbs, wave, acme.teams["Spain"], 3, 6)
    dbs.commit()
    return wave


def wave_invitations(dbs, wave):
    return list(dbs.scalars(select(Invitation).where(Invitation.wave_id == wave.id)))


def rates_url(acme, wave) -> str:
    return f"/clients/{acme.organisation.id}/assessments/{wave.assessment_id}/waves/{wave.id}/rates"


def test_the_json_has_counts_per_team_and_subtree(consultant, acme, answered):
    data = consultant.get(rates_url(acme, answered) + ".json").get_json()
    assert data["wave"]["status"] == "open"
    assert data["total"] == {"invited": 5, "answered": 3, "rate": 0.6, "responses": 5}
    by_name = {team["name"]: team for team in data["teams"]}
    assert by_name["Paris"] | {"id": None} == {
        "id": None,
        "name": "Paris",
        "depth": 2,
        "invited": 3,
        "answered": 2,
        "rate": pytest.approx(2 / 3),
        "subtree_invited": 3,
        "subtree_answered": 2,
        "subtree_rate": pytest.approx(2 / 3),
        "responses": 2,
    }
    assert (by_name["Global"]["subtree_invited"], by_name["Global"]["subtree_answered"]) == (5, 3)
    assert by_name["Spain"]["responses"] == 3
    assert [team["name"] for team in data["teams"]] == [
        "Global",
        "France",
        "Paris",
        "Spain",
        "Product",
    ]


def test_the_page_polls_with_a_static_script_and_names_nobody(consultant, acme, answered):
    html = consultant.get(rates_url(acme, answered)).get_data(as_text=True)
    assert "60%" in html
    assert re.search(r'data-poll-url="[^"]+/rates\.json" data-poll-seconds="15"', html)
    assert 'data-value="teams.{}.subtree_rate"'.format(acme.teams["France"].id) in html
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts == ['<script src="/static/js/live-counts.js" defer>']
    assert "@acme.example" not in html


def test_a_closed_wave_is_not_polled(consultant, acme, dbs):
    assessment = make_assessment(dbs, acme.organisation)
    wave = make_wave(dbs, assessment, opens_in=-timedelta(days=9), lasts=timedelta(days=2))
    html = consultant.get(rates_url(acme, wave)).get_data(as_text=True)
    assert "data-poll-url" not in html
    assert "Nobody has been invited to Wave 1 yet." in html


def test_the_script_is_served(client):
    response = client.get("/static/js/live-counts.js")
    assert response.status_code == 200
    assert "data-poll-url" in response.get_data(as_text=True)
    response.close()
