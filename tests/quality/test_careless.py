"""The consultant's choice whether responses flagged as careless count: a confirmed, audited
form that says which waves it still applies to, and what released waves keep."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from survey.models import AuditEvent
from tests.conftest import csrf_from
from tests.factories import gen_wave
from tests.quality.world import quality_url, text_of


def _url(org) -> str:
    return quality_url(org.organisation.id, org.assessment.id) + "/careless"


def _events(dbs) -> list[AuditEvent]:
    dbs.expire_all()
    return list(dbs.scalars(select(AuditEvent).where(AuditEvent.action == "assessment.careless")))


def test_the_form_says_which_waves_it_applies_to(consultant_client, dbs, reference_org):
    org = reference_org
    gen_wave(dbs, org.assessment, timedelta(days=30), name="Winter")
    text = text_of(consultant_client.get(_url(org)).get_data(as_text=True))
    assert "Your choice applies to Winter and to waves scheduled later" in text
    kept = "Released waves keep what they were released with (Spring: counted, Autumn: counted)"
    assert kept in text


def test_leaving_flagged_responses_out_is_saved_audited_and_shown(
    consultant_client, dbs, reference_org
):
    org = reference_org
    gen_wave(dbs, org.assessment, timedelta(days=30), name="Winter")
    token = csrf_from(consultant_client.get(_url(org)).get_data(as_text=True))
    data = {"csrf_token": token, "careless": "leave_out"}
    response = consultant_client.post(_url(org), data=data)
    assert response.status_code == 302
    dbs.refresh(org.assessment)
    assert org.assessment.careless_left_out is True
    (event,) = _events(dbs)
    assert event.user_email == org.users["consultant"].email
    assert event.organisation_id == org.organisation.id
    assert event.target == f"assessment {org.assessment.id}"
    assert event.details == {"before": False, "after": True, "applies_to": ["Winter"]}
    page = consultant_client.get(response.headers["Location"]).get_data(as_text=True)
    text = text_of(page)
    assert "now left out of the results of waves released from now on" in text
    assert "No: responses flagged as careless are left out of the results in Winter and" in text
    assert "Spring counted them, Autumn counted them." in text


def test_a_form_without_its_token_changes_nothing(consultant_client, dbs, reference_org):
    org = reference_org
    response = consultant_client.post(_url(org), data={"careless": "leave_out"})
    assert response.status_code == 400
    dbs.refresh(org.assessment)
    assert org.assessment.careless_left_out is False
    assert _events(dbs) == []


def test_a_choice_that_is_not_offered_is_refused(consultant_client, dbs, reference_org):
    org = reference_org
    token = csrf_from(consultant_client.get(_url(org)).get_data(as_text=True))
    for data in ({"careless": "maybe"}, {}, {"careless": "LEAVE_OUT"}):
        response = consultant_client.post(_url(org), data={"csrf_token": token, **data})
        assert response.status_code == 422, data
    dbs.refresh(org.assessment)
    assert org.assessment.careless_left_out is False
    assert _events(dbs) == []


def test_choosing_what_is_already_set_records_nothing(consultant_client, dbs, reference_org):
    org = reference_org
    token = csrf_from(consultant_client.get(_url(org)).get_data(as_text=True))
    response = consultant_client.post(_url(org), data={"csrf_token": token, "careless": "count"})
    assert response.status_code == 302
    assert _events(dbs) == []
