"""Waves asking different questionnaire versions compare on the items the versions share.

Acme asks version 1 of the rep questionnaire in two waves and version 2 in the third. Every
section that sets waves side by side must use the index on the crosswalk items (computed the
same way from either version's answers) and say so; the profile does not set the dimensions of
different versions side by side; the management climate (version 2's own block) is reported for
the team in words, never mixed into the reps' own stance.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import select

from questionnaires import common_items, load_directory
from survey.aggregates.dashboards import dashboard
from survey.aggregates.measures import CLIMATE, shared_index_name
from survey.models import Release
from survey.releases.pairing import VERSION_CHANGED
from survey.releases.store import release_closed_waves
from survey.scoring import climate_positions, score_matrix, shared_index
from tests.auth.helpers import login
from tests.factories import (
    gen_assessment,
    gen_organisation,
    gen_team,
    gen_user,
    gen_wave,
    new_response,
)
from tests.reports.helpers import ask, made

PER_TEAM = 6


@pytest.fixture
def versions():
    found = load_directory()
    return found[("rep-mindset", 1)], found[("rep-mindset", 2)]


def _answers(rng, questionnaire, n, shift):
    """``n`` people's raw answers, keyed around 4 + shift, each item answered."""
    keyed = np.clip(np.rint(4 + shift + rng.normal(0, 1.2, (n, len(questionnaire.items)))), 1, 7)
    flip = np.asarray(questionnaire.reversed_mask())
    return np.where(flip, 8 - keyed, keyed).astype(int)


@pytest.fixture
def context(app):
    with app.app_context():
        yield


@pytest.fixture
def acme(dbs, versions, context):
    v1, v2 = versions
    organisation = gen_organisation(dbs, "Acme")
    top = gen_team(dbs, organisation, "Global")
    teams = [gen_team(dbs, organisation, name, top) for name in ("North", "South")]
    assessment = gen_assessment(dbs, organisation, "confidential", min_group_size=3)
    waves = [
        gen_wave(dbs, assessment, -timedelta(days=200 - 50 * i), timedelta(days=30), f"Wave {i}")
        for i in (1, 2, 3)
    ]
    waves[2].rep_questionnaire_version, waves[2].rep_questionnaire_sha256 = 2, v2.sha256
    rng = np.random.default_rng(11)
    answers = {}
    for wave, questionnaire, shift in zip(waves, (v1, v1, v2), (-1.0, 0.0, 1.0), strict=True):
        for team in teams:
            values = _answers(rng, questionnaire, PER_TEAM, shift)
            answers[(wave.id, team.id)] = values
            for number, row in enumerate(values):
                dbs.add(
                    new_response(
                        wave,
                        team,
                        values=row.tolist(),
                        questionnaire=questionnaire,
                        respondent_key=f"{team.name}-{number}",
                    )
                )
    dbs.commit()
    return assessment, top, teams, waves, answers


def test_sections_across_the_change_use_the_shared_items_and_say_so(dbs, acme, versions):
    v1, v2 = versions
    assessment, top, teams, waves, answers = acme
    board = dashboard(dbs, assessment, top.id, waves[2].id, with_specs=True)
    measure = shared_index_name(1, 2)
    pairs = common_items(v2, v1)
    shared = sum(v2.item(new).perspective == "self" for new, _ in pairs)  # own stance only
    trend = board.sections["trend"]
    assert list(trend.table["wave"].unique()) == ["Wave 1", "Wave 2", "Wave 3"]
    assert any("version 1 to version 2" in s and f"{shared} items" in s for s in trend.findings)
    assert measure in " ".join(board.specs["trend"]["title"]["text"])  # wrapped for a phone
    # The figure is the shared-item index of exactly the released answers, from either version.
    north = trend.table[trend.table["group"] == "North"].set_index("wave")["mean"]
    for wave, questionnaire in zip(waves, (v1, v1, v2), strict=True):
        ids = [new if questionnaire is v2 else old for new, old in pairs]
        expected = shared_index(answers[(wave.id, teams[0].id)].astype(float), questionnaire, ids)
        assert north[wave.name] == pytest.approx(expected.mean())
    change = board.sections["change"]
    assert set(change.table["test"]) == {"Welch's t-test (independent samples)"}
    assert any(measure in s or "share" in s for s in change.findings)
    assert set(change.table["why_not_paired"]) == {VERSION_CHANGED}


def test_the_profile_does_not_set_different_versions_side_by_side(dbs, acme, versions):
    _, v2 = versions
    assessment, top, teams, waves, answers = acme
    profile = dashboard(dbs, assessment, top.id, waves[2].id).sections["profile"]
    assert set(profile.table["wave"]) == {"Wave 3"}
    assert any("another version" in s for s in profile.findings)
    everyone = np.vstack([answers[(waves[2].id, team.id)] for team in teams]).astype(float)
    climate = climate_positions(everyone, v2).mean()
    assert any(
        s.startswith(f"How reps say they are managed: {climate:.0f}") for s in profile.findings
    )


def test_climate_answers_do_not_move_the_reps_own_stance(dbs, acme, versions):
    _, v2 = versions
    assessment, top, teams, waves, answers = acme
    dashboard(dbs, assessment, top.id, waves[2].id)
    release = dbs.scalar(select(Release).where(Release.wave_id == waves[2].id))
    cell = release.payload["cells"][str(teams[0].id)]
    rows = {row[0]: row for row in cell["summary"]}
    own = answers[(waves[2].id, teams[0].id)].astype(float)
    index, _ = score_matrix(own, v2, "self")
    assert rows["Mindset index"][2] == pytest.approx(index.mean())
    assert rows[CLIMATE][2] == pytest.approx(climate_positions(own, v2).mean())
    assert release.payload["questionnaire"]["version"] == 2
    names = [row[0] for row in cell["reliability"]["scales"]]
    assert names[-1] == CLIMATE and len(names) == 7


def test_exports_give_one_file_per_version(dbs, acme, client):
    assessment = acme[0]
    gen_user(dbs, "c@example.com", "consultant", organisations=[assessment.organisation])
    login(client, "c@example.com")
    base = f"/clients/{assessment.organisation_id}/assessments/{assessment.id}/exports"
    page = client.get(f"{base}/").get_data(as_text=True)
    assert "one file per" in page
    files = {}
    for version in (1, 2):
        _job_page, response = made(client, f"{base}/responses-wide.csv?version={version}")
        assert f"-version-{version}-responses-wide.csv" in response.headers["Content-Disposition"]
        files[version] = response.get_data(as_text=True)
    assert "Wave 3" not in files[1] and "Wave 1" not in files[2]
    assert files[1].count("Wave 1") == 2 * PER_TEAM
    assert ask(client, f"{base}/responses-wide.csv?version=3").status_code == 404
    assert ask(client, f"{base}/responses-wide.csv?version=x").status_code == 404


def test_releases_made_before_versions_were_recorded_still_compare(dbs, context, versions):
    """Releases made before this change name no version: they asked their wave's."""
    v1, _ = versions
    organisation = gen_organisation(dbs, "Older")
    team = gen_team(dbs, organisation, "Sales")
    assessment = gen_assessment(dbs, organisation, min_group_size=3)
    rng = np.random.default_rng(3)
    waves = []
    for i in (1, 2, 3):
        wave = gen_wave(dbs, assessment, -timedelta(days=200 - 50 * i), timedelta(days=30), f"W{i}")
        waves.append(wave)
        for row in _answers(rng, v1, PER_TEAM, 0.0):
            dbs.add(new_response(wave, team, values=row.tolist(), questionnaire=v1))
    dbs.commit()
    release_closed_waves(dbs, assessment)
    for release in dbs.scalars(select(Release).where(Release.wave_id != waves[2].id)):
        release.payload = {k: v for k, v in release.payload.items() if k != "questionnaire"}
    dbs.commit()
    trend = dashboard(dbs, assessment, team.id, waves[2].id).sections["trend"]
    assert list(trend.table["wave"]) == ["W1", "W2", "W3"]
    assert trend.findings == ()


def test_pages_and_the_report_name_the_shared_items_and_keep_them_out_of_the_dimensions(
    dbs, acme, client
):
    assessment, top, _, waves, _ = acme
    gen_user(dbs, "c@example.com", "consultant", organisations=[assessment.organisation])
    login(client, "c@example.com")
    board = dashboard(dbs, assessment, top.id, waves[2].id)
    dimensions = {d.name for d in load_directory()[("rep-mindset", 2)].dimensions}
    assert set(board.sections["headline"].table["measure"]) == {"Mindset index"} | dimensions
    assert set(board.sections["heatmap"].table["dimension"]) == dimensions
    note = "The questionnaire changed from version 1 to version 2 over these waves"
    query = f"?wave={waves[2].id}"
    page = client.get(f"/dashboard/{assessment.id}/{top.id}{query}").get_data(as_text=True)
    change_panel = page[page.index('id="h-change"') : page.index("Download the numbers")]
    assert note in change_panel and "mindset index on the items versions 1 and 2 share" in page
    report = client.get(
        f"/clients/{assessment.organisation_id}/assessments/{assessment.id}/report"
        f"?team={top.id}&wave={waves[2].id}"
    ).get_data(as_text=True)
    block = report[report.index("report-block") :]
    assert note in block[: block.index("</div>")]
    assert "the mindset index on the items versions 1 and 2 share" in report


def test_managers_own_managing_is_set_beside_how_their_reps_are_managed(dbs, context, versions):
    _, v2 = versions
    manager_v2 = load_directory()[("manager-mindset", 2)]
    organisation = gen_organisation(dbs, "Climate")
    team = gen_team(dbs, organisation, "Sales")
    assessment = gen_assessment(dbs, organisation, min_group_size=3, managers=True)
    wave = gen_wave(dbs, assessment, -timedelta(days=60), timedelta(days=30), "W")
    wave.rep_questionnaire_version, wave.rep_questionnaire_sha256 = 2, v2.sha256
    wave.manager_questionnaire_version = 2
    wave.manager_questionnaire_sha256 = manager_v2.sha256
    rng = np.random.default_rng(8)
    reps = _answers(rng, v2, PER_TEAM, 0.5)
    managers = _answers(rng, manager_v2, 3, 1.0)
    for row in reps:
        dbs.add(new_response(wave, team, values=row.tolist(), questionnaire=v2))
    for row in managers:
        dbs.add(
            new_response(wave, team, values=row.tolist(), questionnaire=manager_v2, role="manager")
        )
    dbs.commit()
    dashboard(dbs, assessment, team.id, wave.id)
    cell = dbs.scalar(select(Release).where(Release.wave_id == wave.id)).payload["cells"]
    rows = {row[0]: row for row in cell[str(team.id)]["perception"]}
    own = score_matrix(managers.astype(float), manager_v2, "self")[1][:, 3].mean()
    climate = climate_positions(reps.astype(float), v2).mean()
    assert rows[CLIMATE][2] == pytest.approx(own) and rows[CLIMATE][3] == pytest.approx(own)
    assert rows[CLIMATE][4] == pytest.approx(climate)
    assert rows[CLIMATE][7] == pytest.approx(own - climate)
