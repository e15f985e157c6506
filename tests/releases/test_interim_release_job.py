"""The interim release as a job: made once per click, its audit event in the consultant's
name, its failure shown with a retry, and invisible to other organisations."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

import survey.campaigns.release_routes as release_routes
import survey.releases.build as build
from survey.jobs import runner
from survey.models import AuditEvent, Job, Release
from survey.models._columns import utcnow
from survey.releases.store import release_wave
from tests.auth.helpers import login
from tests.conftest import csrf_from
from tests.factories import (
    gen_assessment,
    gen_organisation,
    gen_team,
    gen_user,
    gen_wave,
    new_response,
)


class World:
    """A confidential assessment whose open wave has answers, its consultant and a rival's."""

    def __init__(self, app, dbs) -> None:
        self.organisation = gen_organisation(dbs, "Acme")
        self.team = team = gen_team(dbs, self.organisation, "Sales")
        self.assessment = gen_assessment(dbs, self.organisation, "confidential", min_group_size=3)
        self.wave = gen_wave(dbs, self.assessment, name="Spring")
        for value in (3, 4, 5, 6):
            dbs.add(new_response(self.wave, team, value))
        dbs.commit()
        self.rival = gen_organisation(dbs, "Rival")
        gen_user(dbs, "c@example.com", "consultant", organisations=[self.organisation])
        gen_user(dbs, "rival@example.com", "consultant", organisations=[self.rival])
        self.consultant = app.test_client()
        login(self.consultant, "c@example.com")
        base = f"/clients/{self.organisation.id}/assessments/{self.assessment.id}"
        self.assessment_url = base
        self.release_url = f"{base}/waves/{self.wave.id}/release"

    def click(self, client=None, page: str | None = None):
        """Post the confirmation page's button (with ``page``'s token: a second click)."""
        client = client or self.consultant
        page = page or client.get(self.release_url).get_data(as_text=True)
        return client.post(self.release_url, data={"csrf_token": csrf_from(page)})


@pytest.fixture
def world(app, dbs) -> World:
    return World(app, dbs)


@pytest.fixture
def held(monkeypatch) -> list[int]:
    """Jobs asked for by the release page, kept rather than run (a worker that is busy)."""
    ids: list[int] = []
    monkeypatch.setattr(release_routes, "dispatch", lambda job_id: ids.append(job_id))
    return ids


def releases(dbs) -> list[tuple[int, bool]]:
    dbs.expire_all()
    return [
        tuple(row) for row in dbs.execute(select(Release.seq, Release.final).order_by(Release.seq))
    ]


def audited(dbs) -> list[AuditEvent]:
    dbs.expire_all()
    return list(dbs.scalars(select(AuditEvent).where(AuditEvent.action == "wave.release")))


def text_of(response) -> str:
    page = response.get_data(as_text=True)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_the_release_is_a_job_that_lands_on_the_assessment(world, dbs):
    response = world.click()
    job = dbs.scalar(select(Job))
    assert response.status_code == 302
    assert response.headers["Location"] == f"{world.release_url}/{job.id}"
    assert (job.kind, job.key, job.state) == (
        "interim_release",
        f"release:{world.wave.id}:interim:1",
        "done",
    )
    assert job.params == {"wave": world.wave.id, "seq": 1, "made": True}
    assert releases(dbs) == [(1, False)]
    (event,) = audited(dbs)
    assert (event.user_email, event.target) == ("c@example.com", f"wave {world.wave.id}")
    assert event.details == {"final": False, "job": job.id}
    landed = world.consultant.get(response.headers["Location"])
    assert landed.headers["Location"] == world.assessment_url
    assert "Interim results of Spring are released: managers now see them." in text_of(
        world.consultant.get(world.assessment_url)
    )
    # With no new answers since, the page says so and asks for nothing.
    again = world.consultant.get(world.release_url)
    assert again.status_code == 409
    assert "No answers have come in since the last release." in text_of(again)
    assert dbs.scalar(select(func.count()).select_from(Job)) == 1


def test_two_clicks_make_one_release(app, world, dbs, held):
    page = world.consultant.get(world.release_url).get_data(as_text=True)
    first, second = world.click(page=page), world.click(page=page)
    assert first.headers["Location"] == second.headers["Location"]
    assert len(held) == 1
    # While it waits, its page is the job's, with the wave's name.
    waiting = world.consultant.get(first.headers["Location"])
    assert waiting.status_code == 200
    assert "Interim release · Spring" in text_of(waiting)
    assert runner.run(app, held[0]) == "done"
    assert runner.run(app, held[0]) is None  # the message delivered twice
    assert releases(dbs) == [(1, False)]
    assert len(audited(dbs)) == 1


def test_run_again_after_its_worker_died_it_releases_nothing_more(app, world, dbs, held):
    world.click()
    assert runner.run(app, held[0]) == "done"
    dbs.add(new_response(world.wave, world.team, 5))  # one more answer, waiting
    dbs.commit()
    # As if the worker died after the release's commit, before the job was marked done.
    dbs.execute(update(Job).values(state="running", heartbeat_at=utcnow() - timedelta(hours=1)))
    dbs.commit()
    assert runner.run(app, held[0]) == "done"
    assert releases(dbs) == [(1, False)]
    assert len(audited(dbs)) == 1


def test_a_release_made_meanwhile_takes_its_place(app, world, dbs, held):
    response = world.click()
    with app.app_context():
        assert release_wave(dbs, world.assessment, world.wave, final=False)  # another way in
    assert runner.run(app, held[0]) == "done"
    assert releases(dbs) == [(1, False)]
    assert audited(dbs) == []
    assert dbs.get(Job, held[0]).params["made"] is False
    landed = world.consultant.get(response.headers["Location"])
    assert (
        "Another release of this wave was made at the same moment; nothing more was done."
        in text_of(world.consultant.get(landed.headers["Location"]))
    )


def test_a_failure_is_shown_with_a_retry_that_releases(app, world, dbs, monkeypatch):
    make = build.make_release

    def auditor_crashes(*args, **kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(build, "make_release", auditor_crashes)
    response = world.click()
    job = dbs.scalar(select(Job))
    assert job.state == "failed"
    assert releases(dbs) == [] and audited(dbs) == []
    page = world.consultant.get(response.headers["Location"])
    text = text_of(page)
    assert page.status_code == 200
    assert "stopped by an unexpected error (RuntimeError)" in text
    assert "Run it again" in text

    monkeypatch.setattr(build, "make_release", make)
    retried = world.consultant.post(
        f"/clients/{world.organisation.id}/jobs/{job.id}/retry",
        data={"csrf_token": csrf_from(page.get_data(as_text=True))},
    )
    assert retried.status_code == 303
    assert releases(dbs) == [(1, False)]
    assert len(audited(dbs)) == 1
    assert world.consultant.get(response.headers["Location"]).status_code == 302


def test_a_wave_closed_before_the_job_ran_fails_with_words(app, world, dbs, held):
    response = world.click()
    world.wave.closes_at = utcnow() - timedelta(minutes=1)
    dbs.commit()
    assert runner.run(app, held[0]) == "failed"
    assert dbs.get(Job, held[0]).error == (
        "Spring is not open: a wave's results are released in full when it closes."
    )
    assert "Run it again" in text_of(world.consultant.get(response.headers["Location"]))
    assert audited(dbs) == []


def test_an_anonymous_assessment_asks_for_no_job(world, dbs):
    world.assessment.mode = "anonymous"
    dbs.commit()
    response = world.click()
    assert response.status_code == 409
    assert "released once, when the wave closes" in text_of(response)
    assert dbs.scalar(select(func.count()).select_from(Job)) == 0


def test_another_organisation_cannot_see_or_ask_for_it(app, world, dbs, held):
    response = world.click()
    rival = app.test_client()
    login(rival, "rival@example.com")
    theirs = f"/clients/{world.rival.id}/assessments/{world.assessment.id}"
    for url in (
        response.headers["Location"],
        f"{theirs}/waves/{world.wave.id}/release/{held[0]}",
        f"/clients/{world.rival.id}/jobs/{held[0]}",
        world.release_url,
    ):
        assert rival.get(url).status_code == 404, url
    assert rival.post(world.release_url, data={}).status_code in (400, 404)
    assert dbs.scalar(select(func.count()).select_from(Job)) == 1
