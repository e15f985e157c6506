"""The least number of people whose words a group must pool: set with the assessment's settings,
never below its minimum group size k, at most 1000."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from survey.models import Assessment, AuditEvent
from tests.campaigns.helpers import post_form
from tests.factories import gen_assessment, gen_wave

SETTINGS = {
    "name": "Mindset",
    "rep_questionnaire": "rep-mindset:1",
    "manager_questionnaire": "",
    "mode": "anonymous",
    "min_group_size": "5",
}
LABEL = "Least number of people whose words a group must pool before they are shown"


def new_url(org) -> str:
    return f"/clients/{org.organisation.id}/assessments/new"


def edit_url(org, assessment) -> str:
    return f"/clients/{org.organisation.id}/assessments/{assessment.id}/edit"


def stored(dbs, assessment) -> tuple[int, int]:
    dbs.expire_all()
    found = dbs.get(Assessment, assessment.id)
    return found.min_group_size, found.comment_min_group_size


def events(dbs) -> int:
    dbs.expire_all()
    return dbs.scalar(select(func.count()).select_from(AuditEvent))


def test_the_new_assessment_form_offers_ten_with_its_label(consultant_client, reference_org):
    html = consultant_client.get(new_url(reference_org)).get_data(as_text=True)
    assert LABEL in html
    field = re.search(r'<input[^>]*name="comment_min_group_size"[^>]*>', html).group(0)
    assert 'value="10"' in field and "aria-describedby" in field


def test_a_new_assessment_keeps_the_threshold_given(consultant_client, reference_org, dbs):
    url = new_url(reference_org)
    data = {**SETTINGS, "name": "Second", "comment_min_group_size": "12"}
    assert post_form(consultant_client, url, url, data).status_code == 302
    assessment = dbs.scalar(select(Assessment).where(Assessment.name == "Second"))
    assert (assessment.min_group_size, assessment.comment_min_group_size) == (5, 12)
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "assessment.create"))
    assert event.details["comment_min_group_size"] == 12


@pytest.mark.parametrize(
    ("k", "value", "message"),
    [
        ("8", "7", "Give at least 8, the minimum group size (k)"),
        ("5", "1001", "Give at most 1000."),
        ("5", "ten", "Give a whole number, at least the minimum group size and at most 1000."),
        ("5", "-3", "Give a whole number, at least the minimum group size and at most 1000."),
        ("5", "١٢", "Give a whole number, at least the minimum group size and at most 1000."),
    ],
)
def test_a_bad_threshold_is_refused_with_a_clear_message(
    consultant_client, reference_org, dbs, k, value, message
):
    url = new_url(reference_org)
    data = {**SETTINGS, "name": "Second", "min_group_size": k, "comment_min_group_size": value}
    response = post_form(consultant_client, url, url, data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert dbs.scalar(select(Assessment).where(Assessment.name == "Second")) is None
    assert events(dbs) == 0


def test_the_threshold_may_equal_k_and_reach_a_thousand(consultant_client, reference_org, dbs):
    assessment = gen_assessment(dbs, reference_org.organisation)
    url = edit_url(reference_org, assessment)
    for k, value in (("7", "7"), ("5", "1000")):
        data = {**SETTINGS, "min_group_size": k, "comment_min_group_size": value}
        assert post_form(consultant_client, url, url, data).status_code == 302
        assert stored(dbs, assessment) == (int(k), int(value))


def test_raising_k_above_the_threshold_is_refused_naming_k(consultant_client, reference_org, dbs):
    assessment = gen_assessment(dbs, reference_org.organisation)
    url = edit_url(reference_org, assessment)
    data = {**SETTINGS, "min_group_size": "12", "comment_min_group_size": "10"}
    response = post_form(consultant_client, url, url, data)
    assert response.status_code == 422
    assert "Give at least 12, the minimum group size (k)" in response.get_data(as_text=True)
    assert stored(dbs, assessment) == (5, 10)
    assert events(dbs) == 0


def test_a_request_without_the_threshold_keeps_it_raised_to_k(
    consultant_client, reference_org, dbs
):
    """A client that sends no threshold (not the form) keeps it, raised to k: never a 500."""
    assessment = gen_assessment(dbs, reference_org.organisation)
    url = edit_url(reference_org, assessment)
    response = post_form(consultant_client, url, url, {**SETTINGS, "min_group_size": "8"})
    assert response.status_code == 302
    assert stored(dbs, assessment) == (8, 10)
    response = post_form(consultant_client, url, url, {**SETTINGS, "min_group_size": "30"})
    assert response.status_code == 302
    assert stored(dbs, assessment) == (30, 30)
    event = dbs.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert set(event.details["changed"]) == {"min_group_size", "comment_min_group_size"}


def test_it_still_changes_once_a_wave_has_opened(consultant_client, reference_org, dbs):
    assessment = gen_assessment(dbs, reference_org.organisation)
    gen_wave(dbs, assessment, opens_in=-timedelta(hours=1))
    url = edit_url(reference_org, assessment)
    form = consultant_client.get(url).get_data(as_text=True)
    assert re.search(r'name="comment_min_group_size"[^>]*value="10"', form)
    data = {**SETTINGS, "comment_min_group_size": "15"}
    assert post_form(consultant_client, url, url, data).status_code == 302
    assert stored(dbs, assessment) == (5, 15)
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "assessment.update"))
    assert event.details["changed"] == ["comment_min_group_size"]


def test_the_assessment_page_shows_it(consultant_client, reference_org, dbs):
    assessment = gen_assessment(dbs, reference_org.organisation)
    assessment.comment_min_group_size = 14
    dbs.commit()
    page = f"/clients/{reference_org.organisation.id}/assessments/{assessment.id}"
    html = consultant_client.get(page).get_data(as_text=True)
    assert "<dt>Least group for reps' words</dt><dd>14 people</dd>" in html
