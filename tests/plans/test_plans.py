"""Action plans: made after a released wave by the team's manager (or a consultant), seen by the
managers above and the consultants, closed once the next wave is released, shown beside the
change on their dimension there, audited and exported."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from questionnaires.actions import library
from survey.models import AuditEvent, PlannedAction
from survey.models._columns import utcnow
from tests.auth.helpers import login
from tests.conftest import csrf_from

SOON = (date.today() + timedelta(days=60)).isoformat()


@pytest.fixture
def spring_out(dbs, answered_org):
    """Acme Solar with Spring released and Autumn still open (its answers already in)."""
    autumn = answered_org.waves[1]
    autumn.closes_at = utcnow() + timedelta(days=5)
    dbs.commit()
    return answered_org


def close_autumn(dbs, org) -> None:
    org.waves[1].closes_at = utcnow() - timedelta(minutes=1)
    dbs.commit()


def plan_url(org, team: str, wave: int = 0) -> str:
    return f"/plans/{org.assessment.id}/{org.teams[team].id}?wave={org.waves[wave].id}"


def add(client, org, team: str = "Paris", **fields):
    url = plan_url(org, team)
    token = csrf_from(client.get(url).get_data(as_text=True))
    data = {"practice": "", "text": "", "dimension": "", "owner": "Ana", "due_on": SOON}
    return client.post(url, data={**data, **fields, "csrf_token": token})


def cooperation_practice():
    return library().for_pole("cooperation", "contractual")[0]


def actions(dbs) -> list[PlannedAction]:
    dbs.expire_all()
    return list(dbs.scalars(select(PlannedAction).order_by(PlannedAction.id)))


def test_the_team_manager_commits_to_a_library_practice_and_it_is_audited(client, dbs, spring_out):
    login(client, "p@example.com")
    page = client.get(plan_url(spring_out, "Paris"))
    assert page.status_code == 200
    assert "No action yet" in page.get_data(as_text=True)
    practice = cooperation_practice()
    response = add(client, spring_out, practice=practice.id, text="ignored", owner=" Ana  Ruiz ")
    assert response.status_code == 302
    (stored,) = actions(dbs)
    assert (stored.dimension, stored.practice_id, stored.text, stored.owner, stored.slot) == (
        "cooperation",
        practice.id,
        practice.title,
        "Ana Ruiz",
        1,
    )
    assert stored.wave_id == spring_out.waves[0].id
    event = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "plan.add")).one()
    assert event.target == f"team {spring_out.teams['Paris'].id}"
    assert event.details["text"] == practice.title and event.details["owner"] == "Ana Ruiz"
    assert event.organisation_id == spring_out.organisation.id
    assert practice.title in client.get(plan_url(spring_out, "Paris")).get_data(as_text=True)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Choose an action from the list, or write your own here."),
        ({"text": "Ride along once a month"}, "Say which dimension your own action works on"),
        ({"practice": "no-such-practice"}, "Not a valid choice"),
        ({"text": "x", "dimension": "cooperation", "owner": ""}, "Say who owns this action"),
        ({"text": "x", "dimension": "cooperation", "due_on": "2020-01-01"}, "The date has passed"),
        ({"text": "x", "dimension": "cooperation", "due_on": "31/12/2027"}, "Give the date"),
        ({"text": "x" * 301, "dimension": "cooperation"}, "Keep it to 300 characters."),
    ],
)
def test_a_bad_action_is_refused_with_its_reason_and_nothing_is_stored(
    client, dbs, spring_out, fields, message
):
    login(client, "p@example.com")
    response = add(client, spring_out, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert actions(dbs) == []


def test_three_actions_at_most(client, dbs, spring_out):
    login(client, "p@example.com")
    for text in ("One", "Two", "Three"):
        assert add(client, spring_out, text=text, dimension="change").status_code == 302
    assert "the most it holds" in client.get(plan_url(spring_out, "Paris")).get_data(as_text=True)
    refused = add(client, spring_out, text="Four", dimension="change")
    assert refused.status_code == 409
    assert [a.text for a in actions(dbs)] == ["One", "Two", "Three"]


def test_managers_above_and_consultants_see_the_plan_only_its_own_manager_changes_it(
    app, client, dbs, spring_out
):
    login(client, "p@example.com")
    add(client, spring_out, text="Shadow a product manager for a day", dimension="cooperation")
    above = app.test_client()
    login(above, "f@example.com")
    page = above.get(plan_url(spring_out, "Paris")).get_data(as_text=True)
    assert "Shadow a product manager for a day" in page and "Add an action" not in page
    assert add(above, spring_out, text="Mine", dimension="change").status_code == 403
    overview = above.get(f"/plans/{spring_out.assessment.id}?wave={spring_out.waves[0].id}")
    assert "Global/France/Paris" in overview.get_data(as_text=True)
    consultant = app.test_client()
    login(consultant, "c@example.com")
    assert add(consultant, spring_out, text="Workshop", dimension="change").status_code == 302
    outsider = app.test_client()
    login(outsider, "rival@example.com")
    assert outsider.get(plan_url(spring_out, "Paris")).status_code == 404
    below = app.test_client()
    login(below, "p@example.com")
    assert below.get(plan_url(spring_out, "France")).status_code == 404
    assert [a.text for a in actions(dbs)] == ["Shadow a product manager for a day", "Workshop"]


def test_change_and_remove_ask_and_are_audited(client, dbs, spring_out):
    login(client, "p@example.com")
    add(client, spring_out, text="Explain each target's why", dimension="management")
    (stored,) = actions(dbs)
    base = f"/plans/{spring_out.assessment.id}/{spring_out.teams['Paris'].id}/{stored.id}"
    form = client.get(f"{base}/edit").get_data(as_text=True)
    assert "Explain each target&#39;s why" in form
    changed = client.post(
        f"{base}/edit",
        data={
            "csrf_token": csrf_from(form),
            "practice": "",
            "text": "Explain the why of each target",
            "dimension": "management",
            "owner": "Team lead",
            "due_on": SOON,
        },
    )
    assert changed.status_code == 302
    assert actions(dbs)[0].owner == "Team lead"
    confirm = client.get(f"{base}/remove")
    assert "Remove this action" in confirm.get_data(as_text=True)
    assert len(actions(dbs)) == 1  # asking removes nothing
    removed = client.post(
        f"{base}/remove", data={"csrf_token": csrf_from(confirm.get_data(as_text=True))}
    )
    assert removed.status_code == 302
    assert actions(dbs) == []
    done = [e.action for e in dbs.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert [a for a in done if a.startswith("plan.")] == ["plan.add", "plan.change", "plan.remove"]
    assert client.get(f"{base}/remove").status_code == 404


def test_no_plan_before_the_release_and_none_changed_after_the_next(client, dbs, spring_out):
    login(client, "p@example.com")
    autumn = plan_url(spring_out, "Paris", wave=1)
    assert "Autumn is not released yet" in client.get(autumn).get_data(as_text=True)
    add(client, spring_out, text="Monthly best-practice call", dimension="cooperation")
    close_autumn(dbs, spring_out)
    page = client.get(plan_url(spring_out, "Paris")).get_data(as_text=True)
    assert "The plan made after Spring is closed: Autumn has been released since" in page
    assert add(client, spring_out, text="Late", dimension="change").status_code == 409
    (stored,) = actions(dbs)
    base = f"/plans/{spring_out.assessment.id}/{spring_out.teams['Paris'].id}/{stored.id}"
    assert client.get(f"{base}/edit").status_code == 409
    assert client.get(f"{base}/remove").status_code == 409


def test_the_next_release_shows_each_action_beside_its_dimension_change(client, dbs, spring_out):
    login(client, "p@example.com")
    add(client, spring_out, practice=cooperation_practice().id)
    add(client, spring_out, text="Ride along with each rep", dimension="management")
    close_autumn(dbs, spring_out)
    url = f"/dashboard/{spring_out.assessment.id}/{spring_out.teams['Paris'].id}"
    html = client.get(f"{url}?wave={spring_out.waves[1].id}").get_data(as_text=True)
    assert "What Paris committed to after Spring, and what its dimensions did" in html
    assert cooperation_practice().title in html
    assert "Since Spring, cooperation moved +" in html
    assert "Ride along with each rep" in html
    assert html.count("Since Spring, ") >= 2  # each action with its own dimension's change
    assert html.index('id="h-reading') < html.index('id="h-plans"') < html.index('id="h-headline"')


def test_the_csv_lists_every_plan_in_scope_with_readable_headers(client, dbs, spring_out):
    login(client, "p@example.com")
    add(client, spring_out, text='=HYPERLINK("x")', dimension="incentives")
    response = client.get(
        f"/plans/{spring_out.assessment.id}/plans.csv?wave={spring_out.waves[0].id}"
    )
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["Team", "After wave", "Dimension", "Action"]
    assert rows[1][0] == "Global/France/Paris" and rows[1][3].startswith("'=")
    empty = client.get(f"/plans/{spring_out.assessment.id}/plans.csv?wave={spring_out.waves[1].id}")
    assert list(csv.reader(io.StringIO(empty.get_data(as_text=True)))) == [rows[0]]
    downloads = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "export.download"))
    assert [(e.details["export"], e.details["rows"]) for e in downloads] == [
        ("plans", 1),
        ("plans", 0),
    ]
