"""Mailing personal links: the message, the batch that records each delivery, and its job.

The invitations are created and committed first, with one pending delivery each, and a job
(``survey.jobs``) is asked to send them; the job gives each invitation a fresh link just before
its mail goes out, over one SMTP connection, and marks each delivery sent or failed (with a
reason) as it goes. A failure never undoes an invitation, and failed deliveries can be retried
with fresh links. Tokens and links are never logged or stored, nor put in the job's message.
"""

from __future__ import annotations

import smtplib
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from analysis.privacy import coarse_count
from survey.campaigns.issuing import Issued, reissue
from survey.i18n import SOURCE_LANGUAGE, supported, when
from survey.instruments import all_questionnaires
from survey.invitations import link_url
from survey.jobs.registry import Progress as JobProgress
from survey.jobs.registry import job_kind
from survey.jobs.runner import submit
from survey.mail import SmtpSettings, compose, connect, disconnect, failure_reason
from survey.models import Assessment, Invitation, Job, MailBatch, MailDelivery, Wave
from survey.models._columns import utcnow

UNUSABLE_ADDRESS = "the address cannot be written into an e-mail"
UNCONFIRMED = "not confirmed: sending stopped while this mail went out; it may have arrived"
ANSWERED = "answered before this mail went out"
WAVE_CLOSED = "the wave closed before this mail went out"
ERASED = "the person was erased before this mail went out"
HANDED_OVER = "sent again in a later mailing"
# A batch is sending while one of its jobs runs, else queued while one waits, else interrupted
# (a job failed, or none was ever made) unless it finished.
JOB_TO_BATCH = (("running", "sending"), ("queued", "queued"))
SUBJECTS = {
    "invitation": _l("Your invitation: %(name)s"),
    "reminder": _l("Reminder: %(name)s"),
    "retry": _l("Your invitation: %(name)s"),
}
PRIVACY = {
    "anonymous": _l(
        "Your answers are stored without your name, without this link and without any other "
        "way back to you."
    ),
    "confidential": _l(
        "Your answers are stored without your name. A random key, which nobody sees, pairs them "
        "with your answers in later rounds, so that change can be measured."
    ),
}


@dataclass(frozen=True)
class Progress:
    """Where a batch stands; ``state`` is ``queued``, ``sending``, ``done`` or ``interrupted``.

    Counts are ``None`` where :func:`coarse_progress` coarsened them below ``k``.
    """

    total: int | None
    sent: int | None
    failed: int | None
    pending: int | None
    reasons: list[tuple[str, int | None]]
    state: str
    finished: int | None  # mails handled so far, sent or failed
    k: int | None = None  # the step of coarsened counts; None when they are exact

    @property
    def done(self) -> bool:
        return self.state in ("done", "interrupted")


def coarse_progress(state: Progress, k: int) -> Progress:
    """``state`` with every count rounded down to a multiple of ``k`` (``None`` under ``k``).

    For the reminders and retries of an anonymous assessment: they go only to people who have not
    answered, so an exact count for a chosen team could tell whether someone has.
    """
    return replace(
        state,
        total=coarse_count(state.total, k),
        sent=coarse_count(state.sent, k),
        failed=coarse_count(state.failed, k),
        pending=coarse_count(state.pending, k),
        reasons=[(reason, coarse_count(count, k)) for reason, count in state.reasons],
        finished=coarse_count(state.total - state.pending, k),
        k=k,
    )


def message_body(
    kind: str,
    assessment: Assessment,
    wave: Wave,
    link: str,
    minutes: int | None,
    now: datetime,
    zone: str | None = None,
) -> str:
    """The text of an invitation or a reminder; ``link`` is the person's own.

    Written in the current locale (the caller forces the addressee's) with the times in ``zone``,
    the addressee's (UTC when None).
    """
    if kind == "reminder":
        opening = _(
            "This is a reminder: you have not finished this survey yet. The link below replaces "
            "the one we sent before, which no longer works. Answers you saved under the old link "
            "were locked with it, so nobody can read them, not even with this link: you start "
            "afresh."
        )
    else:
        opening = _(
            "You are invited to answer a short survey for %(organisation)s.",
            organisation=assessment.organisation.name,
        )
    if minutes:
        opening += " " + ngettext(
            "It takes about %(num)d minute.", "It takes about %(num)d minutes.", minutes
        )
    return (
        _("Hello,")
        + "\n\n"
        + opening
        + "\n\n"
        + _("Your personal link (it works once, so please do not forward it):")
        + f"\n{link}\n\n"
        + _when_open(wave, now, zone or "UTC")
        + "\n\n"
        + _(
            "%(privacy)s Results are only ever shown for groups of %(size)s or more people.",
            privacy=PRIVACY[assessment.mode],
            size=assessment.min_group_size,
        )
        + f"\n\n{assessment.name}\n"
    )


def _when_open(wave: Wave, now: datetime, zone: str) -> str:
    closes = when(wave.closes_at, zone)
    if now < wave.opens_at:
        return _(
            "The survey opens on %(opens)s and closes on %(closes)s.",
            opens=when(wave.opens_at, zone),
            closes=closes,
        )
    return _("The survey is open until %(closes)s.", closes=closes)


def start_batch(
    session: Session, wave: Wave, kind: str, invitations: list[Invitation]
) -> MailBatch:
    """A batch with one pending delivery per invitation, flushed (not committed)."""
    batch = MailBatch(
        wave_id=wave.id,
        kind=kind,
        deliveries=[MailDelivery(invitation_id=invitation.id) for invitation in invitations],
    )
    session.add(batch)
    session.flush()
    return batch


def mailing_key(batch_id: int, part: int) -> str:
    """The key of the job that sends part ``part`` of a batch."""
    return f"mail:{batch_id}:{part}"


def submit_mailing(session: Session, batch: MailBatch, user_id: int | None = None) -> list[Job]:
    """Commit the batch with the jobs that send it: one per ``MAIL_JOB_SIZE`` deliveries, so
    that several workers share a large mailing; each job sends the deliveries whose id leaves
    its part when divided by the number of parts."""
    size = len(batch.deliveries)
    parts = max(1, -(-size // current_app.config["MAIL_JOB_SIZE"]))
    organisation_id = batch.wave.assessment.organisation_id
    jobs = []
    for part in range(parts):
        params = {"batch": batch.id, "part": part, "parts": parts}
        job = submit(session, "mail", mailing_key(batch.id, part), params, organisation_id, user_id)
        if job is not None:
            jobs.append(job)
    return jobs


@job_kind("mail", _l("Mailing"), private_counts=True)
def send_mailing(session: Session, job: Job, progress: JobProgress) -> None:
    """Send the pending mails of a batch's part over one connection, each with a link made
    just before.

    A delivery is committed ``sending``, with its invitation's fresh token, before its mail
    goes to the server, and ``sent`` or ``failed`` after: run again after its worker died, the
    job marks what its part left ``sending`` as unconfirmed and never sends it again, then
    goes on with the pending ones. The token lives only in this function's memory and the mail.
    """
    config = current_app.config
    batch = session.get(MailBatch, job.params["batch"])
    part = _part(batch.id, job.params["part"], job.params["parts"])
    _set_status(session, part, "sending", "failed", UNCONFIRMED)
    pending = list(
        session.scalars(
            select(MailDelivery.id).where(part, MailDelivery.status == "pending").order_by("id")
        )
    )
    total = session.scalar(select(func.count()).where(part))
    progress(total - len(pending), total)
    try:
        settings = SmtpSettings.from_config(config)
        smtp = connect(settings) if pending else None
    except ValueError as error:
        return _finish(session, batch, part, f"the mail settings are wrong: {error}"[:200])
    except (OSError, smtplib.SMTPException) as error:
        return _finish(session, batch, part, failure_reason(error))
    sender = _Sender(session, batch, settings.sender, config, smtp)
    try:
        for done, delivery_id in enumerate(pending, start=total - len(pending) + 1):
            lost = sender.send(delivery_id)
            if lost:
                return _finish(session, batch, part, lost)
            progress(done)
    finally:
        if smtp is not None:
            disconnect(smtp)
    _finish(session, batch, part, None)


def _part(batch_id: int, part: int, parts: int):
    """The deliveries of one part of a batch, as a condition."""
    return (MailDelivery.batch_id == batch_id) & (MailDelivery.id % parts == part)


class _Sender:
    """Sends one delivery at a time over an open connection (``send_mailing``)."""

    def __init__(self, session: Session, batch: MailBatch, sender: str, config, smtp) -> None:
        self.session = session
        self.batch = batch
        self.sender = sender
        self.smtp = smtp
        self.public_url = config["PUBLIC_URL"]
        self.days = config["INVITATION_DAYS"]
        self.minutes = _minutes(batch.wave)

    def send(self, delivery_id: int) -> str | None:
        """Send one pending delivery; the reason the connection was lost, else ``None``.

        The delivery is taken with a conditional UPDATE, so that of two runs of the same job
        (one thought lost while it was only slow), one sends it.
        """
        session, wave = self.session, self.batch.wave
        taken = session.execute(
            update(MailDelivery)
            .where(MailDelivery.id == delivery_id, MailDelivery.status == "pending")
            .values(status="sending")
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:
            session.rollback()
            return None
        delivery = session.get(MailDelivery, delivery_id)
        session.refresh(delivery)
        invitation = delivery.invitation
        now = utcnow()
        refused = _refusal(invitation, wave, now)
        if refused:
            return self._end(delivery, "failed", refused)
        (issued,) = reissue(session, [invitation], wave, now, self.days)
        try:
            message = self._message(issued, now)
        except ValueError:
            session.rollback()  # the token the mail would have carried was never seen
            return self._end(session.get(MailDelivery, delivery_id), "failed", UNUSABLE_ADDRESS)
        self.batch.updated_at = now
        session.commit()  # "sending", with the new token: from here, never sent again
        try:
            self.smtp.send_message(message)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as error:
            return self._end(delivery, "failed", failure_reason(error))
        except (OSError, smtplib.SMTPException) as error:
            reason = failure_reason(error)
            self._end(delivery, "failed", reason)
            return reason
        return self._end(delivery, "sent", None)

    def _message(self, issued: Issued, now: datetime) -> EmailMessage:
        invitation = issued.invitation
        person = invitation.person
        assessment = self.batch.wave.assessment
        # Read by the addressee: in their language, with the times in their team's zone.
        with force_locale(supported(person.language) or SOURCE_LANGUAGE):
            subject = str(SUBJECTS[self.batch.kind]) % {"name": assessment.name}
            body = message_body(
                self.batch.kind,
                assessment,
                self.batch.wave,
                link_url(self.public_url, issued.token),
                self.minutes.get(invitation.role),
                now,
                person.team.zone if person.team is not None else None,
            )
        return compose(self.sender, person.email, subject, body)

    def _end(self, delivery: MailDelivery, status: str, reason: str | None) -> None:
        delivery.status, delivery.reason = status, reason
        delivery.sent_at = utcnow() if status == "sent" else None
        self.batch.updated_at = utcnow()
        self.session.commit()


def _refusal(invitation: Invitation, wave: Wave, now: datetime) -> str | None:
    """Why an invitation gets no mail after all, else ``None``.

    In anonymous mode an invitation answered since the batch was made is mailed all the same
    (its fresh link then says it was answered): a reason "answered" on the mailing page would
    tell the consultant that someone of a small team has just answered.
    """
    if invitation.person is None:
        return ERASED
    if invitation.used and wave.assessment.mode != "anonymous":
        return ANSWERED
    if wave.closes_at <= now:
        return WAVE_CLOSED
    return None


def _minutes(wave: Wave) -> dict[str, int | None]:
    minutes = {}
    for role in ("rep", "manager"):
        questionnaire = all_questionnaires().get(wave.instrument(role)[:2])
        minutes[role] = questionnaire.minutes if questionnaire else None
    return minutes


def _set_status(session: Session, deliveries, old: str, new: str, reason: str) -> None:
    """Move the ``deliveries`` (a condition) in status ``old`` to ``new``, for ``reason``."""
    session.execute(
        update(MailDelivery)
        .where(deliveries, MailDelivery.status == old)
        .values(status=new, reason=reason)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def _finish(session: Session, batch: MailBatch, part, reason: str | None) -> None:
    """End a part of the batch (with a ``reason``, every delivery it has still pending failed
    for it), and the batch once none of its parts has a mail waiting or going out."""
    if reason:
        _set_status(session, part, "pending", "failed", reason)
    counts = _status_counts(session, batch.id)
    if counts["pending"] or counts["sending"]:
        return
    batch.finished_at = utcnow()
    session.commit()
    counts = _status_counts(session, batch.id)
    sent, failed = counts["sent"], counts["failed"]
    assessment = batch.wave.assessment
    if assessment.mode == "anonymous" and batch.kind in ("reminder", "retry"):
        k = assessment.min_group_size  # exact counts here would tell who has answered
        sent, failed = coarse_count(sent, k), coarse_count(failed, k)
    current_app.logger.info(
        "Mail batch %s (%s, wave %s): %s sent, %s failed",
        batch.id,
        batch.kind,
        batch.wave_id,
        "fewer than k" if sent is None else sent,
        "fewer than k" if failed is None else failed,
    )


def _status_counts(session: Session, batch_id: int) -> Counter:
    rows = session.execute(
        select(MailDelivery.status, func.count())
        .where(MailDelivery.batch_id == batch_id)
        .group_by(MailDelivery.status)
    ).all()
    return Counter(dict(rows))


def progress(session: Session, batch: MailBatch) -> Progress:
    """Counts of a batch's deliveries, the reasons for its failures, and how its job stands:
    ``queued`` (waiting for a worker), ``sending``, ``done``, or ``interrupted`` (its job
    failed: the consultant may send the rest again)."""
    counts = _status_counts(session, batch.id)
    reasons = session.execute(
        select(MailDelivery.reason, func.count())
        .where(MailDelivery.batch_id == batch.id, MailDelivery.status == "failed")
        .group_by(MailDelivery.reason)
        .order_by(func.count().desc(), MailDelivery.reason)
    ).all()
    states = set(session.scalars(select(Job.state).where(Job.key.like(f"mail:{batch.id}:%"))))
    if batch.finished_at is not None:
        state = "done"
    else:
        state = next((s for job, s in JOB_TO_BATCH if job in states), "interrupted")
    waiting = counts["pending"] + counts["sending"]
    return Progress(
        total=sum(counts.values()),
        sent=counts["sent"],
        failed=counts["failed"],
        pending=waiting,
        reasons=[(reason or "unknown", count) for reason, count in reasons],
        state=state,
        finished=sum(counts.values()) - waiting,
    )


def retry_candidates(session: Session, batch: MailBatch) -> list[Invitation]:
    """Invitations of ``batch`` whose mail was not sent, unanswered and not retried since.

    Pending deliveries count too once the batch's job failed (``interrupted``).
    """
    statuses = ["failed"]
    if progress(session, batch).state == "interrupted":
        statuses.append("pending")
    later = select(MailDelivery.invitation_id).where(MailDelivery.batch_id > batch.id)
    query = (
        select(Invitation)
        .join(MailDelivery, MailDelivery.invitation_id == Invitation.id)
        .where(
            MailDelivery.batch_id == batch.id,
            MailDelivery.status.in_(statuses),
            Invitation.used.is_(False),
            Invitation.person_id.is_not(None),
            Invitation.id.not_in(later),
        )
        .order_by(Invitation.id)
    )
    return list(session.scalars(query))


def hand_over(session: Session, batch: MailBatch) -> None:
    """Close an interrupted batch whose pending mails a retry takes over, so that resuming its
    jobs could never send them a second time."""
    _set_status(session, MailDelivery.batch_id == batch.id, "pending", "failed", HANDED_OVER)
    if batch.finished_at is None:
        batch.finished_at = utcnow()
