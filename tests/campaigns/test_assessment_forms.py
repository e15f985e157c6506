"""Creating and editing assessments: valid and invalid forms, and the settings locked by a wave."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from survey.models import Assessment, AuditEvent
from tests.campaigns.helpers import post_form
from tests.factories import gen_assessment, gen_organisation, gen_wave, rep_questionnaire

VALID = {
    "name": "Sales mindset 2026",
    "rep_questionnaire": "rep-mindset:1",
    "manager_questionnaire": "manager-mindset:1",
    "mode": "confidential",
    "min_group_size": "6",
}


def new_url(reference_org) -> str:
    return f"/clients/{reference_org.organisation.id}/assessments/new"


def count(dbs, model) -> int:
    return dbs.scalar(select(func.count()).select_from(model))


def created(dbs, reference_org) -> list[Assessment]:
    """The assessments a test made: all but those of Acme Solar and its rival to begin with."""
    known = (reference_org.assessment.id, reference_org.rival_assessment.id)
    return list(dbs.scalars(select(Assessment).where(Assessment.id.not_in(known))))


def test_the_form_offers_the_installed_questionnaires(consultant_client, reference_org):
    page = consultant_client.get(new_url(reference_org))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="rep-mindset:1"' in html
    assert 'value="manager-mindset:1"' in html


def test_a_valid_form_records_the_questionnaire_versions_and_hashes(
    consultant_client, reference_org, dbs
):
    response = post_form(consultant_client, new_url(reference_org), new_url(reference_org), VALID)
    assert response.status_code == 302
    (assessment,) = created(dbs, reference_org)
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
    assert event.organisation_id == reference_org.organisation.id
    assert event.user_email == "c@example.com"
    assert event.details["min_group_size"] == 6


def test_the_manager_version_is_optional(consultant_client, reference_org, dbs):
    data = {**VALID, "manager_questionnaire": ""}
    url = new_url(reference_org)
    assert post_form(consultant_client, url, url, data).status_code == 302
    (assessment,) = created(dbs, reference_org)
    assert assessment.manager_questionnaire_key is None


def test_the_default_group_size_is_five(consultant_client, reference_org, dbs):
    html = consultant_client.get(new_url(reference_org)).get_data(as_text=True)
    field = re.search(r'<input[^>]*name="min_group_size"[^>]*>', html).group(0)
    assert 'value="5"' in field and 'min="3"' in field


def assert_refused(consultant_client, reference_org, dbs, data: dict, message: str) -> None:
    response = post_form(consultant_client, new_url(reference_org), new_url(reference_org), data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert "Nothing was saved" in html
    assert created(dbs, reference_org) == []
    assert count(dbs, AuditEvent) == 0


def test_a_group_size_below_three_is_refused(consultant_client, reference_org, dbs):
    data = {**VALID, "min_group_size": "2"}
    assert_refused(
        consultant_client,
        reference_org,
        dbs,
        data,
        "The minimum group size lies between 3 and 100.",
    )


def test_a_group_size_that_is_not_a_number_is_refused(consultant_client, reference_org, dbs):
    data = {**VALID, "min_group_size": "five"}
    assert_refused(consultant_client, reference_org, dbs, data, "Not a valid integer value.")


def test_a_missing_name_is_refused(consultant_client, reference_org, dbs):
    assert_refused(
        consultant_client,
        reference_org,
        dbs,
        {**VALID, "name": "   "},
        "Give the assessment a name.",
    )


def test_an_unknown_questionnaire_is_refused(consultant_client, reference_org, dbs):
    data = {**VALID, "rep_questionnaire": "rep-mindset:99"}
    assert_refused(consultant_client, reference_org, dbs, data, "Not a valid choice.")


def test_an_unknown_mode_is_refused(consultant_client, reference_org, dbs):
    assert_refused(
        consultant_client, reference_org, dbs, {**VALID, "mode": "public"}, "Not a valid choice."
    )


def test_a_second_assessment_with_the_same_name_is_refused(consultant_client, reference_org, dbs):
    gen_assessment(dbs, reference_org.organisation, name="Sales Mindset 2026")
    response = post_form(consultant_client, new_url(reference_org), new_url(reference_org), VALID)
    assert response.status_code == 422
    assert "already has an assessment with that name" in response.get_data(as_text=True)
    assert len(created(dbs, reference_org)) == 1


def edit_url(reference_org, assessment) -> str:
    return f"/clients/{reference_org.organisation.id}/assessments/{assessment.id}/edit"


def test_settings_can_change_until_a_wave_opens(consultant_client, reference_org, dbs):
    assessment = gen_assessment(dbs, reference_org.organisation)
    gen_wave(dbs, assessment, opens_in=timedelta(days=3))
    url = edit_url(reference_org, assessment)
    data = {**VALID, "manager_questionnaire": "", "min_group_size": "8"}
    assert post_form(consultant_client, url, url, data).status_code == 302
    dbs.refresh(assessment)
    assert (assessment.min_group_size, assessment.mode) == (8, "confidential")
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "assessment.update"))
    assert set(event.details["changed"]) == {"name", "mode", "min_group_size"}


def test_the_group_size_is_locked_once_a_wave_has_opened(consultant_client, reference_org, dbs):
    assessment = gen_assessment(dbs, reference_org.organisation)
    gen_wave(dbs, assessment, opens_in=-timedelta(hours=1), name="Spring")
    url = edit_url(reference_org, assessment)
    data = {
        "name": "Mindset",
        "rep_questionnaire": "rep-mindset:1",
        "manager_questionnaire": "",
        "mode": "anonymous",
        "min_group_size": "3",
    }
    response = post_form(consultant_client, url, url, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The minimum group size is locked at 5: Spring opened on" in html
    dbs.refresh(assessment)
    assert assessment.min_group_size == 5
    assert count(dbs, AuditEvent) == 0


def test_the_mode_is_locked_once_a_wave_has_opened(consultant_client, reference_org, dbs):
    assessment = gen_assessment(dbs, reference_org.organisation)
    gen_wave(dbs, assessment, opens_in=-timedelta(days=30), lasts=timedelta(days=2))
    url = edit_url(reference_org, assessment)
    data = {**VALID, "name": "Mindset", "manager_questionnaire": "", "min_group_size": "5"}
    response = post_form(consultant_client, url, url, data)
    assert response.status_code == 422
    assert "The mode is locked (anonymous)" in response.get_data(as_text=True)
    dbs.refresh(assessment)
    assert assessment.mode == "anonymous"


def test_the_name_can_still_change_and_keeps_the_recorded_hash(
    consultant_client, reference_org, dbs
):
    assessment = gen_assessment(dbs, reference_org.organisation)
    gen_wave(dbs, assessment, opens_in=-timedelta(hours=1))
    # As if the file had changed since: renaming must not adopt the new file's hash.
    assessment.rep_questionnaire_sha256 = "0" * 64
    dbs.commit()
    url = edit_url(reference_org, assessment)
    data = {
        "name": "Mindset, first year",
        "rep_questionnaire": "rep-mindset:1",
        "manager_questionnaire": "",
        "mode": "anonymous",
        "min_group_size": "5",
    }
    assert post_form(consultant_client, url, url, data).status_code == 302
    dbs.refresh(assessment)
    assert assessment.name == "Mindset, first year"
    assert assessment.rep_questionnaire_sha256 == "0" * 64


def test_the_list_says_what_to_do_when_empty_and_lists_assessments(
    consultant_client, reference_org, dbs
):
    nova = gen_organisation(dbs, "Nova Grid")  # a new client of the consultant's
    reference_org.users["consultant"].organisations.append(nova)
    dbs.commit()
    url = f"/clients/{nova.id}/assessments/"
    assert "has no assessment yet" in consultant_client.get(url).get_data(as_text=True)
    gen_assessment(dbs, nova, name="Mindset 2026")
    html = consultant_client.get(url).get_data(as_text=True)
    assert "Mindset 2026" in html and "1 assessment," in html
