"""How the background jobs hold up when things go wrong: erasures after a file was made, a
Redis that hangs, workers that die or stall, a queue that falls behind, and an attacker who
watches an anonymous reminder (an independent review's scenarios)."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import inspect, text, update

from survey.db import make_engine
from survey.erasure import erase_person
from survey.jobs import runner
from survey.jobs.files import file_pieces
from survey.jobs.queue import dispatch_all, init_app
from survey.migrate import alembic_config, upgrade
from survey.models import Job, MailDelivery, Person
from survey.models._columns import utcnow
from survey.reports.exports import rep_versions
from survey.spreadsheet import STYLES
from tests.auth.helpers import login
from tests.factories import gen_user
from tests.factories.confidential import answer, build
from tests.jobs.test_runner import CALLS, no_calls  # noqa: F401  (registers the test kinds)


def _export_job(app, dbs, world, consultant, key: str) -> Job:
    assessment = world.assessment
    params = {
        "assessment": assessment.id,
        "export": "responses-long",
        "version": rep_versions(assessment)[-1],
        "style": next(iter(STYLES)),
        "language": "en",
        "zone": "UTC",
    }
    job = runner.submit(
        dbs,
        "export_responses-long",
        key,
        params,
        organisation_id=world.organisation.id,
        user_id=consultant.id,
    )
    assert runner.run(app, job.id) == "done"
    dbs.expire_all()
    return dbs.get(Job, job.id)


def test_an_erasure_deletes_the_export_files_made_before_it(app, dbs):
    """Erasure (data rights, retention purge) deletes a person's confidential responses; an
    export file made before would still hold them, so the organisation's files go too."""
    world = build(dbs, {"Oslo": None}, waves=1)
    (wave,) = world.waves
    keys = [f"p{i}" for i in range(1, 7)]
    answer(dbs, world, wave, "Oslo", keys, 1)
    dbs.commit()
    consultant = gen_user(
        dbs, "reviewer-c@example.com", "consultant", organisations=[world.organisation]
    )
    before = _export_job(app, dbs, world, consultant, "review:export:1")
    rows_before = b"".join(file_pieces(dbs, before.id)).count(b"\n")
    person = Person(
        organisation_id=world.organisation.id,
        email="p6@example.com",
        team_id=world.teams["Oslo"].id,
        pseudonym="p6",
    )
    dbs.add(person)
    dbs.commit()
    with app.app_context():
        erase_person(dbs, person, delete_responses=True)
        dbs.commit()
    dbs.refresh(before)
    assert before.result_name is None and list(file_pieces(dbs, before.id)) == []
    after = _export_job(app, dbs, world, consultant, "review:export:2")
    rows_after = b"".join(file_pieces(dbs, after.id)).count(b"\n")
    assert rows_after < rows_before  # the erasure took rows away
    client = app.test_client()
    login(client, consultant.email)
    served = client.get(f"/clients/{world.organisation.id}/jobs/{before.id}/file")
    assert served.status_code == 404


@pytest.fixture
def silent_redis():
    """A TCP server that accepts connections and never answers (a hung Redis, a black hole)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], accepted
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


def test_a_redis_that_does_not_answer_is_asked_once_for_a_whole_mailing(app, dbs, silent_redis):
    """A Redis that accepts connections and never answers: the broker's client gives up after
    its timeout, and the jobs of a mailing after the first are left to the scheduler rather
    than each waiting in turn (a mailing of 20 parts would hold its request 20 times)."""
    port, accepted = silent_redis
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
    init_app(app)
    jobs = [runner.submit(dbs, "test_count", f"review:hang:{n}", {}) for n in range(5)]
    with app.app_context():
        dispatch_all([job.id for job in jobs])
    assert len(accepted) == 1  # one connection, for the first job only
    for job in jobs:
        dbs.refresh(job)
        assert job.state == "queued"


def test_a_job_that_kills_its_worker_fails_after_max_attempts(app, dbs):
    """A job whose run always kills its worker (out of memory on a large PDF, say) is sent
    again a lease after each death, up to MAX_ATTEMPTS runs; then it fails with a reason."""
    job = runner.submit(dbs, "test_count", "review:poison", {})
    lease = timedelta(seconds=app.config["JOBS_LEASE_SECONDS"])
    moment = utcnow() - timedelta(days=1)
    for _ in range(runner.MAX_ATTEMPTS):
        assert runner.claim(dbs, job.id, moment, lease) is not None
        moment += 2 * lease
        sent_again = runner.lost_jobs(dbs, moment, lease)
    assert job.id not in sent_again
    dbs.refresh(job)
    assert job.state == "failed"
    assert job.error == runner.GAVE_UP.format(count=runner.MAX_ATTEMPTS)


def test_migration_0010_goes_down_and_up_again_with_a_sending_delivery(database_url, tmp_path):
    if not database_url.startswith("sqlite"):
        url = database_url
    else:
        url = f"sqlite:///{tmp_path / 'm.db'}"
    engine = make_engine(url)
    upgrade(engine)
    command.downgrade(alembic_config(engine), "0009")
    tables = inspect(engine).get_table_names()
    assert "job" not in tables
    assert "invite_on_open" not in {c["name"] for c in inspect(engine).get_columns("wave")}
    upgrade(engine)
    assert "job" in inspect(engine).get_table_names()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM job")).scalar() == 0
    engine.dispose()


from tests.jobs.test_scheduler import EVERYONE, at, recipients  # noqa: E402
from tests.jobs.test_scheduler import wave as scheduled_wave  # noqa: E402, F401


def test_a_scheduled_mailing_slow_but_alive_is_not_run_twice(
    app,
    dbs,
    scheduled_wave,  # noqa: F811
    mailing,
    monkeypatch,
):
    """The opening's mailing in a step longer than the lease (a large roster, a lock wait):
    its worker's heartbeat thread keeps the job from looking lost, so the scheduler does not
    send it again, and a second message for it does nothing; everyone gets one invitation."""
    from survey.campaigns import scheduler
    from survey.campaigns.scheduler import due_jobs

    app.config["JOBS_LEASE_SECONDS"] = 1
    (job_id,) = [
        job_id
        for job_id in due_jobs(dbs, at(0))
        if dbs.get(Job, job_id).key == f"invite:{scheduled_wave.id}:open"
    ]
    real = scheduler.invite_roster
    calls = []
    inside = threading.Event()
    go_on = threading.Event()

    def slow_first(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            inside.set()
            go_on.wait(10)  # the first worker, alive, in a long step
        return real(*args, **kwargs)

    monkeypatch.setattr(scheduler, "invite_roster", slow_first)
    first = threading.Thread(target=runner.run, args=(app, job_id))
    first.start()
    assert inside.wait(10)
    lease = timedelta(seconds=1)
    for _ in range(8):  # two leases of the scheduler's looks while the step goes on
        assert job_id not in runner.lost_jobs(dbs, utcnow(), lease)
        threading.Event().wait(0.25)
    assert runner.run(app, job_id) is None  # a second message for it
    go_on.set()
    first.join()
    assert len(calls) == 1
    assert recipients(mailing) == EVERYONE


from tests.campaigns.helpers import local, post_form  # noqa: E402
from tests.factories import gen_assessment, gen_wave  # noqa: E402


@pytest.mark.parametrize(
    "reminders",
    ["3, three", "0", "91", "3,3", "1,2,3,4,5", "٣", "3.5", "-1", "9" * 99, "20", ", ,", "1;2"],
)
def test_reviewer_probe_reminder_days_are_refused_with_a_message(
    consultant_client, reference_org, dbs, reminders
):
    assessment = gen_assessment(dbs, reference_org.organisation)
    wave = gen_wave(dbs, assessment, opens_in=-timedelta(days=1), lasts=timedelta(days=10))
    url = (
        f"/clients/{reference_org.organisation.id}/assessments/{assessment.id}/waves/{wave.id}/edit"
    )
    data = {
        "name": "Wave 1",
        "opens_at": local(utcnow()),
        "closes_at": local(wave.closes_at),
        "reminders": reminders,
    }
    response = post_form(consultant_client, url, url, data)
    assert response.status_code in (302, 422), response.status_code


def test_no_reminder_goes_out_before_the_invitation_it_reminds_of(
    app,
    dbs,
    scheduled_wave,  # noqa: F811
    mailing,
    monkeypatch,
):
    """Workers down from the opening to day 3 (or the mail job's message lost): on day 3 the
    scheduler sends the lost invitation job again, and asks for no reminder until the opening's
    mailing has finished and a day has passed since each mail."""
    from flask import current_app

    from survey.campaigns import scheduler

    def workers_down_for_mail(job_ids, app=None):
        for job_id in job_ids:
            if dbs.get(Job, job_id).kind != "mail":
                runner.run(app or current_app._get_current_object(), job_id)

    monkeypatch.setattr(scheduler, "dispatch_all", workers_down_for_mail)
    scheduler.tick(app, at(0))
    assert mailing.messages == []  # the invitations wait for a worker
    monkeypatch.undo()
    app.config["JOBS_LEASE_SECONDS"] = 1
    threading.Event().wait(1.1)  # the invitation jobs' lease runs out
    scheduler.tick(app, at(3))
    subjects = [message["Subject"].split(":")[0] for message in mailing.messages]
    assert subjects == ["Your invitation"] * 6  # the lost jobs, sent again; no reminder
    # They went out on day 3 (the test's clock stands still; the mails carry the real time).
    dbs.execute(update(MailDelivery).values(sent_at=at(3)))
    dbs.commit()
    scheduler.tick(app, at(3.5))  # day 3's reminder: nobody was mailed a day before it
    assert len(mailing.messages) == 6
    scheduler.tick(app, at(7))  # day 7's: everyone
    assert [m["Subject"].split(":")[0] for m in mailing.messages[6:]] == ["Reminder"] * 6


@pytest.mark.parametrize("dan_answers", [False, True])
def test_an_anonymous_reminders_page_does_not_tell_whether_one_person_answered(
    app, dbs, consultant_client, reference_org, reference_roster, mailing, dan_answers
):
    """Anonymous mode: a consultant reminds a team of one (France: dan). The batch is made at
    the click, the mail goes out when a worker takes the job (the queue may be long: the same
    consultant can fill it with export jobs). Whether dan answers in between, the mailing page
    and its JSON say the same: his reminder goes out either way."""
    from survey.campaigns.issuing import invite_roster
    from survey.campaigns.mailing import start_batch, submit_mailing

    assessment = gen_assessment(dbs, reference_org.organisation, mode="anonymous")
    wave = gen_wave(dbs, assessment, opens_in=-timedelta(hours=1))
    (issued,) = invite_roster(dbs, wave, [reference_roster["dan@acme.example"]], utcnow(), 30)
    invitation = issued.invitation
    batch = start_batch(dbs, wave, "reminder", [invitation])
    with app.app_context():
        (job,) = submit_mailing(dbs, batch)  # waits in the queue
    if dan_answers:
        invitation.used = True
    dbs.commit()
    runner.run(app, job.id)
    url = (
        f"/clients/{reference_org.organisation.id}/assessments/{assessment.id}"
        f"/waves/{wave.id}/mailings/{batch.id}"
    )
    page = consultant_client.get(url).get_data(as_text=True)
    reasons = consultant_client.get(url + ".json").get_json()["reasons"]
    assert "answered before this mail went out" not in page
    assert reasons == [] or all(
        r["reason"] != "answered before this mail went out" for r in reasons
    )


from dramatiq.middleware.time_limit import TimeLimitExceeded  # noqa: E402

from survey.jobs.registry import job_kind  # noqa: E402


@job_kind("review_time_limit", "Hitting Dramatiq's time limit, for tests")
def hits_the_time_limit(session, job, progress) -> None:
    progress(1, 10)
    raise TimeLimitExceeded()  # what Dramatiq raises in the actor's thread after TIME_LIMIT_MS


def test_a_job_cut_by_dramatiqs_time_limit_ends_as_failed(app, dbs):
    """Dramatiq interrupts an actor past its time limit (6 h) with a BaseException: the job
    ends as failed with a reason, rather than staying ``running`` to be sent again."""
    job = runner.submit(dbs, "review_time_limit", "review:time-limit", {})
    with pytest.raises(TimeLimitExceeded):
        runner.run(app, job.id)
    dbs.refresh(job)
    assert job.state == "failed"
    assert job.error == runner.STOPPED.format(name="TimeLimitExceeded")


@pytest.mark.parametrize("suffix", ["", ".json", "/file"])
@pytest.mark.parametrize("job_id", ["0", "2147483648", "9" * 40])
def test_sound_probe_job_ids_out_of_range_and_managers_get_404(
    app, consultant_client, reference_org, suffix, job_id
):
    base = f"/clients/{reference_org.organisation.id}/jobs/{job_id}{suffix}"
    assert consultant_client.get(base).status_code == 404
    manager = app.test_client()
    manager_user = next(u for u in reference_org.users.values() if u.role == "manager")
    login(manager, manager_user.email)
    assert manager.get(f"/clients/{reference_org.organisation.id}/jobs").status_code in (403, 404)
