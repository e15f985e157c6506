"""Exports and reports are for consultants of the organisation and admins; others get a 404.

Pages are read with GET; files are asked for with POST (each starts a job, ``ask``).
"""

from __future__ import annotations

from sqlalchemy import select

from survey.models import AuditEvent
from tests.auth.helpers import login
from tests.conftest import without_csrf
from tests.reports.helpers import EXPORTS, ask, base


def pages(answered_org) -> list[str]:
    wave, team = answered_org.waves[-1].id, answered_org.teams["France"].id
    return [
        f"{base(answered_org)}/exports/",
        f"{base(answered_org)}/report",
        f"{base(answered_org)}/report?team={team}&wave={wave}",
    ]


def files(answered_org) -> list[str]:
    wave, team = answered_org.waves[-1].id, answered_org.teams["France"].id
    return [
        *(f"{base(answered_org)}/exports/{name}.csv" for name in EXPORTS),
        f"{base(answered_org)}/report.pdf?team={team}&wave={wave}",
    ]


def urls(answered_org) -> list[str]:
    return pages(answered_org) + files(answered_org)


def get_or_ask(client, url: str, page: str = "/"):
    """GET a page, or POST (with the CSRF token of ``page``) to ask for a file."""
    if ".csv" in url or ".pdf" in url:
        return ask(client, url, page)
    return client.get(url)


def test_anonymous_visitors_are_sent_to_login(client, answered_org):
    for url in urls(answered_org):
        response = get_or_ask(client, url, page="/login")
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"]


def test_managers_get_the_same_404_as_for_nothing_and_it_is_audited(client, dbs, answered_org):
    login(client, "g@example.com")
    missing = client.get(f"/clients/{answered_org.organisation.id}/assessments/999999/report")
    assert missing.status_code == 404
    for url in urls(answered_org):
        response = get_or_ask(client, url)
        assert response.status_code == 404, url
        assert without_csrf(response.get_data(as_text=True)) == without_csrf(
            missing.get_data(as_text=True)
        )
    refused = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "access.refused")).all()
    assert len(refused) == len(urls(answered_org)) + 1
    assert {event.user_email for event in refused} == {"g@example.com"}


def test_another_organisations_consultant_sees_nothing(client, answered_org):
    login(client, "rival@example.com")
    for url in urls(answered_org):
        response = get_or_ask(client, url)
        assert response.status_code == 404, url
        assert answered_org.organisation.name not in response.get_data(as_text=True)


def test_the_organisation_in_the_address_must_be_the_assessments(client, answered_org):
    other = answered_org.rival
    login(client, "admin@example.com")
    for url in urls(answered_org):
        assert get_or_ask(client, url).status_code in (200, 303), url
        moved = url.replace(f"/clients/{answered_org.organisation.id}/", f"/clients/{other.id}/")
        assert get_or_ask(client, moved).status_code == 404, moved


def test_unknown_exports_waves_and_teams_are_404(client, answered_org):
    login(client, "admin@example.com")
    for url in (
        f"{base(answered_org)}/exports/everything.csv",
        f"{base(answered_org)}/exports/scores.csv?version=2",
        f"{base(answered_org)}/report.pdf?wave=99999999999999999999999",
        f"{base(answered_org)}/report.pdf?wave={answered_org.rival_wave.id}",
    ):
        assert ask(client, url).status_code == 404, url
    for url in (
        f"{base(answered_org)}/report?wave=abc",
        f"{base(answered_org)}/report?team=-1",
        f"{base(answered_org)}/report?wave={answered_org.rival_wave.id}",
        f"{base(answered_org)}/report?team={answered_org.rival_team.id}",
    ):
        assert client.get(url).status_code == 404, url


def test_consultants_of_the_organisation_and_admins_get_every_page(client, answered_org):
    login(client, "c@example.com")
    for url in pages(answered_org):
        assert client.get(url).status_code == 200, url
