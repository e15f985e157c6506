"""The questionnaire version each wave asks: never older than the wave before, over the whole
sequence of waves, linked by a crosswalk to its neighbours, and reset when the assessment's
questionnaire changes."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from questionnaires import Crosswalk, load_directory
from survey.campaigns.setup import Settings, apply_settings
from survey.campaigns.wave_versions import order_problems, version_choices
from survey.models import Assessment, AuditEvent, Wave
from survey.models._columns import utcnow
from tests.campaigns.helpers import local, post_form
from tests.factories import gen_assessment, manager_questionnaire, rep_questionnaire

INSTALLED = load_directory()
REP_V2 = INSTALLED["rep-mindset", 2]
MANAGER_V2 = INSTALLED["manager-mindset", 2]
OPTION = re.compile(r'<option (?:selected )?value="(\d+)"')


def day(number: int) -> datetime:
    """A time ``number`` days from now, on the minute (as the form sends it)."""
    return (utcnow() + timedelta(days=number)).replace(second=0, microsecond=0)


def wave_at(dbs, assessment, name: str, opens_in: int, rep: int = 1, manager: int = 1) -> Wave:
    """A scheduled wave opening in ``opens_in`` days for 5 days, asking ``rep`` (``manager``)."""
    wave = Wave(assessment=assessment, name=name, opens_at=day(opens_in))
    wave.closes_at = wave.opens_at + timedelta(days=5)
    if rep == 2:
        wave.rep_questionnaire_version, wave.rep_questionnaire_sha256 = 2, REP_V2.sha256
    if manager == 2:
        wave.manager_questionnaire_version = 2
        wave.manager_questionnaire_sha256 = MANAGER_V2.sha256
    dbs.add(wave)
    dbs.commit()
    return wave


def base(reference_org, assessment) -> str:
    return f"/clients/{reference_org.organisation.id}/assessments/{assessment.id}"


def edit(client, reference_org, wave: Wave, **changes):
    """POST the edit form of ``wave`` with its current values and ``changes``."""
    url = f"{base(reference_org, wave.assessment)}/waves/{wave.id}/edit"
    data = {
        "name": wave.name,
        "opens_at": local(wave.opens_at),
        "closes_at": local(wave.closes_at),
        "rep_version": str(wave.instrument("rep")[1]),
        **changes,
    }
    return post_form(client, url, url, data)


def create(client, reference_org, assessment, opens_in: int, **fields):
    url = base(reference_org, assessment) + "/waves/new"
    data = {
        "name": "New wave",
        "opens_at": local(day(opens_in)),
        "closes_at": local(day(opens_in) + timedelta(days=5)),
        "rep_version": "1",
        **fields,
    }
    return post_form(client, url, url, data)


def offered(html: str, field: str = "rep_version") -> list[int]:
    """The versions a select of the page offers."""
    found = re.search(rf'<select [^>]*id="{field}"[^>]*>(.*?)</select>', html, re.S)
    assert found, field
    return [int(value) for value in OPTION.findall(found.group(1))]


def versions(dbs, assessment) -> list[tuple[str, int]]:
    dbs.expire_all()
    query = select(Wave).where(Wave.assessment_id == assessment.id).order_by(Wave.opens_at)
    return [(wave.name, wave.instrument("rep")[1]) for wave in dbs.scalars(query)]


def audit_count(dbs) -> int:
    return dbs.scalar(select(func.count()).select_from(AuditEvent))


# What the form offers


def test_a_new_wave_is_offered_the_versions_from_the_last_waves_on(
    consultant_client, reference_org, dbs
):
    assessment = gen_assessment(dbs, reference_org.organisation)
    url = base(reference_org, assessment) + "/waves/new"
    assert offered(consultant_client.get(url).get_data(as_text=True)) == [1, 2, 3]
    wave_at(dbs, assessment, "Wave 1", 10, rep=2)
    assert offered(consultant_client.get(url).get_data(as_text=True)) == [2, 3]


def test_a_wave_before_a_later_one_is_offered_no_newer_version_than_it(
    consultant_client, reference_org, dbs
):
    assessment = gen_assessment(dbs, reference_org.organisation)
    wave_at(dbs, assessment, "Wave 1", 10)
    second = wave_at(dbs, assessment, "Wave 2", 20)
    wave_at(dbs, assessment, "Wave 3", 30)
    url = f"{base(reference_org, assessment)}/waves/{second.id}/edit"
    html = consultant_client.get(url).get_data(as_text=True)
    assert offered(html) == [1]
    assert "trends bridge only versions a crosswalk links" in html


def test_only_versions_a_crosswalk_links_to_the_neighbours_are_offered(app):
    """Version 3 links to version 2 only: it cannot follow a wave asking version 1."""
    v3 = dataclasses.replace(
        REP_V2, version=3, sha256="3" * 64, crosswalk=Crosswalk(version=2, items={"mot1": "mot1"})
    )
    installed = {**INSTALLED, ("rep-mindset", 3): v3}
    assessment = assessment_of(rep_questionnaire())
    first = Wave(assessment=assessment, name="W1", opens_at=day(10), closes_at=day(15))
    assert [v for v, _ in version_choices(installed, assessment, None, None, "rep")] == [1, 2]
    first.rep_questionnaire_version, first.rep_questionnaire_sha256 = 2, REP_V2.sha256
    assert [v for v, _ in version_choices(installed, assessment, None, None, "rep")] == [2, 3]
    # Before a wave asking version 3, between the assessment's version 1 and it: 2 or 3.
    first.rep_questionnaire_version, first.rep_questionnaire_sha256 = 3, v3.sha256
    assert [v for v, _ in version_choices(installed, assessment, None, day(5), "rep")] == [2, 3]
    problems = order_problems(installed, assessment, None, "W0", day(5), {"rep": 1})
    assert problems == {
        "rep": "W1 would ask version 3 for reps right after W0, which asks version 1: no "
        "crosswalk links version 1 to version 3, so no trend could bridge them. Opening then, "
        "it can ask version 2 or 3."
    }


def assessment_of(rep, manager=None) -> Assessment:
    """An assessment outside the database, asking ``rep`` (and ``manager``)."""
    assessment = Assessment(
        name="Mindset",
        mode="anonymous",
        min_group_size=5,
        rep_questionnaire_key=rep.key,
        rep_questionnaire_version=rep.version,
        rep_questionnaire_sha256=rep.sha256,
    )
    if manager is not None:
        assessment.manager_questionnaire_key = manager.key
        assessment.manager_questionnaire_version = manager.version
        assessment.manager_questionnaire_sha256 = manager.sha256
    return assessment


# What a save refuses


def test_a_version_newer_than_the_next_waves_is_refused(consultant_client, reference_org, dbs):
    """The review's case: Wave 3 scheduled at version 1, then Wave 2 set to version 2."""
    assessment = gen_assessment(dbs, reference_org.organisation)
    wave_at(dbs, assessment, "Wave 1", 10)
    second = wave_at(dbs, assessment, "Wave 2", 20)
    wave_at(dbs, assessment, "Wave 3", 30)
    response = edit(consultant_client, reference_org, second, rep_version="2")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        "Wave 3 would ask version 1 for reps right after Wave 2, which asks version 2: a wave "
        "never asks an older version than the wave before. Opening then, it can ask version 1."
    ) in html
    assert 'id="err-rep_version"' in html
    assert versions(dbs, assessment) == [("Wave 1", 1), ("Wave 2", 1), ("Wave 3", 1)]
    assert audit_count(dbs) == 0


def test_a_new_wave_cannot_go_in_between_with_a_newer_version(
    consultant_client, reference_org, dbs
):
    assessment = gen_assessment(dbs, reference_org.organisation)
    wave_at(dbs, assessment, "Wave 1", 10)
    wave_at(dbs, assessment, "Wave 2", 30)
    response = create(consultant_client, reference_org, assessment, 20, rep_version="2")
    assert response.status_code == 422
    assert "Wave 2 would ask version 1 for reps right after New wave" in response.get_data(
        as_text=True
    )
    assert len(versions(dbs, assessment)) == 2
    assert create(consultant_client, reference_org, assessment, 20).status_code == 302
    assert versions(dbs, assessment) == [("Wave 1", 1), ("New wave", 1), ("Wave 2", 1)]


def test_a_new_first_wave_can_ask_the_older_version_before_a_newer_one(
    consultant_client, reference_org, dbs
):
    assessment = gen_assessment(dbs, reference_org.organisation)
    wave_at(dbs, assessment, "Wave 2", 30, rep=2)
    assert create(consultant_client, reference_org, assessment, 10).status_code == 302
    assert versions(dbs, assessment) == [("New wave", 1), ("Wave 2", 2)]


def test_a_new_opening_time_that_breaks_the_order_is_refused_on_the_time(
    consultant_client, reference_org, dbs
):
    assessment = gen_assessment(dbs, reference_org.organisation)
    wave_at(dbs, assessment, "Wave 1", 10)
    wave_at(dbs, assessment, "Wave 2", 20)
    third = wave_at(dbs, assessment, "Wave 3", 30, rep=2)
    moved = day(15)
    response = edit(
        consultant_client,
        reference_org,
        third,
        opens_at=local(moved),
        closes_at=local(moved + timedelta(days=2)),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        "Wave 2 would ask version 1 for reps right after Wave 3, which asks version 2: a wave "
        "never asks an older version than the wave before. Opening then, it can ask version 1."
    ) in html
    assert 'id="err-opens_at"' in html and 'id="err-rep_version"' not in html
    # The page offers what fits at the time sent, and keeps the version sent.
    assert offered(html) == [1, 2]
    assert versions(dbs, assessment) == [("Wave 1", 1), ("Wave 2", 1), ("Wave 3", 2)]
    # Moved with the version that fits there, it is saved.
    response = edit(
        consultant_client,
        reference_org,
        third,
        opens_at=local(moved),
        closes_at=local(moved + timedelta(days=2)),
        rep_version="1",
    )
    assert response.status_code == 302
    assert versions(dbs, assessment) == [("Wave 1", 1), ("Wave 3", 1), ("Wave 2", 1)]


def test_a_wave_moved_after_a_newer_one_must_ask_it(consultant_client, reference_org, dbs):
    assessment = gen_assessment(dbs, reference_org.organisation)
    first = wave_at(dbs, assessment, "Wave 1", 10)
    wave_at(dbs, assessment, "Wave 2", 20, rep=2)
    late = {"opens_at": local(day(40)), "closes_at": local(day(42))}
    response = edit(consultant_client, reference_org, first, **late)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Wave 1 would ask version 1 for reps right after Wave 2, which asks version 2" in html
    assert 'id="err-opens_at"' in html
    assert offered(html) == [1, 2, 3]  # 2 and 3 fit there; 1 is what was sent
    response = edit(consultant_client, reference_org, first, rep_version="2", **late)
    assert response.status_code == 302
    assert versions(dbs, assessment) == [("Wave 2", 2), ("Wave 1", 2)]


def test_no_wave_asks_older_than_the_assessment(consultant_client, reference_org, dbs):
    assessment = gen_assessment(dbs, reference_org.organisation)
    assessment.rep_questionnaire_version, assessment.rep_questionnaire_sha256 = 2, REP_V2.sha256
    dbs.commit()
    response = create(consultant_client, reference_org, assessment, 10, rep_version="1")
    assert response.status_code == 422
    assert (
        "New wave cannot ask version 1 for reps: the assessment asks version 2, and a wave "
        "never asks an older one."
    ) in response.get_data(as_text=True)


def test_a_pair_out_of_order_from_before_does_not_block_other_changes(
    consultant_client, reference_org, dbs
):
    """Waves saved before the order was enforced can still be renamed; the page still offers
    the version the wave asks."""
    assessment = gen_assessment(dbs, reference_org.organisation)
    wave_at(dbs, assessment, "Wave 1", 10, rep=2)
    second = wave_at(dbs, assessment, "Wave 2", 20)
    url = f"{base(reference_org, assessment)}/waves/{second.id}/edit"
    assert offered(consultant_client.get(url).get_data(as_text=True)) == [1, 2, 3]
    assert edit(consultant_client, reference_org, second, name="Autumn").status_code == 302
    assert versions(dbs, assessment) == [("Wave 1", 2), ("Autumn", 1)]


def test_an_unknown_version_is_refused(consultant_client, reference_org, dbs):
    assessment = gen_assessment(dbs, reference_org.organisation)
    response = create(consultant_client, reference_org, assessment, 10, rep_version="9")
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert versions(dbs, assessment) == []


def test_the_managers_version_keeps_its_own_order(consultant_client, reference_org, dbs):
    assessment = gen_assessment(dbs, reference_org.organisation, managers=True)
    wave_at(dbs, assessment, "Wave 1", 10, manager=2)
    url = base(reference_org, assessment) + "/waves/new"
    html = consultant_client.get(url).get_data(as_text=True)
    assert (offered(html), offered(html, "manager_version")) == ([1, 2], [2])
    response = create(
        consultant_client, reference_org, assessment, 20, rep_version="2", manager_version="1"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "New wave would ask version 1 for managers right after Wave 1" in html
    assert 'id="err-manager_version"' in html
    response = create(
        consultant_client, reference_org, assessment, 20, rep_version="2", manager_version="2"
    )
    assert response.status_code == 302
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "wave.create"))
    assert event.details["versions"] == {"rep": 2, "manager": 2}


# The waves list


def test_the_waves_list_shows_the_version_each_wave_asks(consultant_client, reference_org, dbs):
    assessment = gen_assessment(dbs, reference_org.organisation, managers=True)
    wave_at(dbs, assessment, "Wave 1", 10)
    wave_at(dbs, assessment, "Wave 2", 20, rep=2)
    html = consultant_client.get(base(reference_org, assessment)).get_data(as_text=True)
    rows = re.findall(r'<th scope="row">(Wave \d)</th>.*?<td>(version [^<]*)</td>', html, re.S)
    assert rows == [
        ("Wave 1", "version 1 for reps, 1 for managers"),
        ("Wave 2", "version 2 for reps, 1 for managers"),
    ]


# A change of the assessment's questionnaire


def settings_url(reference_org, assessment) -> str:
    return base(reference_org, assessment) + "/edit"


SETTINGS = {"name": "Mindset", "mode": "anonymous", "min_group_size": "5"}


def test_a_new_questionnaire_clears_every_waves_own_version(consultant_client, reference_org, dbs):
    assessment = gen_assessment(dbs, reference_org.organisation, managers=True)
    wave_at(dbs, assessment, "Wave 1", 10)
    wave_at(dbs, assessment, "Wave 2", 20, rep=2, manager=2)
    wave_at(dbs, assessment, "Wave 3", 30, rep=2, manager=2)
    url = settings_url(reference_org, assessment)
    data = {
        **SETTINGS,
        "rep_questionnaire": "rep-mindset:2",
        "manager_questionnaire": "",
    }
    response = post_form(consultant_client, url, url, data)
    assert response.status_code == 302
    page = consultant_client.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        "Wave 2 and Wave 3 had their own questionnaire version for reps; the questionnaire "
        "changed, so they ask the new one (rep-mindset, version 2)."
    ) in page
    assert (
        "Wave 2 and Wave 3 had their own questionnaire version for managers; the questionnaire "
        "changed, so managers now answer the reps&#39; questionnaire."
    ) in page
    dbs.expire_all()
    for wave in dbs.scalars(select(Wave).where(Wave.assessment_id == assessment.id)):
        assert wave.rep_questionnaire_version is None and wave.rep_questionnaire_sha256 is None
        assert wave.manager_questionnaire_version is None
        assert wave.manager_questionnaire_sha256 is None
        assert wave.instrument("rep") == ("rep-mindset", 2, REP_V2.sha256)
        assert wave.instrument("manager") == ("rep-mindset", 2, REP_V2.sha256)
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "assessment.update"))
    assert set(event.details["changed"]) == {
        "rep_questionnaire",
        "manager_questionnaire",
        "rep_wave_versions",
        "manager_wave_versions",
    }


def test_other_settings_keep_the_waves_own_versions(consultant_client, reference_org, dbs):
    assessment = gen_assessment(dbs, reference_org.organisation)
    wave_at(dbs, assessment, "Wave 1", 10, rep=2)
    url = settings_url(reference_org, assessment)
    data = {
        **SETTINGS,
        "name": "Renamed",
        "rep_questionnaire": "rep-mindset:1",
        "manager_questionnaire": "",
    }
    response = post_form(consultant_client, url, url, data)
    assert response.status_code == 302
    page = consultant_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "own questionnaire version" not in page
    assert versions(dbs, assessment) == [("Wave 1", 2)]
    event = dbs.scalar(select(AuditEvent).where(AuditEvent.action == "assessment.update"))
    assert event.details["changed"] == ["name"]


def test_another_questionnaire_never_leaves_a_wave_with_the_old_ones_version():
    """The review's case: a wave chose version 2 of rep-mindset; the assessment then moves to
    another questionnaire. The wave must not ask (new key, old version, old file's hash)."""
    other = dataclasses.replace(rep_questionnaire(), key="other-mindset", sha256="f" * 64)
    assessment = assessment_of(rep_questionnaire(), manager_questionnaire())
    wave = Wave(assessment=assessment, name="W", opens_at=day(10), closes_at=day(15))
    wave.rep_questionnaire_version, wave.rep_questionnaire_sha256 = 2, REP_V2.sha256
    wave.manager_questionnaire_version = 2
    wave.manager_questionnaire_sha256 = MANAGER_V2.sha256
    settings = Settings("Mindset", other, manager_questionnaire(), "anonymous", 5)
    changed = apply_settings(assessment, settings)
    assert changed == ["rep_questionnaire", "rep_wave_versions"]
    assert wave.instrument("rep") == ("other-mindset", 1, "f" * 64)
    # The managers' questionnaire did not change: the wave keeps its own version of it.
    assert wave.instrument("manager") == ("manager-mindset", 2, MANAGER_V2.sha256)


@pytest.mark.parametrize("role", ["rep", "manager"])
def test_a_wave_without_its_own_version_asks_the_assessments(role):
    assessment = assessment_of(rep_questionnaire(), manager_questionnaire())
    wave = Wave(assessment=assessment, name="W", opens_at=day(10), closes_at=day(15))
    assert wave.instrument(role) == assessment.instrument(role)
