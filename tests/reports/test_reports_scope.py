"""Exports and reports are for consultants of the organisation and admins; others get a 404."""

from __future__ import annotations

import re

from sqlalchemy import select

from survey.models import AuditEvent
from tests.auth.helpers import login
from tests.org_factory import build_org
from tests.reports.helpers import EXPORTS, base


def urls(org) -> list[str]:
    wave, team = org.waves[-1].id, org.teams["France"].id
    return [
        f"{base(org)}/exports/",
        *(f"{base(org)}/exports/{name}.csv" for name in EXPORTS),
        f"{base(org)}/report",
        f"{base(org)}/report?team={team}&wave={wave}",
        f"{base(org)}/report.pdf?team={team}&wave={wave}",
    ]


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", html)


def test_anonymous_visitors_are_sent_to_login(client, org):
    for url in urls(org):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"]


def test_managers_get_the_same_404_as_for_nothing_and_it_is_audited(client, dbs, org, users):
    login(client, "g@example.com")
    missing = client.get(f"/clients/{org.organisation.id}/assessments/999999/report")
    assert missing.status_code == 404
    for url in urls(org):
        response = client.get(url)
        assert response.status_code == 404, url
        assert without_csrf(response.get_data(as_text=True)) == without_csrf(
            missing.get_data(as_text=True)
        )
    refused = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "access.refused")).all()
    assert len(refused) == len(urls(org)) + 1
    assert {event.user_email for event in refused} == {"g@example.com"}


def test_another_organisations_consultant_sees_nothing(client, org, users):
    login(client, "rival@example.com")
    for url in urls(org):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Helio" not in response.get_data(as_text=True)


def test_the_organisation_in_the_address_must_be_the_assessments(client, dbs, org, users):
    other = build_org(dbs, name="Other")
    login(client, "admin@example.com")
    for url in urls(org):
        assert client.get(url).status_code == 200, url
        moved = url.replace(
            f"/clients/{org.organisation.id}/", f"/clients/{other.organisation.id}/"
        )
        assert client.get(moved).status_code == 404, moved


def test_unknown_exports_waves_and_teams_are_404(client, dbs, org, users):
    other = build_org(dbs, name="Other")
    login(client, "admin@example.com")
    for url in (
        f"{base(org)}/exports/everything.csv",
        f"{base(org)}/report?wave=abc",
        f"{base(org)}/report?team=-1",
        f"{base(org)}/report?wave={other.waves[0].id}",
        f"{base(org)}/report?team={other.teams['Global'].id}",
        f"{base(org)}/report.pdf?wave=99999999999999999999999",
    ):
        assert client.get(url).status_code == 404, url


def test_consultants_of_the_organisation_and_admins_get_every_page(client, org, users):
    login(client, "c@example.com")
    for url in urls(org)[:-1]:  # the PDF has its own test
        assert client.get(url).status_code == 200, url
