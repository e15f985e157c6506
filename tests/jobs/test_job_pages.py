"""The consultant's pages of background work: the list, one job, its JSON, retry and file."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from survey.jobs import runner
from survey.jobs.files import keep_file
from survey.models import AuditEvent, Job
from tests.auth.helpers import login
from tests.conftest import csrf_from
from tests.factories import gen_assessment, gen_wave
from tests.jobs.test_runner import no_calls  # noqa: F401  (registers the test kinds)


@pytest.fixture
def jobs_url(reference_org) -> str:
    return f"/clients/{reference_org.organisation.id}/jobs"


def own_job(dbs, reference_org, kind: str, key: str) -> Job:
    return runner.submit(dbs, kind, key, {}, organisation_id=reference_org.organisation.id)


def test_an_organisation_without_jobs_says_so(consultant_client, jobs_url):
    page = consultant_client.get(jobs_url).get_data(as_text=True)
    assert "No background work yet" in page


def test_a_finished_job_shows_its_progress_and_file(
    app, dbs, consultant_client, reference_org, jobs_url
):
    job = own_job(dbs, reference_org, "test_count", "pages:1")
    runner.run(app, job.id)
    dbs.refresh(job)
    job.state = "running"  # as the job would, keep a file while it runs
    keep_file(dbs, job, "report.pdf", "application/pdf", b"%PDF-1.7")
    job.state = "done"
    dbs.commit()
    listing = consultant_client.get(jobs_url).get_data(as_text=True)
    assert "Counting, for tests" in listing and "3 of 3" in listing and "the scheduler" in listing
    page = consultant_client.get(f"{jobs_url}/{job.id}").get_data(as_text=True)
    assert "Download report.pdf" in page
    assert consultant_client.get(f"{jobs_url}/{job.id}.json").get_json() == {
        "state": "done",
        "done": True,
        "handled": 3,
        "total": 3,
        "error": None,
    }
    file = consultant_client.get(f"{jobs_url}/{job.id}/file")
    assert file.data == b"%PDF-1.7" and file.headers["Cache-Control"] == "no-store"
    assert file.headers["Content-Length"] == "8"
    assert 'filename="report.pdf"' in file.headers["Content-Disposition"]
    actions = set(dbs.scalars(select(AuditEvent.action)))
    assert "job.download" in actions


def test_a_failed_job_says_why_and_runs_again_on_request(
    app, dbs, consultant_client, reference_org, jobs_url
):
    job = own_job(dbs, reference_org, "test_refuse", "pages:2")
    runner.run(app, job.id)
    page = consultant_client.get(f"{jobs_url}/{job.id}").get_data(as_text=True)
    assert "the roster file is gone" in page and "Run it again" in page
    refused = consultant_client.post(f"{jobs_url}/{job.id}/retry", data={})
    assert refused.status_code == 400
    retried = consultant_client.post(
        f"{jobs_url}/{job.id}/retry", data={"csrf_token": csrf_from(page)}
    )
    assert retried.status_code == 303
    dbs.refresh(job)
    assert (job.state, job.attempts) == ("failed", 2)  # it ran again (and failed again)
    assert "job.retry" in set(dbs.scalars(select(AuditEvent.action)))
    done = own_job(dbs, reference_org, "test_count", "pages:3")
    runner.run(app, done.id)
    again = consultant_client.post(
        f"{jobs_url}/{done.id}/retry", data={"csrf_token": csrf_from(page)}
    )
    assert again.status_code == 409


def test_another_organisations_jobs_are_not_found(app, dbs, reference_org, jobs_url):
    job = own_job(dbs, reference_org, "test_count", "pages:4")
    runner.run(app, job.id)
    rival = app.test_client()
    login(rival, reference_org.users["rival consultant"].email)
    for path in ("", ".json", "/file"):
        assert rival.get(f"{jobs_url}/{job.id}{path}").status_code == 404
    rival_jobs = f"/clients/{reference_org.rival.id}/jobs/{job.id}"
    assert rival.get(rival_jobs).status_code == 404
    assert rival.get(f"/clients/{reference_org.rival.id}/jobs/99999999999").status_code == 404


def test_a_mailing_job_shows_no_counts_but_its_mailing(
    dbs, consultant_client, reference_org, reference_roster, jobs_url, mailing
):
    assessment = gen_assessment(dbs, reference_org.organisation, mode="anonymous")
    wave = gen_wave(dbs, assessment, opens_in=-timedelta(hours=1))
    url = f"/clients/{reference_org.organisation.id}/assessments/{assessment.id}/waves/{wave.id}"
    page = consultant_client.get(url + "/invitations").get_data(as_text=True)
    consultant_client.post(
        url + "/reminders",
        data={"csrf_token": csrf_from(page), "remind-team": 0, "remind-delivery": "email"},
    )
    job = dbs.scalars(select(Job).where(Job.kind == "mail")).one()
    assert consultant_client.get(f"{jobs_url}/{job.id}.json").get_json()["total"] is None
    listing = consultant_client.get(jobs_url).get_data(as_text=True)
    assert "See the mailing" in listing and f"/mailings/{job.params['batch']}" in listing
