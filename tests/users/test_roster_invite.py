"""Inviting the roster's managers: who is listed, one at a time or all at once, one SMTP
connection, the results summarised."""

from __future__ import annotations

from survey.models import Person
from survey.models._columns import utcnow
from tests.factories import gen_person, gen_team
from tests.users.helpers import count_users, events, post, text, user_by_email


def manager(dbs, team, email: str) -> Person:
    person = gen_person(dbs, team, email)
    person.role = "manager"
    dbs.commit()
    return person


def roster(dbs, reference_org) -> dict[str, Person]:
    teams = reference_org.teams
    archived = gen_team(dbs, reference_org.organisation, "Old", teams["Global"])
    archived.archived_at = utcnow()
    people = {
        "ann": manager(dbs, teams["France"], "ann@acme.example"),
        "bob": manager(dbs, teams["Paris"], "bob@refused.example"),
        "has account": manager(dbs, teams["Spain"], "F@example.com"),
        "bad": manager(dbs, teams["Spain"], "bad@localhost"),
        "archived": manager(dbs, archived, "old@acme.example"),
        "rep": gen_person(dbs, teams["France"], "rep@acme.example"),
    }
    dbs.commit()
    return people


def test_the_page_lists_the_roster_managers_of_active_teams(dbs, reference_org, consultant_client):
    roster(dbs, reference_org)
    page = text(consultant_client.get(f"/users/invite/roster/{reference_org.organisation.id}"))
    assert "ann@acme.example" in page and "Global/France" in page
    assert "F@example.com" in page and "has an account" in page
    assert "old@acme.example" not in page and "rep@acme.example" not in page
    assert "Invite all 3 without an account" in page


def test_inviting_one_manager(dbs, reference_org, consultant_client, mailing):
    people = roster(dbs, reference_org)
    path = f"/users/invite/roster/{reference_org.organisation.id}"
    response = post(consultant_client, path, person=str(people["ann"].id))
    assert response.status_code == 302
    user = user_by_email(dbs, "ann@acme.example")
    assert (user.role, user.team_id, user.status) == (
        "manager",
        reference_org.teams["France"].id,
        "invited",
    )
    assert [message["To"] for message in mailing.messages] == ["ann@acme.example"]
    assert "Invitations sent: 1; failed: 0." in text(consultant_client.get(path))
    archived = post(consultant_client, path, person=str(people["archived"].id))
    assert archived.status_code == 422 and user_by_email(dbs, "old@acme.example") is None
    has_account = post(consultant_client, path, person=str(people["has account"].id))
    assert has_account.status_code == 422 and len(mailing.messages) == 1


def test_inviting_everyone_at_once(dbs, reference_org, consultant_client, mailing):
    roster(dbs, reference_org)
    before = count_users(dbs)
    path = f"/users/invite/roster/{reference_org.organisation.id}"
    assert post(consultant_client, path, person="").status_code == 302
    assert count_users(dbs) == before + 2  # ann and bob; bad@localhost is no address
    assert [message["To"] for message in mailing.messages] == ["ann@acme.example"]
    page = text(consultant_client.get(path))
    assert "Invitations sent: 1; failed: 2." in page
    assert "bob@refused.example could not be sent" in page
    assert "bad@localhost could not be sent" in page
    assert len(events(dbs, "user.invited")) == 2
    assert user_by_email(dbs, "f@example.com").role == "manager"  # untouched


def test_another_organisations_roster_is_out_of_reach(dbs, reference_org, consultant_client):
    path = f"/users/invite/roster/{reference_org.rival.id}"
    assert consultant_client.get(path).status_code == 404
    assert post(consultant_client, path, person="").status_code == 404


def test_a_person_of_another_roster_is_refused(dbs, reference_org, consultant_client, mailing):
    roster(dbs, reference_org)
    rival = manager(dbs, reference_org.rival_team, "zed@zenith.example")
    path = f"/users/invite/roster/{reference_org.organisation.id}"
    response = post(consultant_client, path, person=str(rival.id))
    assert response.status_code == 422
    assert user_by_email(dbs, "zed@zenith.example") is None and mailing.messages == []
