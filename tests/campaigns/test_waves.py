"""Scheduling waves, opening and closing them, and a closed wave refusing a rep end to end."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from survey.campaigns.schedule import Schedule, overlapping, schedule_problems, wave_status
from survey.models import AuditEvent, Wave
from survey.models._columns import utcnow
from tests.campaigns.helpers import links_in, local, path_of, post_form
from tests.factories import gen_assessment, gen_wave, rep_questionnaire
from tests.survey.journey import answer_all


def base(reference_org, assessment) -> str:
    return f"/clients/{reference_org.organisation.id}/assessments/{assessment.id}"


def waves(dbs, assessment) -> list[Wave]:
    query = select(Wave).where(Wave.assessment_id == assessment.id).order_by(Wave.opens_at)
    return list(dbs.scalars(query))


def test_a_valid_schedule_is_stored_and_audited(consultant_client, reference_org, dbs):
    assessment = gen_assessment(dbs, reference_org.organisation)
    url = base(reference_org, assessment) + "/waves/new"
    opens = utcnow() + timedelta(days=2)
    data = {"name": "Spring", "opens_at": local(opens), "closes_at": local(opens + timedelta(14))}
    response = post_form(consultant_client, url, url, data)
    assert response.status_code == 302
    (wave,) = waves(dbs, assessment)
    assert wave.name == "Spring"
    assert wave.opens_at == opens.replace(second=0, microsecond=0)
    assert wave_status(wave, utcnow()) == "scheduled"
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "wave.create"))
    assert event.target == f"wave {wave.id}"


@pytest.mark.parametrize(
    ("opens_in", "closes_in", "message"),
    [
        (timedelta(days=5), timedelta(days=4), "The wave must close after it opens."),
        (timedelta(days=5), timedelta(days=5), "The wave must close after it opens."),
        (-timedelta(days=5), -timedelta(days=1), "That opening time has passed."),
        (timedelta(days=10), timedelta(days=12), "These times overlap Wave 1"),
        (timedelta(days=1), timedelta(days=30), "These times overlap Wave 1"),
    ],
)
def test_a_bad_schedule_is_refused_and_nothing_stored(
    consultant_client, reference_org, dbs, opens_in, closes_in, message
):
    assessment = gen_assessment(dbs, reference_org.organisation)
    gen_wave(dbs, assessment, opens_in=timedelta(days=7), lasts=timedelta(days=7))
    url = base(reference_org, assessment) + "/waves/new"
    now = utcnow()
    data = {
        "name": "Wave 2",
        "opens_at": local(now + opens_in),
        "closes_at": local(now + closes_in),
    }
    response = post_form(consultant_client, url, url, data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert len(waves(dbs, assessment)) == 1
    assert dbs.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_a_wave_name_is_unique_in_its_assessment(consultant_client, reference_org, dbs):
    assessment = gen_assessment(dbs, reference_org.organisation)
    gen_wave(dbs, assessment, opens_in=timedelta(days=7), name="Spring")
    url = base(reference_org, assessment) + "/waves/new"
    now = utcnow()
    data = {
        "name": "spring",
        "opens_at": local(now + timedelta(days=30)),
        "closes_at": local(now + timedelta(days=40)),
    }
    response = post_form(consultant_client, url, url, data)
    assert response.status_code == 422
    assert "already has a wave called" in response.get_data(as_text=True)


def test_missing_or_malformed_times_are_refused(consultant_client, reference_org, dbs):
    assessment = gen_assessment(dbs, reference_org.organisation)
    url = base(reference_org, assessment) + "/waves/new"
    response = post_form(
        consultant_client, url, url, {"name": "W", "opens_at": "", "closes_at": "soon"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Not a valid datetime value." in html
    assert waves(dbs, assessment) == []


def test_back_to_back_waves_do_not_overlap():
    start = datetime(2026, 3, 1)
    first = Wave(name="A", opens_at=start, closes_at=start + timedelta(days=7))
    assert overlapping(start + timedelta(days=7), start + timedelta(days=14), [first]) is None
    assert overlapping(start + timedelta(days=6), start + timedelta(days=14), [first]) is first


def test_an_open_wave_keeps_its_opening_time_when_edited():
    now = datetime(2026, 3, 5, 12, 0)
    wave = Wave(name="A", opens_at=datetime(2026, 3, 1), closes_at=datetime(2026, 3, 10))
    schedule = Schedule("A", None, datetime(2026, 3, 20))
    assert schedule_problems(schedule, [wave], now, editing=wave) == {}
    early = Schedule("A", None, datetime(2026, 3, 5, 11))
    assert schedule_problems(early, [wave], now, editing=wave) == {
        "closes_at": "That closing time has passed; choose one to come."
    }


def test_editing_an_open_wave_extends_it(consultant_client, reference_org, dbs):
    assessment = gen_assessment(dbs, reference_org.organisation)
    wave = gen_wave(dbs, assessment, opens_in=-timedelta(days=1))
    opened = wave.opens_at
    url = f"{base(reference_org, assessment)}/waves/{wave.id}/edit"
    later = utcnow() + timedelta(days=30)
    data = {"name": "Wave 1", "opens_at": local(utcnow()), "closes_at": local(later)}
    assert post_form(consultant_client, url, url, data).status_code == 302
    dbs.refresh(wave)
    assert wave.opens_at == opened
    assert wave.closes_at == later.replace(second=0, microsecond=0)


def test_a_closed_wave_cannot_be_edited(consultant_client, reference_org, dbs):
    assessment = gen_assessment(dbs, reference_org.organisation)
    wave = gen_wave(dbs, assessment, opens_in=-timedelta(days=10), lasts=timedelta(days=2))
    response = consultant_client.get(f"{base(reference_org, assessment)}/waves/{wave.id}/edit")
    assert response.status_code == 409
    assert "a closed wave cannot be changed" in response.get_data(as_text=True)


def test_open_now_asks_first_then_opens_and_locks_the_settings(
    consultant_client, reference_org, dbs
):
    assessment = gen_assessment(dbs, reference_org.organisation)
    wave = gen_wave(dbs, assessment, opens_in=timedelta(days=3))
    url = f"{base(reference_org, assessment)}/waves/{wave.id}/open"
    page = consultant_client.get(url).get_data(as_text=True)
    assert "Open Wave 1 now?" in page
    assert "will be locked from now on" in page
    dbs.refresh(wave)
    assert wave_status(wave, utcnow()) == "scheduled"  # showing the question changes nothing

    assert post_form(consultant_client, url, url, {}).status_code == 302
    dbs.refresh(wave)
    assert wave_status(wave, utcnow()) == "open"
    assert dbs.scalar(select(AuditEvent).where(AuditEvent.action == "wave.open")) is not None
    detail = consultant_client.get(base(reference_org, assessment)).get_data(as_text=True)
    assert "locked since Wave 1 opened" in detail


def test_open_now_without_the_form_token_changes_nothing(consultant_client, reference_org, dbs):
    assessment = gen_assessment(dbs, reference_org.organisation)
    wave = gen_wave(dbs, assessment, opens_in=timedelta(days=3))
    response = consultant_client.post(f"{base(reference_org, assessment)}/waves/{wave.id}/open")
    assert response.status_code == 400
    dbs.refresh(wave)
    assert wave_status(wave, utcnow()) == "scheduled"


def test_open_now_is_refused_while_another_wave_is_open(consultant_client, reference_org, dbs):
    assessment = gen_assessment(dbs, reference_org.organisation)
    gen_wave(dbs, assessment, opens_in=-timedelta(days=1), lasts=timedelta(days=5))
    later = gen_wave(dbs, assessment, opens_in=timedelta(days=6), name="Wave 2")
    url = f"{base(reference_org, assessment)}/waves/{later.id}/open"
    response = consultant_client.get(url)
    assert response.status_code == 409
    assert "would overlap Wave 1" in response.get_data(as_text=True)


def test_close_now_is_only_for_an_open_wave(consultant_client, reference_org, dbs):
    assessment = gen_assessment(dbs, reference_org.organisation)
    wave = gen_wave(dbs, assessment, opens_in=timedelta(days=3))
    response = consultant_client.get(f"{base(reference_org, assessment)}/waves/{wave.id}/close")
    assert response.status_code == 409
    assert "has not opened yet" in response.get_data(as_text=True)


def test_a_closed_wave_refuses_a_rep_end_to_end(
    consultant_client, reference_org, reference_roster, dbs, app
):
    """Open a wave, make links, close it: the link worked before and is a 404 after."""
    assessment = gen_assessment(dbs, reference_org.organisation)
    wave = gen_wave(dbs, assessment, opens_in=timedelta(days=1))
    wave_url = f"{base(reference_org, assessment)}/waves/{wave.id}"
    post_form(consultant_client, wave_url + "/open", wave_url + "/open", {})
    invitations = wave_url + "/invitations"
    csv_file = post_form(
        consultant_client,
        invitations,
        invitations,
        {"invite-team": reference_org.teams["Paris"].id, "invite-delivery": "csv"},
    )
    first, second, _third = links_in(csv_file.get_data(as_text=True))
    rep = app.test_client()
    assert rep.get(path_of(first)).status_code == 200
    answer_all(rep, path_of(first).removeprefix("/r/"), rep_questionnaire())

    confirm = consultant_client.get(wave_url + "/close").get_data(as_text=True)
    assert "This cannot be undone." in confirm
    assert (
        post_form(consultant_client, wave_url + "/close", wave_url + "/close", {}).status_code
        == 302
    )
    dbs.refresh(wave)
    assert wave_status(wave, utcnow()) == "closed"
    refused = app.test_client().get(path_of(second))
    assert refused.status_code == 404
    assert "This link does not open a survey" in refused.get_data(as_text=True)
    # A closed wave takes no new links either.
    again = post_form(
        consultant_client,
        wave_url + "/rates",
        invitations,
        {"invite-team": 0, "invite-delivery": "csv"},
    )
    assert again.status_code == 409


def test_wave_times_are_typed_and_shown_in_the_organisations_zone_from_midnight(
    consultant_client, reference_org, dbs
):
    """A Madrid organisation types 1 February 00:00: the wave opens at 23:00 UTC the day
    before, and the form shows it back as it was typed; a new wave starts at local midnight."""
    reference_org.organisation.time_zone = "Europe/Madrid"
    dbs.commit()
    assessment = gen_assessment(dbs, reference_org.organisation)
    url = base(reference_org, assessment) + "/waves/new"
    blank = consultant_client.get(url).get_data(as_text=True)
    assert "Opens (Europe/Madrid)" in blank and "Times are in Europe/Madrid" in blank
    assert re.search(r'name="opens_at"[^>]*value="\d{4}-\d\d-\d\dT00:00"', blank)
    year = utcnow().year + 1
    data = {"name": "Winter", "opens_at": f"{year}-02-01T00:00", "closes_at": f"{year}-02-22T00:00"}
    assert post_form(consultant_client, url, url, data).status_code == 302
    (wave,) = waves(dbs, assessment)
    assert (wave.opens_at, wave.closes_at) == (
        datetime(year, 1, 31, 23, 0),
        datetime(year, 2, 21, 23, 0),
    )
    edit = f"{base(reference_org, assessment)}/waves/{wave.id}/edit"
    shown = consultant_client.get(edit).get_data(as_text=True)
    assert f'value="{year}-02-01T00:00"' in shown and f'value="{year}-02-22T00:00"' in shown
