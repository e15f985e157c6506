"""The roster page (search, 50 a page, empty states) and the retention form."""

from __future__ import annotations

import re

import pytest
from flask import render_template

from survey.models import Organisation, Person
from tests.auth.helpers import login
from tests.conftest import csrf_from
from tests.factories import gen_person
from tests.rights.helpers import audit_events, count

ROW = re.compile(r"<tr>\s*<td>")


def people_url(reference_org, **args) -> str:
    query = "&".join(f"{key}={value}" for key, value in args.items())
    return f"/clients/{reference_org.organisation.id}/people/" + (f"?{query}" if query else "")


def test_an_empty_roster_says_what_to_do_next(client, reference_org):
    login(client, "c@example.com")
    html = client.get(people_url(reference_org)).get_data(as_text=True)
    assert "Nobody is on this roster yet. Import a roster" in html
    assert "Identities are kept until someone deletes them." in html


def test_the_roster_comes_50_a_page_by_e_mail(client, dbs, reference_org):
    for number in range(51):
        gen_person(dbs, reference_org.teams["France"], f"rep{number:02d}@acme.example")
    gen_person(dbs, reference_org.rival_team, "z@zenith.example")
    login(client, "c@example.com")

    first = client.get(people_url(reference_org)).get_data(as_text=True)
    second = client.get(people_url(reference_org, page=2)).get_data(as_text=True)

    assert len(ROW.findall(first)) == 50 and len(ROW.findall(second)) == 1
    assert "51 people" in first and "Page 1 of 2" in first
    assert 'rel="next" href="/clients/1/people/?page=2"' in first
    assert "rep50@acme.example" in second and "rep50@acme.example" not in first
    assert "z@zenith.example" not in first + second
    beyond = client.get(people_url(reference_org, page=9)).get_data(as_text=True)
    assert "Page 2 of 2" in beyond
    assert client.get(people_url(reference_org, page="x")).status_code == 200


def test_the_roster_can_be_searched_by_e_mail(client, dbs, reference_org):
    gen_person(dbs, reference_org.teams["France"], "ada@acme.example")
    gen_person(dbs, reference_org.teams["France"], "bob@acme.example")
    gen_person(dbs, reference_org.teams["France"], "a_b@acme.example")
    login(client, "c@example.com")
    html = client.get(people_url(reference_org, q="ADA")).get_data(as_text=True)
    assert len(ROW.findall(html)) == 1 and "ada@acme.example" in html
    underscore = client.get(people_url(reference_org, q="a_")).get_data(as_text=True)
    assert len(ROW.findall(underscore)) == 1  # "_" is taken literally, not as a wildcard
    none = client.get(people_url(reference_org, q="nobody")).get_data(as_text=True)
    assert "Nobody's e-mail contains “nobody”." in none


@pytest.mark.parametrize("who", ["rival@example.com", "f@example.com"])
def test_the_roster_is_a_404_outside_ones_clients(client, dbs, reference_org, who):
    login(client, who)
    assert client.get(people_url(reference_org)).status_code == 404
    assert (
        client.get(f"/clients/{reference_org.organisation.id}/people/retention").status_code == 404
    )
    assert len(audit_events(dbs, "access.refused")) == 2


def test_the_admin_sees_every_roster(client, reference_org):
    login(client, "admin@example.com")
    assert client.get(people_url(reference_org)).status_code == 200


def post_retention(client, reference_org, value: str):
    url = f"/clients/{reference_org.organisation.id}/people/retention"
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, "retention_days": value})


def retention_of(dbs, reference_org) -> int | None:
    dbs.expire_all()
    return dbs.get(Organisation, reference_org.organisation.id).retention_days


def test_the_retention_period_is_set_cleared_and_audited(client, dbs, reference_org):
    gen_person(dbs, reference_org.teams["France"], "idle@acme.example", added_days_ago=400)
    login(client, "c@example.com")

    saved = post_retention(client, reference_org, "365")

    assert saved.status_code == 302
    assert retention_of(dbs, reference_org) == 365
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Identities are now kept 365 days after a person&#39;s last wave closes." in page
    assert "1 person is past that period and will be purged at the next run." in page
    assert post_retention(client, reference_org, "").status_code == 302
    assert retention_of(dbs, reference_org) is None
    assert post_retention(client, reference_org, "").status_code == 302  # unchanged: not audited
    events = audit_events(dbs, "organisation.retention")
    assert [event.details for event in events] == [
        {"before": None, "after": 365},
        {"before": 365, "after": None},
    ]
    assert {event.target for event in events} == {f"organisation {reference_org.organisation.id}"}
    assert count(dbs, Person) == 1  # setting the period purges nothing by itself


@pytest.mark.parametrize("value", ["0", "-5", "3651", "a year", "1.5"])
def test_a_bad_retention_period_is_refused_with_a_message(client, dbs, reference_org, value):
    login(client, "c@example.com")
    refused = post_retention(client, reference_org, value)
    assert refused.status_code == 422
    messages = re.findall(r'class="error" role="alert">([^<]*)<', refused.get_data(as_text=True))
    assert messages == [
        "Give a whole number of days from 1 to 3650, or leave it empty to keep identities "
        "until someone deletes them."
    ]
    assert retention_of(dbs, reference_org) is None
    assert audit_events(dbs, "organisation.retention") == []


def test_the_organisation_panel_links_to_the_data_rights_pages(app, reference_org):
    reference_org.organisation.retention_days = 30
    with app.test_request_context("/"):
        html = render_template(
            "rights/_organisation_panel.html", organisation=reference_org.organisation
        )
    acme = reference_org.organisation.id
    for link in (f"/clients/{acme}/people/", f"/clients/{acme}/people/retention"):
        assert f'href="{link}"' in html
    assert f'href="/audit/?organisation={acme}"' in html
    assert "identities are kept 30 days after a person's last wave closes" in html


@pytest.mark.parametrize(("who", "shown"), [("c@example.com", True), ("f@example.com", False)])
def test_consultants_find_the_audit_log_in_the_header(client, reference_org, who, shown):
    login(client, who)
    assert ('href="/audit/">Audit log</a>' in client.get("/").get_data(as_text=True)) is shown
