"""Creating and editing assessments: valid and invalid forms, and the settings locked by a wave."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from survey.models import Assessment, AuditEvent
from tests.campaigns.helpers import make_assessment, make_wave, post_form
from tests.factories import rep_questionnaire

VALID = {
    "name": "Sales mindset 2026",
    "rep_questionnaire": "rep-mindset:1",
    "manager_questionnaire": "manager-mindset:1",
    "mode": "confidential",
    "min_group_size": "6",
}


def new_url(acme) -> str:
    return f"/clients/{acme.organisation.id}/assessments/new"


def count(dbs, model) -> int:
    return dbs.scalar(select(func.count()).select_from(model))


def test_the_form_offers_the_installed_questionnaires(consultant, acme):
    page = consultant.get(new_url(acme))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="rep-mindset:1"' in html
    assert 'value="manager-mindset:1"' in html


def test_a_valid_form_records_the_questionnaire_versions_and_hashes(consultant, acme, dbs):
    response = post_form(consultant, new_url(acme), new_url(acme), VALID)
    assert response.status_code == 302
    assessment = dbs.scalar(select(Assessment))
    assert (assessment.name, assessment.mode, assessment.min_group_size) == (
        "Sales mindset 2026",
        "confidential",
        6,
    )
    questionnaire = rep_questionnaire()
    assert assessment.rep_questionnaire_key == questionnaire.key
    assert assessment.rep_questionnaire_version == questionnaire.version
    assert assessment.rep_questionnaire_sha256 == questionnaire.sha256
    assert assessment.manager_questionnaire_key == "manager-mindset"
    assert len(assessment.manager_questionnaire_sha256) == 64
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "assessment.create"))
    assert event.organisation_id == acme.organisation.id
    assert event.user_email == "c@example.com"
    assert event.details["min_group_size"] == 6


def test_the_manager_version_is_optional(consultant, acme, dbs):
    data = {**VALID, "manager_questionnaire": ""}
    assert post_form(consultant, new_url(acme), new_url(acme), data).status_code == 302
    assert dbs.scalar(select(Assessment)).manager_questionnaire_key is None


def test_the_default_group_size_is_five(consultant, acme, dbs):
    html = consultant.get(new_url(acme)).get_data(as_text=True)
    field = re.search(r'<input[^>]*name="min_group_size"[^>]*>', html).group(0)
    assert 'value="5"' in field and 'min="3"' in field


def assert_refused(consultant, acme, dbs, data: dict, message: str) -> None:
    response = post_form(consultant, new_url(acme), new_url(acme), data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert "Nothing was saved" in html
    assert count(dbs, Assessment) == 0
    assert count(dbs, AuditEvent) == 0


def test_a_group_size_below_three_is_refused(consultant, acme, dbs):
    data = {**VALID, "min_group_size": "2"}
    assert_refused(consultant, acme, dbs, data, "The minimum group size lies between 3 and 100.")


def test_a_group_size_that_is_not_a_number_is_refused(consultant, acme, dbs):
    data = {**VALID, "min_group_size": "five"}
    assert_refused(consultant, acme, dbs, data, "Not a valid integer value.")


def test_a_missing_name_is_refused(consultant, acme, dbs):
    assert_refused(consultant, acme, dbs, {**VALID, "name": "   "}, "Give the assessment a name.")


def test_an_unknown_questionnaire_is_refused(consultant, acme, dbs):
    data = {**VALID, "rep_questionnaire": "rep-mindset:99"}
    assert_refused(consultant, acme, dbs, data, "Not a valid choice.")


def test_an_unknown_mode_is_refused(consultant, acme, dbs):
    assert_refused(consultant, acme, dbs, {**VALID, "mode": "public"}, "Not a valid choice.")


def test_a_second_assessment_with_the_same_name_is_refused(consultant, acme, dbs):
    make_assessment(dbs, acme.organisation, name="Sales Mindset 2026")
    response = post_form(consultant, new_url(acme), new_url(acme), VALID)
    assert response.status_code == 422
    assert "already has an assessment with that name" in response.get_data(as_text=True)
    assert count(dbs, Assessment) == 1


def edit_url(acme, assessment) -> str:
    return f"/clients/{acme.organisation.id}/assessments/{assessment.id}/edit"


def test_settings_can_change_until_a_wave_opens(consultant, acme, dbs):
    assessment = make_assessment(dbs, acme.organisation)
    make_wave(dbs, assessment, opens_in=timedelta(days=3))
    url = edit_url(acme, assessment)
    data = {**VALID, "manager_questionnaire": "", "min_group_size": "8"}
    assert post_form(consultant, url, url, data).status_code == 302
    dbs.refresh(assessment)
    assert (assessment.min_group_size, assessment.mode) == (8, "confidential")
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "assessment.update"))
    assert set(event.details["changed"]) == {"name", "mode", "min_group_size"}


def test_the_group_size_is_locked_once_a_wave_has_opened(consultant, acme, dbs):
    assessment = make_assessment(dbs, acme.organisation)
    make_wave(dbs, assessment, opens_in=-timedelta(hours=1), name="Spring")
    url = edit_url(acme, assessment)
    data = {
        "name": "Mindset",
        "rep_questionnaire": "rep-mindset:1",
        "manager_questionnaire": "",
        "mode": "anonymous",
        "min_group_size": "3",
    }
    response = post_form(consultant, url, url, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The minimum group size is locked at 5: Spring opened on" in html
    dbs.refresh(assessment)
    assert assessment.min_group_size == 5
    assert count(dbs, AuditEvent) == 0


def test_the_mode_is_locked_once_a_wave_has_opened(consultant, acme, dbs):
    assessment = make_assessment(dbs, acme.organisation)
    make_wave(dbs, assessment, opens_in=-timedelta(days=30), lasts=timedelta(days=2))
    url = edit_url(acme, assessment)
    data = {**VALID, "name": "Mindset", "manager_questionnaire": "", "min_group_size": "5"}
    response = post_form(consultant, url, url, data)
    assert response.status_code == 422
    assert "The mode is locked (anonymous)" in response.get_data(as_text=True)
    dbs.refresh(assessment)
    assert assessment.mode == "anonymous"


def test_the_name_can_still_change_and_keeps_the_recorded_hash(consultant, acme, dbs):
    assessment = make_assessment(dbs, acme.organisation)
    make_wave(dbs, assessment, opens_in=-timedelta(hours=1))
    # As if the file had changed since: renaming must not adopt the new file's hash.
    assessment.rep_questionnaire_sha256 = "0" * 64
    dbs.commit()
    url = edit_url(acme, assessment)
    data = {
        "name": "Mindset, first year",
        "rep_questionnaire": "rep-mindset:1",
        "manager_questionnaire": "",
        "mode": "anonymous",
        "min_group_size": "5",
    }
    assert post_form(consultant, url, url, data).status_code == 302
    dbs.refresh(assessment)
    assert assessment.name == "Mindset, first year"
    assert assessment.rep_questionnaire_sha256 == "0" * 64


def test_the_list_says_what_to_do_when_empty_and_lists_assessments(consultant, acme, dbs):
    url = f"/clients/{acme.organisation.id}/assessments/"
    assert "has no assessment yet" in consultant.get(url).get_data(as_text=True)
    make_assessment(dbs, acme.organisation, name="Mindset 2026")
    html = consultant.get(url).get_data(as_text=True)
    assert "Mindset 2026" in html and "1 assessment," in html
