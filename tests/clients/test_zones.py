"""Time zones on the consultant pages: the organisation's (at creation and in its settings) and
a team's own, which the teams below it inherit."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey.models import AuditEvent, Organisation, Team
from tests.clients.helpers import actions, post_form
from tests.clients.test_roster_import import text_of

SENTENCE = (
    "Times on pages, e-mails and reports are shown in this zone, and waves open and close at "
    "its midnight unless set otherwise."
)


def settings_url(org) -> str:
    return f"/clients/{org.organisation.id}/settings"


def edit_url(org, team: str) -> str:
    return f"/clients/{org.organisation.id}/teams/{org.teams[team].id}/edit"


def fresh(dbs, row):
    dbs.expire_all()
    return dbs.get(type(row), row.id)


def edit_team(client, org, team: str, zone: str):
    current = org.teams[team]
    data = {"name": current.name, "department": current.department, "time_zone": zone}
    if current.parent_id is not None:
        data["parent"] = str(current.parent_id)
    return post_form(client, edit_url(org, team), data)


def tree_text(client, org) -> str:
    return text_of(client.get(f"/clients/{org.organisation.id}").get_data(as_text=True))


# The organisation's zone


def test_the_settings_page_sets_the_zone_and_audits_it(consultant_client, dbs, answered_org):
    page = consultant_client.get(settings_url(answered_org)).get_data(as_text=True)
    assert SENTENCE in page
    assert '<option selected value="UTC">UTC</option>' in page
    assert '<option value="Europe/Madrid">Europe/Madrid</option>' in page
    assert "Time zone: UTC" in tree_text(consultant_client, answered_org)

    response = post_form(
        consultant_client, settings_url(answered_org), {"time_zone": "Europe/Madrid"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/clients/{answered_org.organisation.id}"
    assert fresh(dbs, answered_org.organisation).time_zone == "Europe/Madrid"
    shown = tree_text(consultant_client, answered_org)
    assert "Times are now shown in Europe/Madrid." in shown
    assert "Time zone: Europe/Madrid ( change )." in shown
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.time_zone"))
    assert (event.organisation_id, event.target) == (
        answered_org.organisation.id,
        f"organisation {answered_org.organisation.id}",
    )
    assert event.details == {"before": "UTC", "after": "Europe/Madrid"}

    # Saving the same zone again changes and records nothing.
    again = post_form(consultant_client, settings_url(answered_org), {"time_zone": "Europe/Madrid"})
    assert again.status_code == 302
    assert actions(dbs).count("organisation.time_zone") == 1


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "europe/madrid", "EST5EDT", "x" * 500])
def test_an_unknown_zone_is_refused_with_422(consultant_client, dbs, answered_org, zone):
    response = post_form(consultant_client, settings_url(answered_org), {"time_zone": zone})
    assert response.status_code == 422
    assert "Choose a time zone from the list, such as Europe/Paris." in response.get_data(
        as_text=True
    )
    assert fresh(dbs, answered_org.organisation).time_zone == "UTC"
    assert "organisation.time_zone" not in actions(dbs)


def test_another_organisations_settings_are_out_of_reach(consultant_client, answered_org):
    url = f"/clients/{answered_org.rival.id}/settings"
    assert consultant_client.get(url).status_code == 404


def test_a_new_organisation_gets_its_zone(consultant_client, dbs, answered_org):
    page = consultant_client.get("/clients/new").get_data(as_text=True)
    assert SENTENCE in page and '<option selected value="UTC">UTC</option>' in page
    data = {"name": "Nova Grid", "time_zone": "Asia/Tokyo"}
    assert post_form(consultant_client, "/clients/new", data).status_code == 302
    nova = dbs.scalar(select(Organisation).where(Organisation.name == "Nova Grid"))
    assert nova.time_zone == "Asia/Tokyo"
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.create"))
    assert event.details == {"name": "Nova Grid", "time_zone": "Asia/Tokyo"}


def test_a_new_organisation_with_an_unknown_zone_is_refused(consultant_client, dbs, answered_org):
    before = dbs.scalar(select(func.count()).select_from(Organisation))
    data = {"name": "Nova Grid", "time_zone": "Mars/Olympus"}
    response = post_form(consultant_client, "/clients/new", data)
    assert response.status_code == 422
    assert "Choose a time zone from the list" in response.get_data(as_text=True)
    dbs.expire_all()
    assert dbs.scalar(select(func.count()).select_from(Organisation)) == before


# A team's own zone


def test_a_team_zone_is_shown_and_inherited_below_it(consultant_client, dbs, answered_org):
    page = consultant_client.get(edit_url(answered_org, "France")).get_data(as_text=True)
    assert '<option selected value="">Same as above</option>' in page
    assert "Same as above: UTC" in page

    assert edit_team(consultant_client, answered_org, "France", "Europe/Paris").status_code == 302
    france, paris = (
        fresh(dbs, answered_org.teams["France"]),
        fresh(dbs, answered_org.teams["Paris"]),
    )
    assert (france.time_zone, france.zone) == ("Europe/Paris", "Europe/Paris")
    assert (paris.time_zone, paris.zone) == (None, "Europe/Paris")  # inherited
    assert fresh(dbs, answered_org.teams["Spain"]).zone == "UTC"
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "team.time_zone"))
    assert event.target == f"team {france.id}"
    assert event.details == {"before": None, "after": "Europe/Paris"}

    shown = tree_text(consultant_client, answered_org)
    assert "France sales time zone Europe/Paris " in shown
    assert "Paris sales time zone Europe/Paris, from the team above " in shown
    assert "Spain sales time zone" not in shown and "Global sales time zone" not in shown

    # Paris's own form says what "Same as above" means for it now.
    page = consultant_client.get(edit_url(answered_org, "Paris")).get_data(as_text=True)
    assert "Same as above: Europe/Paris" in page
    france_page = consultant_client.get(edit_url(answered_org, "France")).get_data(as_text=True)
    assert '<option selected value="Europe/Paris">Europe/Paris</option>' in france_page


def test_a_zone_like_the_organisations_is_not_repeated_in_the_tree(
    consultant_client, dbs, answered_org
):
    post_form(consultant_client, settings_url(answered_org), {"time_zone": "Europe/Paris"})
    assert edit_team(consultant_client, answered_org, "Spain", "Europe/Madrid").status_code == 302
    assert edit_team(consultant_client, answered_org, "France", "Europe/Paris").status_code == 302
    shown = tree_text(consultant_client, answered_org)
    assert "Spain sales time zone Europe/Madrid " in shown
    assert "France sales time zone" not in shown and "Paris sales time zone" not in shown
    # Every other team reads the organisation's zone.
    assert fresh(dbs, answered_org.teams["Product"]).zone == "Europe/Paris"


def test_same_as_above_removes_the_override(consultant_client, dbs, answered_org):
    edit_team(consultant_client, answered_org, "France", "Asia/Tokyo")
    assert edit_team(consultant_client, answered_org, "France", "").status_code == 302
    france = fresh(dbs, answered_org.teams["France"])
    assert (france.time_zone, france.zone) == (None, "UTC")
    event = dbs.scalars(
        select(AuditEvent).where(AuditEvent.action == "team.time_zone").order_by(AuditEvent.id)
    ).all()[-1]
    assert event.details == {"before": "Asia/Tokyo", "after": None}
    assert "time zone" not in tree_text(consultant_client, answered_org)


def test_a_team_form_without_the_zone_keeps_it(consultant_client, dbs, answered_org):
    edit_team(consultant_client, answered_org, "Spain", "Europe/Madrid")
    data = {"name": "Iberia", "department": "sales", "parent": str(answered_org.teams["Global"].id)}
    assert post_form(consultant_client, edit_url(answered_org, "Spain"), data).status_code == 302
    spain = fresh(dbs, answered_org.teams["Spain"])
    assert (spain.name, spain.time_zone) == ("Iberia", "Europe/Madrid")


def test_an_unknown_team_zone_is_refused_with_422(consultant_client, dbs, answered_org):
    response = edit_team(consultant_client, answered_org, "France", "Mars/Olympus")
    assert response.status_code == 422
    assert "Choose a time zone from the list" in response.get_data(as_text=True)
    assert fresh(dbs, answered_org.teams["France"]).time_zone is None
    assert "team.time_zone" not in actions(dbs)


def test_a_new_team_may_have_its_own_zone(consultant_client, dbs, answered_org):
    url = f"/clients/{answered_org.organisation.id}/teams/new"
    data = {"name": "Tokyo", "department": "sales", "time_zone": "Asia/Tokyo"}
    assert post_form(consultant_client, url, data).status_code == 302
    tokyo = dbs.scalar(select(Team).where(Team.name == "Tokyo"))
    assert tokyo.time_zone == "Asia/Tokyo"
    event = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "team.create")).all()[-1]
    assert event.details["time_zone"] == "Asia/Tokyo"
    refused = post_form(
        consultant_client, url, {"name": "Mars", "department": "sales", "time_zone": "Mars/Base"}
    )
    assert refused.status_code == 422
    assert dbs.scalar(select(Team).where(Team.name == "Mars")) is None
