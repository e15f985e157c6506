"""Personal links by e-mail through a real SMTP server, reminders, retries, the CSV, team links."""

from __future__ import annotations

import csv
import io
import logging
import socket
import time
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from survey.i18n import when
from survey.models import AuditEvent, Draft, Invitation, MailBatch, MailDelivery, TeamLink
from tests.campaigns.helpers import links_in, mail_links, path_of, post_form
from tests.conftest import REFUSED_DOMAIN
from tests.factories import ROSTER, gen_assessment, gen_wave, rep_questionnaire
from tests.survey.journey import answer_all, item_fields, page_form, pages_of

PARIS = ROSTER["Paris"]


@pytest.fixture
def wave(dbs, reference_org, reference_roster):
    """An open wave of a new confidential assessment of Acme Solar, with ROSTER on its roster."""
    assessment = gen_assessment(dbs, reference_org.organisation, mode="confidential")
    return gen_wave(dbs, assessment, opens_in=-timedelta(hours=1))


def wave_url(reference_org, wave) -> str:
    return (
        f"/clients/{reference_org.organisation.id}/assessments/{wave.assessment_id}/waves/{wave.id}"
    )


def invite(client, reference_org, wave, team: str | None, delivery: str = "email"):
    url = wave_url(reference_org, wave) + "/invitations"
    team_id = reference_org.teams[team].id if team else 0
    return post_form(client, url, url, {"invite-team": team_id, "invite-delivery": delivery})


def remind(client, reference_org, wave, team: str | None = None, delivery: str = "email"):
    url = wave_url(reference_org, wave)
    team_id = reference_org.teams[team].id if team else 0
    data = {"remind-team": team_id, "remind-delivery": delivery}
    return post_form(client, url + "/invitations", url + "/reminders", data)


def count(dbs, model) -> int:
    return dbs.scalar(select(func.count()).select_from(model))


def test_invitations_are_mailed_and_their_links_open_the_survey(
    consultant_client, reference_org, wave, mail, app, dbs
):
    app.config["PUBLIC_URL"] = "https://survey.consultancy.example/"
    response = invite(consultant_client, reference_org, wave, "France")
    assert response.status_code == 303
    assert sorted(message["To"] for message in mail.messages) == sorted(
        [*PARIS, "dan@acme.example"]
    )
    message = mail.messages[0]
    assert message["From"] == "survey@consultancy.example"
    assert message["Subject"] == "Your invitation: Mindset"
    (link,) = mail_links(message)
    # Built from PUBLIC_URL, never from the request's host (localhost in the test client).
    assert link.startswith("https://survey.consultancy.example/r/")
    assert "localhost" not in message.get_content()
    assert "groups of 5 or more" in message.get_content()
    assert app.test_client().get(path_of(link)).status_code == 200

    batch = consultant_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Done" in batch
    statuses = dbs.execute(select(MailDelivery.status, func.count()).group_by(MailDelivery.status))
    assert dict(statuses.all()) == {"sent": 4}


def test_the_mailing_reports_its_counts_as_json(consultant_client, reference_org, wave, mail):
    location = invite(consultant_client, reference_org, wave, "Spain").headers["Location"]
    state = consultant_client.get(location + ".json").get_json()
    assert state == {
        "total": 2,
        "sent": 2,
        "failed": 0,
        "pending": 0,
        "finished": 2,
        "state": "done",
        "done": True,
        "reasons": [],
    }


def test_people_invited_already_are_left_out(consultant_client, reference_org, wave, mail, dbs):
    invite(consultant_client, reference_org, wave, "Paris")
    assert len(mail.messages) == 3
    invite(consultant_client, reference_org, wave, None)
    assert len(mail.messages) == 6  # France's dan and Spain's two only
    assert count(dbs, Invitation) == 6
    again = invite(consultant_client, reference_org, wave, None)
    assert again.status_code == 422
    assert "has an invitation to this wave already" in again.get_data(as_text=True)
    assert count(dbs, Invitation) == 6


def test_the_audit_log_has_the_action_without_links(
    consultant_client, reference_org, wave, mail, dbs
):
    invite(consultant_client, reference_org, wave, "Paris")
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "invitations.create"))
    assert event.details["count"] == 3
    assert event.details["delivery"] == "email"
    tokens = [path_of(link).removeprefix("/r/") for m in mail.messages for link in mail_links(m)]
    flat = repr([(e.action, e.target, e.details) for e in dbs.scalars(select(AuditEvent))])
    assert not any(token in flat for token in tokens)


def test_neither_tokens_nor_links_are_logged(consultant_client, reference_org, wave, mail, caplog):
    with caplog.at_level(logging.DEBUG):
        invite(consultant_client, reference_org, wave, "Paris")
        remind(consultant_client, reference_org, wave)
    tokens = [path_of(link).removeprefix("/r/") for m in mail.messages for link in mail_links(m)]
    assert len(tokens) == 6
    # The app's own log, not the test SMTP server's (aiosmtpd logs "mail.log" at DEBUG).
    ours = "\n".join(
        record.getMessage() for record in caplog.records if not record.name.startswith("mail.")
    )
    assert "Mail batch" in ours
    assert not any(token in ours for token in tokens)
    assert "/r/" not in ours


def test_a_refused_address_is_recorded_and_can_be_retried(
    consultant_client, reference_org, reference_roster, wave, mail, dbs, app
):
    person = reference_roster["bea@acme.example"]
    person.email = "bea@" + REFUSED_DOMAIN
    dbs.commit()
    location = invite(consultant_client, reference_org, wave, "Paris").headers["Location"]
    assert len(mail.messages) == 2
    state = consultant_client.get(location + ".json").get_json()
    assert (state["sent"], state["failed"]) == (2, 1)
    (reason,) = state["reasons"]
    assert reason == {
        "reason": "the mail server refused the address (550 5.1.1 No such mailbox here)",
        "count": 1,
    }
    assert count(dbs, Invitation) == 3  # the invitations are kept whatever the mail did
    page = consultant_client.get(location).get_data(as_text=True)
    assert "Send the 1 again" in page
    assert REFUSED_DOMAIN not in page

    person.email = "bea@acme.example"
    dbs.commit()
    retried = post_form(consultant_client, location, location + "/retry", {})
    assert retried.status_code == 303
    assert mail.messages[-1]["To"] == "bea@acme.example"
    (link,) = mail_links(mail.messages[-1])
    assert app.test_client().get(path_of(link)).status_code == 200
    # Retried once: the first mailing has nothing left to retry.
    assert "Send the 1 again" not in consultant_client.get(location).get_data(as_text=True)
    assert post_form(consultant_client, location, location + "/retry", {}).status_code == 409
    assert dbs.scalar(select(AuditEvent).where(AuditEvent.action == "invitations.retry"))


def test_a_wave_still_to_open_says_when_it_opens(
    consultant_client, reference_org, reference_roster, dbs, mail, app
):
    assessment = gen_assessment(dbs, reference_org.organisation, name="Autumn check")
    later = gen_wave(dbs, assessment, opens_in=timedelta(days=3))
    invite(consultant_client, reference_org, later, "Spain")
    text = mail.messages[0].get_content()
    with app.test_request_context():
        opens = when(later.opens_at, "UTC")
    assert f"The survey opens on {opens} and closes on" in text
    assert "(UTC)" in text


def test_a_mail_speaks_its_addressees_language_and_zone(
    consultant_client, reference_org, reference_roster, dbs, mail, app
):
    """A Madrid rep reads the deadline in Madrid time, the zone named, in their own language."""
    reference_org.teams["Spain"].time_zone = "Europe/Madrid"
    reference_roster["eva@acme.example"].language = "es"
    dbs.commit()
    assessment = gen_assessment(dbs, reference_org.organisation, name="Autumn check")
    wave = gen_wave(dbs, assessment, opens_in=-timedelta(hours=1))
    invite(consultant_client, reference_org, wave, "Spain")
    texts = {message["To"]: message.get_content() for message in mail.messages}
    with app.test_request_context():
        english = when(wave.closes_at, "Europe/Madrid")
        with force_locale("es"):
            spanish = when(wave.closes_at, "Europe/Madrid")
    assert "(Europe/Madrid)" in texts["fer@acme.example"]
    assert english in texts["fer@acme.example"]
    assert spanish in texts["eva@acme.example"]
    assert english != spanish


def test_an_address_that_would_inject_headers_fails_alone(
    consultant_client, reference_org, reference_roster, wave, mail, dbs
):
    reference_roster["eva@acme.example"].email = "eva@acme.example\r\nBcc: all@evil.example"
    dbs.commit()
    location = invite(consultant_client, reference_org, wave, "Spain").headers["Location"]
    state = consultant_client.get(location + ".json").get_json()
    assert (state["sent"], state["failed"]) == (1, 1)
    assert state["reasons"] == [
        {"reason": "the address cannot be written into an e-mail", "count": 1}
    ]
    assert [message["To"] for message in mail.messages] == ["fer@acme.example"]


def test_an_unreachable_server_fails_every_mail_and_keeps_the_invitations(
    consultant_client, reference_org, wave, mail, dbs, app
):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    app.config["SMTP_PORT"] = closed_port
    location = invite(consultant_client, reference_org, wave, "Paris").headers["Location"]
    state = consultant_client.get(location + ".json").get_json()
    assert (state["sent"], state["failed"]) == (0, 3)
    assert state["reasons"][0]["reason"].startswith("could not reach the mail server")
    assert count(dbs, Invitation) == 3

    app.config["SMTP_PORT"] = mail.port
    retried = post_form(consultant_client, location, location + "/retry", {})
    assert sorted(message["To"] for message in mail.messages) == sorted(PARIS)
    again = consultant_client.get(retried.headers["Location"] + ".json").get_json()
    assert (again["sent"], again["failed"]) == (3, 0)


def test_reminders_go_only_to_those_who_have_not_answered(
    consultant_client, reference_org, wave, mail, app, dbs
):
    invite(consultant_client, reference_org, wave, "Paris")
    first_links = {m["To"]: path_of(mail_links(m)[0]) for m in mail.messages}
    questionnaire = rep_questionnaire()
    # ana answers in full; bea answers the first page and stops; carl does nothing.
    answer_all(app.test_client(), first_links[PARIS[0]].removeprefix("/r/"), questionnaire)
    bea_token = first_links[PARIS[1]].removeprefix("/r/")
    page_one = pages_of(questionnaire)[0]
    assert page_form(app.test_client(), bea_token, 1, item_fields(page_one)).status_code == 302
    mail.messages.clear()

    response = remind(consultant_client, reference_org, wave)
    assert response.status_code == 303
    assert sorted(m["To"] for m in mail.messages) == [PARIS[1], PARIS[2]]
    reminder = next(m for m in mail.messages if m["To"] == PARIS[1])
    assert reminder["Subject"] == "Reminder: Mindset"
    assert "you start afresh" in reminder.get_content()
    rep = app.test_client()
    (fresh,) = mail_links(reminder)
    intro = rep.get(path_of(fresh))
    assert intro.status_code == 200
    # bea's draft was sealed under the old link: it is gone, and the fresh link starts anew.
    assert "Continue where" not in intro.get_data(as_text=True)
    assert count(dbs, Draft) == 0
    assert rep.get(first_links[PARIS[1]]).status_code == 404  # the old link no longer works
    assert dbs.scalar(select(MailBatch.kind).order_by(MailBatch.id.desc())) == "reminder"


def test_a_reminder_with_nobody_waiting_is_refused(
    consultant_client, reference_org, wave, mail, app
):
    invite(consultant_client, reference_org, wave, "Spain")
    for message in mail.messages:
        answer_all(app.test_client(), path_of(mail_links(message)[0])[3:], rep_questionnaire())
    mail.messages.clear()
    response = remind(consultant_client, reference_org, wave, "Spain")
    assert response.status_code == 422
    assert "Nobody invited there is waiting for a reminder." in response.get_data(as_text=True)
    assert mail.messages == []


def test_the_invitation_page_shows_counts_never_names(
    consultant_client, reference_org, wave, mail, app
):
    invite(consultant_client, reference_org, wave, "Paris")
    answer_all(app.test_client(), path_of(mail_links(mail.messages[0])[0])[3:], rep_questionnaire())
    html = consultant_client.get(wave_url(reference_org, wave) + "/invitations").get_data(
        as_text=True
    )
    assert "2 people invited have not answered yet." in html
    assert not any(email in html for email in PARIS)


def test_links_for_mail_merge_come_once_as_csv(
    consultant_client, reference_org, reference_roster, wave, mail, app, dbs
):
    person = reference_roster["eva@acme.example"]
    person.email = "=cmd|' /C calc'!A0@acme.example"
    dbs.commit()
    response = invite(consultant_client, reference_org, wave, "Global", delivery="csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="links-')
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert list(rows[0]) == ["email", "team", "role", "link"]
    by_email = {row["email"]: row for row in rows}
    assert len(rows) == 6
    assert by_email["ana@acme.example"]["team"] == "Global/France/Paris"
    assert "'=cmd|' /C calc'!A0@acme.example" in by_email  # neutralised for spreadsheets
    assert mail.messages == []
    assert app.test_client().get(path_of(rows[0]["link"])).status_code == 200
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "invitations.create"))
    assert event.details["delivery"] == "csv"


def test_reminder_links_can_come_as_csv_too(consultant_client, reference_org, wave, mail, app):
    old = links_in(
        invite(consultant_client, reference_org, wave, "Spain", delivery="csv").get_data(
            as_text=True
        )
    )
    fresh = links_in(
        remind(consultant_client, reference_org, wave, delivery="csv").get_data(as_text=True)
    )
    assert len(fresh) == 2 and set(fresh).isdisjoint(old)
    rep = app.test_client()
    assert [rep.get(path_of(link)).status_code for link in old] == [404, 404]
    assert [rep.get(path_of(link)).status_code for link in fresh] == [200, 200]


def test_a_team_link_is_shown_once_and_opens_the_survey(
    consultant_client, reference_org, wave, app, dbs
):
    url = wave_url(reference_org, wave)
    data = {"link-team": reference_org.teams["Spain"].id, "link-role": "rep"}
    response = post_form(consultant_client, url + "/invitations", url + "/team-links", data)
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    (link,) = links_in(response.get_data(as_text=True))
    assert app.test_client().get(path_of(link)).status_code == 200
    assert count(dbs, TeamLink) == 1
    assert dbs.scalar(select(AuditEvent).where(AuditEvent.action == "team_link.create"))
    assert link not in consultant_client.get(url + "/invitations").get_data(as_text=True)


def test_a_bad_invitation_form_is_refused_and_makes_nothing(
    consultant_client, reference_org, wave, mail, dbs
):
    url = wave_url(reference_org, wave)
    other_team = reference_org.rival_team.id
    data = {"invite-team": other_team, "invite-delivery": "email"}
    response = post_form(consultant_client, url + "/invitations", url + "/invitations", data)
    assert response.status_code == 422
    assert "No invitation was made" in response.get_data(as_text=True)
    data = {"invite-team": 0, "invite-delivery": "carrier pigeon"}
    assert (
        post_form(consultant_client, url + "/invitations", url + "/invitations", data).status_code
        == 422
    )
    assert count(dbs, Invitation) == 0
    assert mail.messages == []


def test_wrong_mail_settings_fail_the_mails_with_a_reason(
    consultant_client, reference_org, wave, mail, app, dbs
):
    app.config["SMTP_SECURITY"] = "carrier pigeon"
    html = consultant_client.get(wave_url(reference_org, wave) + "/invitations").get_data(
        as_text=True
    )
    assert "E-mail cannot be sent: SURVEY_SMTP_SECURITY must be none, starttls or ssl" in html
    location = invite(consultant_client, reference_org, wave, "Spain").headers["Location"]
    state = consultant_client.get(location + ".json").get_json()
    assert state["failed"] == 2
    assert state["reasons"][0]["reason"].startswith("the mail settings are wrong")
    assert count(dbs, Invitation) == 2


def test_mail_goes_out_in_the_background_and_the_page_follows(
    consultant_client, reference_org, wave, mail, app
):
    app.config["JOBS_IN_BACKGROUND"] = True
    location = invite(consultant_client, reference_org, wave, None).headers["Location"]
    page = consultant_client.get(location).get_data(as_text=True)
    assert "js/live-counts.js" in page
    state = consultant_client.get(location + ".json").get_json()
    for _attempt in range(600):
        if state["done"]:
            break
        time.sleep(0.05)
        state = consultant_client.get(location + ".json").get_json()
    assert (state["state"], state["sent"], state["failed"]) == ("done", 6, 0)
    assert len(mail.messages) == 6
