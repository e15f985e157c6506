"""Mailings as jobs: the message carries an id only, each link is made as its mail goes out,
and a job run again after its worker died never sends a mail twice."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from survey.campaigns.issuing import invite_roster
from survey.campaigns.mailing import UNCONFIRMED, start_batch, submit_mailing
from survey.jobs import runner
from survey.models import Invitation, Job, MailBatch, MailDelivery
from survey.models._columns import utcnow
from tests.campaigns.helpers import mail_links, path_of
from tests.factories import gen_assessment, gen_wave


@pytest.fixture
def wave(dbs, reference_org, reference_roster):
    assessment = gen_assessment(dbs, reference_org.organisation, mode="confidential")
    return gen_wave(dbs, assessment, opens_in=-timedelta(hours=1))


def queued_batch(app, dbs, wave, reference_roster) -> tuple[MailBatch, Job]:
    """Six invitations, their batch and its job, as a request leaves them (not yet run)."""
    people = sorted(reference_roster.values(), key=lambda person: person.email)
    issued = invite_roster(dbs, wave, people, utcnow(), 30)
    batch = start_batch(dbs, wave, "invitation", [item.invitation for item in issued])
    with app.app_context():
        (job,) = submit_mailing(dbs, batch)
    return batch, job


def test_the_job_holds_ids_and_each_mail_a_link_made_for_it(
    app, dbs, wave, reference_roster, mailing
):
    batch, job = queued_batch(app, dbs, wave, reference_roster)
    hashes_before = set(dbs.scalars(select(Invitation.token_hash)))
    assert job.params == {"batch": batch.id, "part": 0, "parts": 1}
    assert runner.run(app, job.id) == "done"
    assert len(mailing.messages) == 6
    # The links made with the invitations were never sent: each mail has a fresh one.
    assert set(dbs.scalars(select(Invitation.token_hash))).isdisjoint(hashes_before)
    client = app.test_client()
    for message in mailing.messages:
        (link,) = mail_links(message)
        assert client.get(path_of(link)).status_code == 200
    statuses = Counter(dbs.scalars(select(MailDelivery.status)))
    assert statuses == {"sent": 6}


def test_a_job_run_again_after_its_worker_died_sends_the_rest_and_nothing_twice(
    app, dbs, wave, reference_roster, mailing
):
    batch, job = queued_batch(app, dbs, wave, reference_roster)
    deliveries = list(
        dbs.scalars(select(MailDelivery).where(MailDelivery.batch_id == batch.id).order_by("id"))
    )
    # The first worker sent two mails, was sending the third when it died.
    lease = timedelta(seconds=app.config["JOBS_LEASE_SECONDS"])
    runner.claim(dbs, job.id, utcnow() - 2 * lease, lease)
    for delivery in deliveries[:2]:
        delivery.status, delivery.sent_at = "sent", utcnow()
    deliveries[2].status = "sending"
    dbs.commit()
    assert runner.run(app, job.id) == "done"  # its lease ran out: the job is claimed again
    mailed = Counter(message["To"] for message in mailing.messages)
    left = {delivery.invitation.person.email for delivery in deliveries[3:]}
    assert mailed == dict.fromkeys(left, 1)
    dbs.expire_all()
    assert [(d.status, d.reason) for d in deliveries] == [
        ("sent", None),
        ("sent", None),
        ("failed", UNCONFIRMED),
        ("sent", None),
        ("sent", None),
        ("sent", None),
    ]
    assert dbs.get(Job, job.id).attempts == 2


def test_a_job_still_held_by_a_live_worker_is_not_run_twice(
    app, dbs, wave, reference_roster, mailing
):
    _batch, job = queued_batch(app, dbs, wave, reference_roster)
    lease = timedelta(seconds=app.config["JOBS_LEASE_SECONDS"])
    runner.claim(dbs, job.id, utcnow(), lease)  # another worker runs it right now
    assert runner.run(app, job.id) is None
    assert mailing.messages == []


def test_invitations_answered_or_erased_before_their_mail_get_none(
    app, dbs, wave, reference_roster, mailing
):
    _batch, job = queued_batch(app, dbs, wave, reference_roster)
    first, second, *_ = sorted(
        dbs.scalars(select(Invitation).where(Invitation.wave_id == wave.id)),
        key=lambda invitation: invitation.person.email,
    )
    first.used = True
    second.person_id = None
    dbs.commit()
    runner.run(app, job.id)
    assert len(mailing.messages) == 4
    reasons = Counter(
        dbs.scalars(select(MailDelivery.reason).where(MailDelivery.status == "failed"))
    )
    assert set(reasons) == {
        "answered before this mail went out",
        "the person was erased before this mail went out",
    }


def test_a_wave_that_closed_before_its_mails_gets_none(app, dbs, wave, reference_roster, mailing):
    _batch, job = queued_batch(app, dbs, wave, reference_roster)
    dbs.execute(update(type(wave)).where(type(wave).id == wave.id).values(closes_at=utcnow()))
    dbs.commit()
    runner.run(app, job.id)
    assert mailing.messages == []
    reasons = set(dbs.scalars(select(MailDelivery.reason)))
    assert reasons == {"the wave closed before this mail went out"}


def test_a_queued_mailing_says_it_waits(app, consultant_client, reference_org, dbs, wave, mailing):
    url = (
        f"/clients/{reference_org.organisation.id}/assessments/{wave.assessment_id}/waves/{wave.id}"
    )
    batch, _job = queued_batch(app, dbs, wave, {})
    page = consultant_client.get(f"{url}/mailings/{batch.id}").get_data(as_text=True)
    assert "Waiting to be sent" in page
    assert consultant_client.get(f"{url}/mailings/{batch.id}.json").get_json()["state"] == "queued"


def test_a_large_mailing_is_shared_by_several_jobs_and_sent_once(
    app, dbs, wave, reference_roster, mailing
):
    app.config["MAIL_JOB_SIZE"] = 4
    people = sorted(reference_roster.values(), key=lambda person: person.email)
    issued = invite_roster(dbs, wave, people, utcnow(), 30)
    batch = start_batch(dbs, wave, "invitation", [item.invitation for item in issued])
    with app.app_context():
        jobs = submit_mailing(dbs, batch)
    assert [job.params["part"] for job in jobs] == [0, 1]
    assert runner.run(app, jobs[1].id) == "done"
    dbs.refresh(batch)
    assert batch.finished_at is None  # the other part still waits
    assert runner.run(app, jobs[0].id) == "done"
    dbs.refresh(batch)
    assert batch.finished_at is not None
    assert Counter(message["To"] for message in mailing.messages) == dict.fromkeys(
        (person.email for person in people), 1
    )
