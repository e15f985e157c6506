"""Only admins and the organisation's consultants reach the assessment pages; others get 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from survey.invitations import invite_people
from survey.models import AuditEvent, Invitation, MailBatch, MailDelivery
from survey.models._columns import utcnow
from tests.auth.helpers import login
from tests.conftest import csrf_from
from tests.factories import gen_assessment, gen_wave


@pytest.fixture
def setup(dbs, reference_org, reference_roster):
    assessment = gen_assessment(dbs, reference_org.organisation)
    wave = gen_wave(dbs, assessment, opens_in=-timedelta(hours=1))
    invite_people(dbs, wave, [reference_roster["ana@acme.example"]], utcnow(), 30)
    dbs.flush()
    batch = MailBatch(wave_id=wave.id, kind="invitation")
    dbs.add(batch)
    dbs.flush()
    found = dbs.scalar(select(Invitation))
    dbs.add(MailDelivery(batch_id=batch.id, invitation_id=found.id, status="sent"))
    dbs.commit()
    base = f"/clients/{reference_org.organisation.id}/assessments"
    return {
        "base": base,
        "assessment": f"{base}/{assessment.id}",
        "wave": f"{base}/{assessment.id}/waves/{wave.id}",
        "batch": f"{base}/{assessment.id}/waves/{wave.id}/mailings/{batch.id}",
    }


def pages(urls) -> list[str]:
    wave, assessment = urls["wave"], urls["assessment"]
    return [
        urls["base"] + "/",
        urls["base"] + "/new",
        assessment,
        assessment + "/edit",
        assessment + "/waves/new",
        wave + "/edit",
        wave + "/open",
        wave + "/close",
        wave + "/invitations",
        wave + "/rates",
        wave + "/rates.json",
        urls["batch"],
        urls["batch"] + ".json",
    ]


def posts(urls) -> list[str]:
    wave = urls["wave"]
    return [
        urls["base"] + "/new",
        urls["assessment"] + "/edit",
        urls["assessment"] + "/waves/new",
        wave + "/close",
        wave + "/invitations",
        wave + "/reminders",
        wave + "/team-links",
        urls["batch"] + "/retry",
    ]


def test_the_consultant_and_an_admin_reach_every_page(app, reference_org, setup):
    for email in ("c@example.com", "admin@example.com"):
        client = app.test_client()
        login(client, email)
        statuses = {url: client.get(url).status_code for url in pages(setup)}
        # Closing an open wave asks first (200); opening it is refused, as it is open (409).
        assert statuses.pop(setup["wave"] + "/open") == 409
        assert set(statuses.values()) == {200}, statuses


@pytest.mark.parametrize("who", ["rival consultant", "global manager"])
def test_another_clients_consultant_and_managers_get_404_everywhere(
    app, reference_org, setup, dbs, who
):
    client = app.test_client()
    login(client, reference_org.users[who].email)
    csrf = csrf_from(client.get("/").get_data(as_text=True))
    for url in pages(setup):
        assert client.get(url).status_code == 404, url
    for url in posts(setup):
        response = client.post(url, data={"csrf_token": csrf, "invite-team": 0, "name": "x"})
        assert response.status_code == 404, url
    assert dbs.scalar(select(func.count()).select_from(Invitation)) == 1
    refused = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "access.refused")).all()
    assert len(refused) == len(pages(setup)) + len(posts(setup))
    assert {event.user_email for event in refused} == {reference_org.users[who].email}


def test_a_wave_of_another_assessment_is_a_404(consultant_client, reference_org, dbs, setup):
    other = gen_assessment(dbs, reference_org.organisation, name="Other")
    wave = gen_wave(dbs, other, opens_in=timedelta(days=30))
    first_assessment = setup["assessment"]
    assert consultant_client.get(f"{first_assessment}/waves/{wave.id}/rates").status_code == 404
    assert consultant_client.get(f"{first_assessment}/waves/{2**70}/rates").status_code == 404


def test_another_organisations_assessment_is_a_404_even_for_an_admin(
    app, reference_org, dbs, setup
):
    other = gen_assessment(dbs, reference_org.rival, name="Elsewhere")
    client = app.test_client()
    login(client, "admin@example.com")
    assert client.get(f"{setup['base']}/{other.id}").status_code == 404
    assert client.get(f"/clients/{2**70}/assessments/").status_code == 404


def test_without_a_login_the_pages_send_to_the_login(client, setup):
    for url in pages(setup):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login")
