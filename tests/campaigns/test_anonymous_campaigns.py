"""In anonymous mode nothing on the assessment pages tells who has answered: reminders by e-mail
only, counts coarse, no refusal that tells; and team links get a capacity from the form."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from survey.models import AuditEvent, MailBatch, TeamLink
from tests.campaigns.helpers import links_in, mail_links, path_of, post_form
from tests.factories import ROSTER, gen_assessment, gen_wave, rep_questionnaire
from tests.survey.journey import answer_all

SPAIN = ROSTER["Spain"]


@pytest.fixture
def wave(dbs, reference_org, reference_roster):
    """An open wave of a new anonymous assessment of Acme Solar, with ROSTER on its roster."""
    assessment = gen_assessment(dbs, reference_org.organisation, mode="anonymous")
    return gen_wave(dbs, assessment, opens_in=-timedelta(hours=1))


def wave_url(reference_org, wave) -> str:
    return (
        f"/clients/{reference_org.organisation.id}/assessments/{wave.assessment_id}/waves/{wave.id}"
    )


def post(consultant_client, reference_org, wave, path: str, data: dict):
    url = wave_url(reference_org, wave)
    return post_form(consultant_client, url + "/invitations", url + path, data)


def invite(consultant_client, reference_org, wave, team: str):
    data = {"invite-team": reference_org.teams[team].id, "invite-delivery": "email"}
    return post(consultant_client, reference_org, wave, "/invitations", data)


def remind(consultant_client, reference_org, wave, team: str, delivery: str = "email"):
    data = {"remind-team": reference_org.teams[team].id, "remind-delivery": delivery}
    return post(consultant_client, reference_org, wave, "/reminders", data)


def visible_text(html: str) -> str:
    """The page without its CSRF tokens, ids in links and times, to compare two pages."""
    html = re.sub(r'value="[^"]*"', "", html)
    html = re.sub(r"/mailings/\d+", "/mailings/N", html)
    return re.sub(r"\d\d:\d\d(:\d\d)?", "HH:MM", html)


def test_reminders_offer_e_mail_only_and_the_page_counts_nobody(
    consultant_client, reference_org, wave, mail, app
):
    invite(consultant_client, reference_org, wave, "Spain")
    answer_all(app.test_client(), path_of(mail_links(mail.messages[0])[0])[3:], rep_questionnaire())
    html = consultant_client.get(wave_url(reference_org, wave) + "/invitations").get_data(
        as_text=True
    )
    deliveries = re.findall(r'name="(\w+-delivery)" required type="radio" value="(\w+)"', html)
    assert ("remind-delivery", "email") in deliveries
    assert ("remind-delivery", "csv") not in deliveries
    assert ("invite-delivery", "csv") in deliveries  # invitations still may
    assert "not answered yet." not in html
    assert "<dt>Answered</dt><dd>fewer than 5</dd>" in html


def test_reminder_links_cannot_be_downloaded(
    consultant_client, reference_org, wave, mail, app, dbs
):
    invite(consultant_client, reference_org, wave, "Spain")
    old = [path_of(mail_links(message)[0]) for message in mail.messages]
    mail.messages.clear()
    response = remind(consultant_client, reference_org, wave, "Spain", delivery="csv")
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    assert links_in(response.get_data(as_text=True)) == []
    assert [app.test_client().get(link).status_code for link in old] == [200, 200]
    assert dbs.scalar(select(func.count()).select_from(MailBatch)) == 1  # the invitations'
    assert mail.messages == []


def mailing_after_reminder(consultant_client, reference_org, wave, team: str):
    response = remind(consultant_client, reference_org, wave, team)
    assert response.status_code == 303
    location = response.headers["Location"]
    return consultant_client.get(location).get_data(as_text=True), consultant_client.get(
        location + ".json"
    )


def test_a_reminder_tells_nothing_of_who_answered(
    consultant_client, reference_org, wave, mail, app, dbs
):
    """Spain: both answered. Paris: one of three has not. The reminders look the same."""
    invite(consultant_client, reference_org, wave, "Spain")
    invite(consultant_client, reference_org, wave, "Paris")
    for message in mail.messages:
        if message["To"] != ROSTER["Paris"][0]:
            answer_all(app.test_client(), path_of(mail_links(message)[0])[3:], rep_questionnaire())
    mail.messages.clear()

    nobody_page, nobody_json = mailing_after_reminder(
        consultant_client, reference_org, wave, "Spain"
    )
    one_page, one_json = mailing_after_reminder(consultant_client, reference_org, wave, "Paris")

    assert [message["To"] for message in mail.messages] == [ROSTER["Paris"][0]]
    assert visible_text(nobody_page) == visible_text(one_page)
    assert "fewer than 5" in one_page
    assert nobody_json.get_json() == one_json.get_json()
    assert one_json.get_json()["sent"] is None
    events = dbs.scalars(
        select(AuditEvent).where(AuditEvent.action == "invitations.remind").order_by(AuditEvent.id)
    ).all()
    assert [event.details["count"] for event in events] == [None, None]


@pytest.mark.parametrize("capacity", ["0", "abc", "10001", "١٢", "-3", "1.5"])
def test_a_team_link_capacity_out_of_range_is_refused(
    consultant_client, reference_org, wave, dbs, capacity
):
    data = {
        "link-team": reference_org.teams["Spain"].id,
        "link-role": "rep",
        "link-capacity": capacity,
    }
    response = post(consultant_client, reference_org, wave, "/team-links", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Give a whole number of answers from 1 to 10000, or leave it empty" in html
    assert dbs.scalar(select(func.count()).select_from(TeamLink)) == 0


@pytest.mark.parametrize(("capacity", "expected"), [("7", 7), ("", len(SPAIN))])
def test_a_team_link_takes_the_capacity_given_or_the_roster(
    consultant_client, reference_org, wave, dbs, capacity, expected
):
    data = {
        "link-team": reference_org.teams["Spain"].id,
        "link-role": "rep",
        "link-capacity": capacity,
    }
    response = post(consultant_client, reference_org, wave, "/team-links", data)
    assert response.status_code == 201
    text = " ".join(response.get_data(as_text=True).split())
    assert f"It takes {expected} answers in all" in text
    assert dbs.scalar(select(TeamLink.capacity)) == expected
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "team_link.create"))
    assert event.details["capacity"] == expected
