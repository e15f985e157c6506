"""Mailing personal links: the message, the batch that records each delivery, and its sending.

The invitations are created and committed first, with one pending delivery each; only then are
the mails sent, over one SMTP connection, each delivery marked sent or failed (with a reason) as
it goes. A failure never undoes an invitation, and failed deliveries can be retried: a retry,
like a reminder, gives the invitation a fresh link. Tokens and links are never logged or stored.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import Flask
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from analysis.privacy import coarse_count
from survey.campaigns.issuing import Issued
from survey.db import db
from survey.i18n import SOURCE_LANGUAGE, supported, when
from survey.invitations import link_url
from survey.mail import SmtpSettings, compose, send_all
from survey.models import Assessment, Invitation, MailBatch, MailDelivery, Wave
from survey.models._columns import utcnow

# A batch whose sender has not moved for this long has stopped (the server restarted).
STALE_AFTER = timedelta(minutes=10)
UNUSABLE_ADDRESS = "the address cannot be written into an e-mail"
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
    """Where a batch stands; ``state`` is ``sending``, ``done`` or ``interrupted``.

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
        return self.state != "sending"


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


def start_batch(session: Session, wave: Wave, kind: str, issued: list[Issued]) -> MailBatch:
    """A batch with one pending delivery per invitation, flushed (not committed)."""
    batch = MailBatch(
        wave_id=wave.id,
        kind=kind,
        deliveries=[MailDelivery(invitation_id=item.invitation.id) for item in issued],
    )
    session.add(batch)
    session.flush()
    return batch


def outgoing_mail(
    batch: MailBatch,
    issued: list[Issued],
    public_url: str,
    sender: str,
    minutes: dict[str, int | None],
    now: datetime,
) -> list[tuple[int, EmailMessage]]:
    """(delivery id, message) for each invitation of ``batch``; ``minutes`` is by role.

    An address that cannot stand in a mail header (a line break in it, say) fails its delivery
    at once, with a reason, and is left out.
    """
    wave = batch.wave
    assessment = wave.assessment
    deliveries = {delivery.invitation_id: delivery for delivery in batch.deliveries}
    messages = []
    for item in issued:
        invitation = item.invitation
        delivery = deliveries[invitation.id]
        person = invitation.person
        # Read by the addressee: in their language, with the times in their team's zone.
        with force_locale(supported(person.language) or SOURCE_LANGUAGE):
            subject = str(SUBJECTS[batch.kind]) % {"name": assessment.name}
            body = message_body(
                batch.kind,
                assessment,
                wave,
                link_url(public_url, item.token),
                minutes.get(invitation.role),
                now,
                person.team.zone if person.team is not None else None,
            )
        try:
            message = compose(sender, invitation.person.email, subject, body)
        except ValueError:
            delivery.status, delivery.reason = "failed", UNUSABLE_ADDRESS
            continue
        messages.append((delivery.id, message))
    return messages


def dispatch(app: Flask, batch_id: int, messages: list[tuple[int, EmailMessage]]) -> None:
    """Send the batch in a background thread, or at once when ``MAIL_IN_BACKGROUND`` is off."""
    if app.config["MAIL_IN_BACKGROUND"]:
        thread = threading.Thread(
            target=run_batch, args=(app, batch_id, messages), name=f"mail-batch-{batch_id}"
        )
        thread.start()
    else:
        run_batch(app, batch_id, messages)


def run_batch(app: Flask, batch_id: int, messages: list[tuple[int, EmailMessage]]) -> None:
    """Send ``messages`` over one connection, recording each delivery as it is sent or fails."""
    with app.app_context():
        session = db.session
        batch = session.get(MailBatch, batch_id)

        def report(delivery_id: int, reason: str | None) -> None:
            now = utcnow()
            session.execute(
                update(MailDelivery)
                .where(MailDelivery.id == delivery_id)
                .values(
                    status="failed" if reason else "sent",
                    reason=reason,
                    sent_at=None if reason else now,
                )
            )
            batch.updated_at = now
            session.commit()

        try:
            send_all(SmtpSettings.from_config(app.config), messages, report)
        except Exception as error:
            app.logger.exception("Mail batch %s stopped", batch_id)
            session.rollback()
            session.execute(
                update(MailDelivery)
                .where(MailDelivery.batch_id == batch_id, MailDelivery.status == "pending")
                .values(status="failed", reason=_stopped_reason(error))
            )
        batch.finished_at = utcnow()
        session.commit()
        counts = _status_counts(session, batch_id)
        sent, failed = counts["sent"], counts["failed"]
        assessment = batch.wave.assessment
        if assessment.mode == "anonymous" and batch.kind in ("reminder", "retry"):
            k = assessment.min_group_size  # exact counts here would tell who has answered
            sent, failed = coarse_count(sent, k), coarse_count(failed, k)
        app.logger.info(
            "Mail batch %s (%s, wave %s): %s sent, %s failed",
            batch_id,
            batch.kind,
            batch.wave_id,
            "fewer than k" if sent is None else sent,
            "fewer than k" if failed is None else failed,
        )


def _stopped_reason(error: Exception) -> str:
    if isinstance(error, ValueError):
        return f"the mail settings are wrong: {error}"[:200]
    return f"sending stopped by an unexpected error ({type(error).__name__})"


def _status_counts(session: Session, batch_id: int) -> Counter:
    rows = session.execute(
        select(MailDelivery.status, func.count())
        .where(MailDelivery.batch_id == batch_id)
        .group_by(MailDelivery.status)
    ).all()
    return Counter(dict(rows))


def progress(session: Session, batch: MailBatch, now: datetime) -> Progress:
    """Counts of a batch's deliveries, the reasons for its failures, and whether it goes on."""
    counts = _status_counts(session, batch.id)
    reasons = session.execute(
        select(MailDelivery.reason, func.count())
        .where(MailDelivery.batch_id == batch.id, MailDelivery.status == "failed")
        .group_by(MailDelivery.reason)
        .order_by(func.count().desc(), MailDelivery.reason)
    ).all()
    if batch.finished_at is not None:
        state = "done"
    else:
        state = "interrupted" if batch.updated_at < now - STALE_AFTER else "sending"
    return Progress(
        total=sum(counts.values()),
        sent=counts["sent"],
        failed=counts["failed"],
        pending=counts["pending"],
        reasons=[(reason or "unknown", count) for reason, count in reasons],
        state=state,
        finished=sum(counts.values()) - counts["pending"],
    )


def retry_candidates(session: Session, batch: MailBatch, now: datetime) -> list[Invitation]:
    """Invitations of ``batch`` whose mail was not sent, unanswered and not retried since.

    Pending deliveries count too once the batch was interrupted.
    """
    statuses = ["failed"]
    if progress(session, batch, now).state == "interrupted":
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
