"""The scheduler with a frozen clock: mailings at the opening, reminders on their days, the
final release at closing, each exactly once however many schedulers look at once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from survey.campaigns.scheduler import tick
from survey.models import AuditEvent, Invitation, Job, MailBatch, Release, Wave
from survey.models._columns import utcnow
from tests.factories import ROSTER, gen_assessment

# An hour ago: the clock the scheduler is given moves from there; invitations it makes carry
# the real time, which must come before the reminder days.
OPENS = utcnow().replace(microsecond=0) - timedelta(hours=1)
EVERYONE = sorted(address for addresses in ROSTER.values() for address in addresses)


@pytest.fixture
def wave(dbs, reference_org, reference_roster) -> Wave:
    """A confidential wave of three weeks that mails its invitations at the opening and reminds
    on days 3 and 7."""
    assessment = gen_assessment(dbs, reference_org.organisation, mode="confidential")
    wave = Wave(
        assessment=assessment,
        name="Scheduled",
        opens_at=OPENS,
        closes_at=OPENS + timedelta(days=21),
        invite_on_open=True,
        reminder_days=[3, 7],
    )
    dbs.add(wave)
    dbs.commit()
    return wave


def at(days: float) -> datetime:
    return OPENS + timedelta(days=days)


def mine(dbs, wave: Wave, asked: list[int]) -> list[str]:
    """The keys of the jobs asked for ``wave`` (the reference organisation has waves too)."""
    keys = [dbs.get(Job, job_id).key for job_id in asked]
    return [key for key in keys if key.split(":")[1] == str(wave.id)]


def recipients(mailing) -> list[str]:
    return sorted(message["To"] for message in mailing.messages)


def test_nothing_happens_before_the_opening(app, dbs, wave, mailing):
    done = tick(app, at(-0.01))
    assert mine(dbs, wave, done.asked) == [] and mailing.messages == []


def test_the_opening_mails_the_roster_once(app, dbs, wave, mailing):
    tick(app, at(0))
    assert recipients(mailing) == EVERYONE
    assert mine(dbs, wave, tick(app, at(0.5)).asked) == []  # the next look finds it done
    assert recipients(mailing) == EVERYONE
    assert dbs.scalar(select(func.count()).select_from(Invitation)) == len(EVERYONE)
    event = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "invitations.create")).one()
    assert event.user_id is None and event.details["scheduled"] is True


def test_reminders_go_on_their_days_to_those_who_have_not_answered(app, dbs, wave, mailing):
    tick(app, at(0))
    answered = dbs.scalars(select(Invitation).order_by(Invitation.id)).first()
    answered.used = True
    dbs.commit()
    mailing.messages.clear()
    assert mine(dbs, wave, tick(app, at(2.9)).asked) == []
    tick(app, at(3))
    first = recipients(mailing)
    assert first == sorted(set(EVERYONE) - {answered.person.email})
    tick(app, at(4))
    assert recipients(mailing) == first  # day 3's reminder went once
    tick(app, at(7.5))
    assert Counter(recipients(mailing)) == dict.fromkeys(first, 2)
    kinds = Counter(dbs.scalars(select(MailBatch.kind)))
    assert kinds == {"invitation": 1, "reminder": 2}


def test_a_scheduler_started_late_sends_one_reminder_not_all_it_missed(app, dbs, wave, mailing):
    tick(app, at(0))
    mailing.messages.clear()
    tick(app, at(9))
    assert recipients(mailing) == EVERYONE
    keys = set(dbs.scalars(select(Job.key)))
    assert f"remind:{wave.id}:7" in keys and f"remind:{wave.id}:3" not in keys


def test_no_reminder_after_the_close_and_the_close_releases_once(app, dbs, wave, mailing):
    done = tick(app, at(21))
    assert mailing.messages == []  # a closed wave mails nobody
    assert mine(dbs, wave, done.asked) == [f"release:{wave.id}:final"]
    finals = select(func.count()).where(Release.wave_id == wave.id, Release.final.is_(True))
    assert dbs.scalar(finals) == 1
    assert mine(dbs, wave, tick(app, at(22)).asked) == []
    assert dbs.scalar(finals) == 1


def test_no_reminder_before_the_invitations_nor_within_a_day_of_them(app, dbs, wave, mailing):
    tick(app, at(3))  # started late: the opening's mailing first, no reminder at the same look
    assert recipients(mailing) == EVERYONE
    assert mine(dbs, wave, tick(app, at(3.1)).asked) == [f"remind:{wave.id}:3"]
    assert recipients(mailing) == EVERYONE  # nobody invited less than a day before day 3
    assert "remind" not in str(tick(app, at(5)).asked)


def test_several_schedulers_at_once_ask_for_each_job_once(app, dbs, wave, mailing):
    barrier = threading.Barrier(4)
    asked: list[int] = []

    def look() -> None:
        barrier.wait()
        asked.extend(tick(app, at(3)).asked)

    threads = [threading.Thread(target=look) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert mine(dbs, wave, asked) == [f"invite:{wave.id}:open"]
    assert recipients(mailing) == EVERYONE


def test_anonymous_reminders_audit_coarse_counts(app, dbs, wave, mailing):
    wave.assessment.mode = "anonymous"
    dbs.commit()
    tick(app, at(0))
    tick(app, at(3))
    assert len(mailing.messages) == 12
    event = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "invitations.remind")).one()
    assert event.details["count"] == 5  # six waiting, counted in steps of five
