"""The list of users: who sees whom, the columns, search, filters, pagination, empty state."""

from __future__ import annotations

import re

import pytest

from survey.models._columns import utcnow
from survey.users import routes
from tests.auth.helpers import login
from tests.factories import gen_user
from tests.users.helpers import text

EMAIL = re.compile(r'<a href="/users/\d+">([^<]+)</a>')
ROW = re.compile(r'<tr>\s*<td><a href="/users/\d+">([^<]+)</a>(.*?)</tr>', re.S)


def listed(client, query: str = "") -> list[str]:
    response = client.get(f"/users/{query}")
    assert response.status_code == 200
    return EMAIL.findall(text(response))


def test_an_admin_sees_everyone(reference_org, admin_client):
    assert listed(admin_client) == sorted(user.email for user in reference_org.users.values())


def test_a_consultant_sees_their_organisations_managers_and_consultants_only(
    dbs, reference_org, consultant_client
):
    gen_user(dbs, "zenith.manager@example.com", "manager", team=reference_org.rival_team)
    assert listed(consultant_client) == [
        "c@example.com",
        "f@example.com",
        "g@example.com",
        "p@example.com",
    ]


def test_the_columns_show_role_scope_status_two_factor_and_last_login(
    dbs, reference_org, admin_client
):
    users = reference_org.users
    users["france manager"].last_login_at = utcnow().replace(year=2026, month=3, day=4, hour=5)
    users["paris manager"].disabled_at = utcnow()
    users["global manager"].totp_enabled_at = utcnow()
    invited = gen_user(dbs, "invited@example.com", "manager", team=reference_org.teams["Spain"])
    invited.password_hash = None
    dbs.commit()
    page = text(admin_client.get("/users/"))
    rows = {
        email: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        for email, row in ROW.findall(page)
    }
    assert rows["f@example.com"].startswith(
        "manager Acme Solar: Global/France active off March 4, 2026, 5:"
    )
    assert rows["p@example.com"].startswith("manager Acme Solar: Global/France/Paris disabled off")
    assert rows["g@example.com"].startswith("manager Acme Solar: Global active on never")
    assert rows["invited@example.com"] == "manager Acme Solar: Global/Spain invited off never"
    assert re.match(
        r"admin everything active off [A-Z][a-z]+ \d+, 20", rows["admin@example.com"]
    )  # logged in
    assert rows["c@example.com"] == "consultant Acme Solar active off never"
    assert rows["idle@example.com"] == "consultant no organisation active off never"


def test_search_and_filters(dbs, reference_org, admin_client):
    acme = reference_org.organisation.id
    assert listed(admin_client, "?q=RIVAL") == ["rival@example.com"]
    assert listed(admin_client, "?q=%25") == []  # a literal %, not a wildcard
    assert listed(admin_client, f"?organisation={acme}") == [
        "c@example.com",
        "f@example.com",
        "g@example.com",
        "p@example.com",
    ]
    assert listed(admin_client, "?role=consultant") == [
        "c@example.com",
        "idle@example.com",
        "rival@example.com",
    ]
    reference_org.users["idle consultant"].disabled_at = utcnow()
    dbs.commit()
    assert listed(admin_client, "?status=disabled") == ["idle@example.com"]
    assert listed(admin_client, f"?role=manager&organisation={acme}&q=f") == ["f@example.com"]
    assert "idle@example.com" in listed(admin_client, "?role=owner&status=x&organisation=x")


def test_a_consultant_filtering_by_another_organisation_sees_nobody(
    reference_org, consultant_client
):
    response = consultant_client.get(f"/users/?organisation={reference_org.rival.id}")
    assert EMAIL.findall(text(response)) == []
    assert "No user matches these filters." in text(response)


@pytest.mark.parametrize("organisation", ["2147483648", "999999999999999999"])
def test_an_organisation_id_beyond_any_integer_column_finds_nobody(admin_client, organisation):
    """Larger than PostgreSQL's INTEGER: compared in SQL, it would be an error (a 500)."""
    response = admin_client.get(f"/users/?organisation={organisation}")
    assert response.status_code == 200
    assert "No user matches these filters." in text(response)


def test_the_list_paginates(dbs, reference_org, admin_client, monkeypatch):
    monkeypatch.setattr(routes, "PER_PAGE", 3)
    first, second, third = (listed(admin_client, f"?page={n}") for n in (1, 2, 3))
    everyone = sorted(user.email for user in reference_org.users.values())
    assert first + second + third == everyone
    assert len(first) == 3 and "Page 1 of 3" in text(admin_client.get("/users/"))
    found = text(admin_client.get("/users/?q=example"))
    assert 'href="/users/?q=example&amp;page=2"' in found


def test_empty_state(app, reference_org):
    client = app.test_client()
    login(client, reference_org.users["idle consultant"].email)
    page = text(client.get("/users/"))
    assert EMAIL.findall(page) == [] and "No users yet." in page


@pytest.mark.parametrize("role", ["global manager", "paris manager"])
def test_a_manager_gets_404_everywhere(app, reference_org, role):
    client = app.test_client()
    login(client, reference_org.users[role].email)
    for path in ("/users/", "/users/invite", f"/users/{reference_org.users[role].id}"):
        assert client.get(path).status_code == 404
