"""The roster import as a job: done once, all or nothing, its failure shown with a retry."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

import survey.clients.roster_job as roster_job
import survey.clients.routes as client_routes
from survey.jobs import runner
from survey.models import AuditEvent, Job, Person, RosterUpload
from survey.models._columns import utcnow
from tests.auth.helpers import login
from tests.clients.helpers import actions, post_form, upload
from tests.clients.test_roster_import import ROSTER, counts, preview_of, roster_of, text_of
from tests.conftest import csrf_from


def preview(client, answered_org) -> tuple[str, str]:
    """Upload ``ROSTER``; the preview page and the upload's id in it."""
    upload(client, answered_org.organisation.id, ROSTER.encode())
    page = preview_of(client, answered_org)
    return page, re.search(r'name="upload" value="([^"]+)"', page).group(1)


def post_confirm(client, answered_org, page: str, upload_id: str):
    """Post the preview's Import button, as a browser would (the page's own CSRF token)."""
    return client.post(
        f"/clients/{answered_org.organisation.id}/roster/confirm",
        data={"csrf_token": csrf_from(page), "upload": upload_id},
    )


@pytest.fixture
def held(monkeypatch) -> list[int]:
    """Jobs asked for by the roster pages, kept rather than run (a worker that is busy)."""
    ids: list[int] = []
    monkeypatch.setattr(client_routes, "dispatch", lambda job_id: ids.append(job_id))
    return ids


def test_the_import_is_a_job_that_lands_on_the_organisation(consultant_client, dbs, answered_org):
    page, upload_id = preview(consultant_client, answered_org)
    response = post_confirm(consultant_client, answered_org, page, upload_id)
    job = dbs.scalar(select(Job))
    organisation_id = answered_org.organisation.id
    assert response.headers["Location"] == f"/clients/{organisation_id}/roster/imports/{job.id}"
    assert (job.kind, job.key, job.state) == ("roster_import", f"roster_import:{upload_id}", "done")
    assert job.params == {
        "upload": upload_id,
        "summary": {"teams": 2, "people": 4, "updated": 0, "unchanged": 0},
    }
    assert (job.done, job.total, job.user_id) == (4, 4, answered_org.users["consultant"].id)
    assert "@" not in str(job.params)  # ids and counts only
    landed = consultant_client.get(response.headers["Location"])
    assert landed.headers["Location"] == f"/clients/{organisation_id}"
    text = text_of(consultant_client.get(f"/clients/{organisation_id}").get_data(as_text=True))
    assert "Imported the roster: 2 new teams, 4 new people, 0 updated, 0 unchanged." in text
    # The generic job page knows it too.
    jobs = consultant_client.get(f"/clients/{organisation_id}/jobs").get_data(as_text=True)
    assert "Roster import" in jobs


def test_a_double_click_imports_once(consultant_client, dbs, answered_org, held):
    page, upload_id = preview(consultant_client, answered_org)
    before = counts(dbs)
    first = post_confirm(consultant_client, answered_org, page, upload_id)
    # The second click: its session no longer names the upload, its form still does.
    second = post_confirm(consultant_client, answered_org, page, upload_id)
    assert first.headers["Location"] == second.headers["Location"]
    assert len(held) == 1
    # The message reaches the queue twice (a retry of the broker): one run imports.
    assert runner.run(consultant_client.application, held[0]) == "done"
    assert runner.run(consultant_client.application, held[0]) is None
    assert counts(dbs) == (before[0] + 2, before[1] + 4)
    assert actions(dbs).count("roster.import") == 1
    assert dbs.scalar(select(func.count()).select_from(Job)) == 1
    assert dbs.scalar(select(func.count()).select_from(RosterUpload)) == 0


def test_run_again_after_its_worker_died_it_imports_nothing_more(app, dbs, answered_org, held):
    client = app.test_client()
    login(client, answered_org.users["consultant"].email)
    page, upload_id = preview(client, answered_org)
    post_confirm(client, answered_org, page, upload_id)
    assert runner.run(app, held[0]) == "done"
    before = counts(dbs)
    # As if the worker died after the import's commit, before the job was marked done.
    dbs.execute(update(Job).values(state="running", heartbeat_at=utcnow() - timedelta(hours=1)))
    dbs.commit()
    assert runner.run(app, held[0]) == "done"
    assert counts(dbs) == before
    assert actions(dbs).count("roster.import") == 1


def test_a_failure_half_way_imports_nothing_and_the_retry_imports_all(
    consultant_client, dbs, answered_org, monkeypatch
):
    page, upload_id = preview(consultant_client, answered_org)
    before = counts(dbs)
    apply = roster_job.apply_import

    def dies_after_the_first_changes(session, organisation, plan, **kwargs):
        apply(session, organisation, plan, **kwargs)  # flushed, not committed
        raise RuntimeError("the worker's connection dropped")

    monkeypatch.setattr(roster_job, "apply_import", dies_after_the_first_changes)
    response = post_confirm(consultant_client, answered_org, page, upload_id)
    job = dbs.scalar(select(Job))
    assert job.state == "failed"
    assert counts(dbs) == before
    assert "roster.import" not in actions(dbs)
    assert dbs.get(RosterUpload, upload_id).job_id == job.id  # kept for the retry
    failed = consultant_client.get(response.headers["Location"])
    assert failed.status_code == 200
    assert "Run it again" in failed.get_data(as_text=True)

    monkeypatch.setattr(roster_job, "apply_import", apply)
    retried = post_form(
        consultant_client,
        f"/clients/{answered_org.organisation.id}/jobs/{job.id}/retry",
        {},
        page=response.headers["Location"],
    )
    assert retried.status_code == 303
    dbs.expire_all()
    assert dbs.get(Job, job.id).state == "done"
    assert counts(dbs) == (before[0] + 2, before[1] + 4)
    assert actions(dbs).count("roster.import") == 1


def test_an_upload_that_vanished_fails_with_words_and_a_retry(
    consultant_client, dbs, answered_org, held
):
    page, upload_id = preview(consultant_client, answered_org)
    response = post_confirm(consultant_client, answered_org, page, upload_id)
    dbs.execute(RosterUpload.__table__.delete())
    dbs.commit()
    assert runner.run(consultant_client.application, held[0]) == "failed"
    assert roster_of(dbs, answered_org) == {}
    job_page = consultant_client.get(response.headers["Location"])
    text = text_of(job_page.get_data(as_text=True))
    assert job_page.status_code == 200
    assert "failed" in text
    assert "The uploaded roster file is no longer kept, so nothing was imported." in text
    assert "Run it again" in text


def test_a_team_archived_since_the_preview_refuses_the_whole_file(
    consultant_client, dbs, answered_org, held
):
    page, upload_id = preview(consultant_client, answered_org)
    post_confirm(consultant_client, answered_org, page, upload_id)
    answered_org.teams["France"].archived_at = utcnow()
    dbs.commit()
    before = counts(dbs)
    assert runner.run(consultant_client.application, held[0]) == "failed"
    assert counts(dbs) == before
    job = dbs.get(Job, held[0])
    assert job.error.startswith("The roster changed since the preview: 4 lines cannot be imported")


def test_a_newer_upload_does_not_replace_a_confirmed_one(
    consultant_client, dbs, answered_org, held
):
    page, upload_id = preview(consultant_client, answered_org)
    post_confirm(consultant_client, answered_org, page, upload_id)
    # The next file, uploaded while the first waits for a worker.
    upload(
        consultant_client, answered_org.organisation.id, b"team,email,role\nProduct,p@x.org,rep\n"
    )
    assert dbs.scalar(select(func.count()).select_from(RosterUpload)) == 2
    assert "p@x.org" in preview_of(consultant_client, answered_org)
    assert runner.run(consultant_client.application, held[0]) == "done"
    assert len(roster_of(dbs, answered_org)) == 4
    # The first one's preview is gone; the newer one waits for its confirmation.
    assert dbs.scalar(select(func.count()).select_from(RosterUpload)) == 1


def test_a_confirmed_upload_is_not_previewed_or_cancelled_again(
    consultant_client, dbs, answered_org, held
):
    page, upload_id = preview(consultant_client, answered_org)
    post_confirm(consultant_client, answered_org, page, upload_id)
    organisation_id = answered_org.organisation.id
    assert consultant_client.get(f"/clients/{organisation_id}/roster/preview").status_code == 302
    cancel = consultant_client.post(
        f"/clients/{organisation_id}/roster/cancel",
        data={"csrf_token": csrf_from(page), "upload": upload_id},
    )
    assert cancel.headers["Location"] == f"/clients/{organisation_id}/roster/imports/{held[0]}"
    assert dbs.get(RosterUpload, upload_id) is not None
    assert runner.run(consultant_client.application, held[0]) == "done"


def test_another_organisation_sees_no_import(app, consultant_client, dbs, answered_org):
    page, upload_id = preview(consultant_client, answered_org)
    post_confirm(consultant_client, answered_org, page, upload_id)
    job = dbs.scalar(select(Job))
    rival = app.test_client()
    login(rival, "rival@example.com")
    mine = f"/clients/{answered_org.organisation.id}/roster/imports/{job.id}"
    theirs = f"/clients/{answered_org.rival.id}/roster/imports/{job.id}"
    assert rival.get(mine).status_code == 404
    assert rival.get(theirs).status_code == 404
    assert rival.get(f"/clients/{answered_org.rival.id}/jobs/{job.id}").status_code == 404
    # Nor can they ask for it with a stolen upload id: nothing of theirs is found.
    again = post_form(
        rival,
        f"/clients/{answered_org.rival.id}/roster/confirm",
        {"upload": upload_id},
        page=f"/clients/{answered_org.rival.id}/roster",
    )
    assert again.headers["Location"] == f"/clients/{answered_org.rival.id}/roster"
    dbs.expire_all()
    refused = dbs.scalars(
        select(AuditEvent.target).where(AuditEvent.action == "access.refused")
    ).all()
    assert refused.count(f"job {job.id}") == 2
    assert dbs.scalar(select(func.count()).select_from(Job)) == 1
    assert dbs.scalar(select(func.count()).select_from(Person)) == 4


def test_in_the_background_the_job_page_polls_until_it_lands(
    app, consultant_client, dbs, answered_org
):
    app.config["JOBS_IN_BACKGROUND"] = True  # a thread of the app process, as without Redis
    page, upload_id = preview(consultant_client, answered_org)
    url = post_confirm(consultant_client, answered_org, page, upload_id).headers["Location"]
    job_id = int(url.rsplit("/", 1)[1])
    status = f"/clients/{answered_org.organisation.id}/jobs/{job_id}.json"
    deadline = time.monotonic() + 30
    while not consultant_client.get(status).get_json()["done"]:
        shown = consultant_client.get(url)  # the job page, which reloads itself when done
        assert shown.status_code in (200, 302)
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert (
        consultant_client.get(url).headers["Location"] == f"/clients/{answered_org.organisation.id}"
    )
    assert len(roster_of(dbs, answered_org)) == 4
