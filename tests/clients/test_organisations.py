"""Creating client organisations, listing them page by page, and who may see them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey.models import AuditEvent, Organisation, User
from tests.auth.helpers import login
from tests.clients.helpers import actions, post_form
from tests.conftest import without_csrf


def test_a_consultant_creates_a_client_and_is_assigned_to_it(consultant_client, dbs, answered_org):
    response = post_form(consultant_client, "/clients/new", {"name": "  Nova Grid  "})
    assert response.status_code == 302
    nova = dbs.scalar(select(Organisation).where(Organisation.name == "Nova Grid"))
    assert response.headers["Location"] == f"/clients/{nova.id}"
    page = consultant_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nova Grid is ready" in page and "No teams yet" in page
    user = dbs.get(User, answered_org.users["consultant"].id)
    dbs.refresh(user)
    assert {o.name for o in user.organisations} == {"Acme Solar", "Nova Grid"}
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.create"))
    assert (event.organisation_id, event.target, event.user_email) == (
        nova.id,
        f"organisation {nova.id}",
        "c@example.com",
    )
    assert event.details == {"name": "Nova Grid", "time_zone": "UTC"}


def test_an_admin_creates_a_client_without_being_assigned(client, dbs, answered_org):
    login(client, "admin@example.com")
    assert post_form(client, "/clients/new", {"name": "Nova Grid"}).status_code == 302
    assert dbs.scalar(select(Organisation.id).where(Organisation.name == "Nova Grid"))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Give the organisation a name."),
        ("   ", "Give the organisation a name."),
        ("acme solar", "An organisation named acme solar exists already."),
        ("x" * 201, "Field cannot be longer than 200 characters."),
        ("Tab\there", "cannot contain control characters"),
    ],
)
def test_a_bad_name_is_refused_with_422_and_nothing_written(consultant_client, dbs, name, message):
    before = dbs.scalar(select(Organisation.id).order_by(Organisation.id.desc()))
    response = post_form(consultant_client, "/clients/new", {"name": name})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert dbs.scalar(select(Organisation.id).order_by(Organisation.id.desc())) == before
    assert "organisation.create" not in actions(dbs)


def test_the_list_shows_only_the_organisations_in_scope_with_counts(
    consultant_client, answered_org
):
    page = consultant_client.get("/clients/").get_data(as_text=True)
    assert "Acme Solar" in page and "Zenith Wind" not in page
    # Acme Solar: 5 active teams, nobody on the roster yet.
    assert re.search(r"Acme Solar</a></td>\s*<td>5</td>\s*<td>0</td>", page)


def test_the_list_paginates(client, dbs, answered_org):
    dbs.add_all(Organisation(name=f"Client {n:02d}") for n in range(45))
    dbs.commit()
    login(client, "admin@example.com")
    first = client.get("/clients/").get_data(as_text=True)
    assert "47 organisations, page 1 of 3" in first
    # Acme Solar, then the clients by name, then Zenith Wind.
    assert "Acme Solar" in first and "Client 00" in first
    assert "Client 18" in first and "Client 19" not in first
    assert 'href="/clients/?page=2"' in first and 'rel="prev"' not in first
    last = client.get("/clients/?page=3").get_data(as_text=True)
    assert "Client 39" in last and "Zenith Wind" in last and "Client 38" not in last
    assert 'rel="next"' not in last and 'href="/clients/?page=2"' in last
    # Past the end gives the last page; nonsense gives the first.
    assert "page 3 of 3" in client.get("/clients/?page=99").get_data(as_text=True)
    assert "page 1 of 3" in client.get("/clients/?page=abc").get_data(as_text=True)


def test_an_empty_list_says_what_to_do(client, dbs, answered_org):
    login(client, answered_org.users["idle consultant"].email)
    page = client.get("/clients/").get_data(as_text=True)
    assert "You have no client organisations yet. Create one" in page


def test_names_are_escaped_everywhere(consultant_client, dbs):
    name = '<script>alert("x")</script>'
    response = post_form(consultant_client, "/clients/new", {"name": name})
    for url in (response.headers["Location"], "/clients/"):
        page = consultant_client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


def test_anonymous_visitors_are_sent_to_login(client, answered_org):
    for url in ("/clients/", "/clients/new", f"/clients/{answered_org.organisation.id}"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_a_manager_gets_the_same_404_as_for_nothing(client, dbs, answered_org):
    login(client, "g@example.com")
    missing = without_csrf(client.get("/no-such-page").get_data(as_text=True))
    organisation = answered_org.organisation.id
    team = answered_org.teams["France"].id
    for url in (
        "/clients/",
        "/clients/new",
        f"/clients/{organisation}",
        f"/clients/{organisation}/teams/{team}/edit",
        f"/clients/{organisation}/roster",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert without_csrf(response.get_data(as_text=True)) == missing
    assert post_form(client, "/clients/new", {"name": "X"}, page="/").status_code == 404
    assert dbs.scalar(select(Organisation.id).where(Organisation.name == "X")) is None
    refused = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "access.refused")).all()
    assert f"consultant page /clients/{organisation}" in [event.target for event in refused]
    assert all(event.user_email == "g@example.com" for event in refused)


def test_another_clients_consultant_gets_404_and_it_is_audited(client, dbs, answered_org):
    login(client, "rival@example.com")
    organisation = answered_org.organisation.id
    team = answered_org.teams["France"].id
    for url in (
        f"/clients/{organisation}",
        f"/clients/{organisation}/teams/new",
        f"/clients/{organisation}/teams/{team}/edit",
        f"/clients/{organisation}/teams/{team}/archive",
        f"/clients/{organisation}/roster",
        f"/clients/{organisation}/roster/preview",
        "/clients/999999",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Acme Solar" not in response.get_data(as_text=True)
    targets = dbs.scalars(
        select(AuditEvent.target).where(AuditEvent.action == "access.refused")
    ).all()
    assert f"organisation {organisation}" in targets and "organisation 999999" in targets
