"""Response rates: subtree totals, the JSON the page polls, and a page that names nobody."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from survey.campaigns.rates import Tally, rate_rows, shown_row, totals
from survey.invitations import invite_people, team_link
from survey.models import Invitation, Response, Team
from survey.models._columns import utcnow
from tests.factories import ROSTER, gen_assessment, gen_responses, gen_wave, new_response


def tree() -> list[Team]:
    """Global -> France -> Paris, Global -> Spain, and Product, with fixed ids."""
    return [
        Team(id=1, name="Global", parent_id=None),
        Team(id=2, name="France", parent_id=1),
        Team(id=3, name="Paris", parent_id=2),
        Team(id=4, name="Spain", parent_id=1),
        Team(id=5, name="Product", parent_id=None),
    ]


def test_rows_come_in_tree_order_with_subtree_totals_reps_and_managers_apart():
    invited = {3: 3, 2: 1, 4: 2}
    responses = {
        3: {("rep", "personal"): 2},
        2: {("rep", "team_link"): 1, ("manager", "personal"): 1},
        4: {("rep", "personal"): 1, ("rep", "team_link"): 2, ("manager", "personal"): 1},
    }
    rows = rate_rows(tree(), invited, responses)
    table = [
        (
            *(r.name, r.depth, r.own.invited, r.own.reps, r.own.managers),
            *(r.subtree.invited, r.subtree.reps, r.subtree.managers, r.subtree.answered),
            *(r.subtree.personal, r.subtree.team_link),
        )
        for r in rows
    ]
    # By hand: France = its own 1 invited, 1 rep and 1 manager + Paris's 3 invited and 2 reps;
    # Global adds Spain's 2 invited, 3 reps (1 personal, 2 through the team link), 1 manager.
    # The channels split the reps' answers only.
    assert table == [
        ("Global", 0, 0, 0, 0, 6, 6, 2, 8, 3, 3),
        ("France", 1, 1, 1, 1, 4, 3, 1, 4, 2, 1),
        ("Paris", 2, 3, 2, 0, 3, 2, 0, 2, 2, 0),
        ("Spain", 1, 2, 3, 1, 2, 3, 1, 4, 1, 2),
        ("Product", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    ]
    # The total adds up: every team's own counts, summed, are the roots' subtrees, summed.
    assert sum((row.own for row in rows), Tally()) == Tally(6, 6, 2, 3, 3)
    assert totals(rows, 3) == {
        "invited": 6,
        "reps": 6,
        "managers": None,  # 2 managers, under k = 3
        "answered": 6,  # the shown parts: 6 reps, and managers under k count nothing
        "rate": 1.0,
        "personal": 3,
        "team_link": 3,
    }
    # With k = 4: 4 reps shown, the 2 managers not, so 4 of the 6 invited.
    assert totals(rows, 4) == {
        "invited": 6,
        "reps": 4,
        "managers": None,
        "answered": 4,
        "rate": pytest.approx(4 / 6),
        "personal": None,
        "team_link": None,
    }


def test_a_shown_row_coarsens_every_count_of_answers_but_not_the_invitations():
    responses = {("rep", "personal"): 7, ("rep", "team_link"): 4, ("manager", "personal"): 2}
    row = rate_rows(tree(), {3: 15}, {3: responses})[2]
    assert (row.name, row.own.reps, row.own.managers, row.own.answered) == ("Paris", 11, 2, 13)
    shown = {
        "invited": 15,
        "reps": 9,
        "managers": None,
        "answered": 9,  # the parts shown, 9 + nothing: never 13 rounded down on its own
        "rate": pytest.approx(9 / 15),
        "personal": 6,  # the reps' 7
        "team_link": 3,
    }
    assert shown_row(row, 3) == {"id": 3, "name": "Paris", "depth": 2} | shown | {
        f"subtree_{key}": value for key, value in shown.items()
    }
    assert shown_row(row, 5)["team_link"] is None


def test_one_more_manager_under_k_never_moves_the_total():
    """9 reps; then one manager answers: shown apart from its parts, the total would step from
    5 to 10 and tell that that manager answered (k = 5)."""
    before = {3: {("rep", "personal"): 9}}
    after = {3: {("rep", "personal"): 9, ("manager", "personal"): 1}}
    shown = [shown_row(rate_rows(tree(), {3: 12}, counts)[2], 5) for counts in (before, after)]
    assert [(row["reps"], row["managers"], row["answered"]) for row in shown] == [
        (5, None, 5),
        (5, None, 5),
    ]
    assert shown[0] == shown[1]


def test_a_team_whose_parent_is_archived_is_a_root():
    teams = [Team(id=1, name="Sales", parent_id=9), Team(id=2, name="Lyon", parent_id=1)]
    rows = rate_rows(teams, {2: 4}, {})
    assert [(row.name, row.depth, row.subtree.invited) for row in rows] == [
        ("Sales", 0, 4),
        ("Lyon", 1, 4),
    ]


@pytest.fixture
def answered(dbs, reference_org, reference_roster):
    """k = 3. Paris: 3 invited, 3 reps answered; Spain: 2 invited, 5 reps answered (4 through
    the team link); France: nobody invited, 3 managers answered."""
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
    dbs.add_all(new_response(wave, reference_org.teams["France"], role="manager") for _ in range(3))
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


def test_the_json_has_coarse_counts_per_team_role_channel_and_subtree(
    consultant_client, reference_org, answered
):
    data = consultant_client.get(rates_url(reference_org, answered) + ".json").get_json()
    assert data["wave"]["status"] == "open"
    assert data["k"] == 3
    # Exact: 5 invited; 8 reps (4 personal, 4 team link) and 3 managers answered, 11 in all.
    # The 9 answers shown outnumber the 5 invitations: no rate.
    assert data["total"] == {
        "invited": 5,
        "reps": 6,
        "managers": 3,
        "answered": 9,
        "rate": None,
        "personal": 3,
        "team_link": 3,
    }
    by_name = {team["name"]: team for team in data["teams"]}
    paris = {
        "invited": 3,
        "reps": 3,
        "managers": None,
        "answered": 3,
        "rate": 1.0,
        "personal": 3,
        "team_link": None,
    }
    assert by_name["Paris"] | {"id": None} == {"id": None, "name": "Paris", "depth": 2} | paris | {
        f"subtree_{key}": value for key, value in paris.items()
    }
    spain = by_name["Spain"]
    assert (spain["reps"], spain["answered"], spain["rate"], spain["personal"]) == (
        3,
        3,
        None,
        None,
    )
    assert spain["team_link"] == 3
    france = by_name["France"]
    assert (france["reps"], france["managers"], france["answered"]) == (None, 3, 3)
    assert (france["subtree_reps"], france["subtree_managers"], france["subtree_answered"]) == (
        3,
        3,
        6,
    )
    assert (by_name["Global"]["subtree_invited"], by_name["Global"]["subtree_answered"]) == (5, 9)
    assert [team["name"] for team in data["teams"]] == [
        "Global",
        "France",
        "Paris",
        "Spain",
        "Product",
    ]


def test_the_page_counts_reps_and_managers_apart_with_a_total_and_names_nobody(
    consultant_client, reference_org, answered
):
    html = consultant_client.get(rates_url(reference_org, answered)).get_data(as_text=True)
    for words in ("Invited", "Reps answered", "Managers answered", "Answered in all", "Rate"):
        assert f'<th scope="col">{words}</th>' in html
    assert "through team links" in html
    spain = reference_org.teams["Spain"].id
    paris = reference_org.teams["Paris"].id
    few = 'data-none="fewer than 3"'
    assert f'data-value="teams.{spain}.subtree_personal" {few}>fewer than 3<' in html
    assert f'data-value="teams.{spain}.subtree_team_link" {few}>3<' in html
    assert f'data-value="teams.{paris}.managers" {few}>fewer than 3<' in html
    assert f'data-value="teams.{paris}.rate" data-format="percent">100%<' in html
    footer = html[html.index("<tfoot>") : html.index("</tfoot>")]
    assert f"Total ({reference_org.organisation.name})" in footer
    assert f'data-value="total.reps" {few}>6<' in footer
    assert f'data-value="total.managers" {few}>3<' in footer
    assert f'data-value="total.answered" {few}>9<' in footer
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
