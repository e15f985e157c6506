"""Password-reset links by e-mail, for the "Forgot your password?" page and the command line.

A request for an address that has no active account changes and sends nothing; the page that
asked answers the same either way. Unless ``MAIL_IN_BACKGROUND`` is off, all the work of a
request (the lookup, the new link, its audit event, the commit and the mail) happens in a
background thread, so that the request itself does the same, and takes as long, for every
address.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

from flask import Flask, Response, after_this_request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.accounts.links import issue_link, link_url
from survey.accounts.mailing import send_messages
from survey.audit import record
from survey.db import db
from survey.i18n import SOURCE_LANGUAGE, supported
from survey.models import User

SUBJECT = _l("Set a new password for Mindset Survey")
BODY = _l(
    """Hello,

Someone, probably you, asked to set a new password for the Mindset Survey account %(email)s.
Open this link within one hour to choose it:

%(link)s

The link works once. If you did not ask for it, ignore this message: your password stays as it
is.
"""
)


def reset_link(session: Session, user: User) -> str:
    """A new reset token for ``user`` (earlier ones stop working), audited; commits."""
    token = issue_link(session, user, "reset")
    record(session, "user.reset_requested", target=f"user {user.id}")
    session.commit()
    return token


def reset_for_email(session: Session, email: str) -> tuple[User, str] | None:
    """The active user of ``email`` (as typed) and a new reset token, or ``None`` when no
    active account has this address (then nothing changes)."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_active:
        return None
    return user, reset_link(session, user)


def reset_message(
    public_url: str, email: str, token: str, language: str | None = None
) -> tuple[str, str, str]:
    """The ``(recipient, subject, body)`` of the mail that carries a reset link, in
    ``language`` (the addressee's, a ``User.language``; English when it has none)."""
    with force_locale(supported(language) or SOURCE_LANGUAGE):
        link = link_url(public_url, token, "reset")
        body = str(BODY) % {"email": email, "link": link}
        return email, str(SUBJECT), body


def send_reset(config: Mapping, message: tuple[str, str, str]) -> str | None:
    """Send one reset mail now: ``None`` once the server accepted it, else the reason."""
    return send_messages(config, [message]).get(message[0], "not sent")


def request_reset(app: Flask, email: str) -> None:
    """Do all a "Forgot your password?" request for ``email`` (as typed) does: for an active
    account, a new reset link, audited, committed and mailed; a failure is logged, without the
    address or the link.

    When ``MAIL_IN_BACKGROUND`` is on, this happens in a background thread, with an app context
    (and so a database session) of its own, that starts once the response has been sent (its
    close), so that not even its share of the CPU makes the answer slower for a real account.
    Otherwise it happens at once.
    """

    def run() -> None:
        with app.app_context():  # its session is closed when the context ends
            _reset_and_mail(app, email)

    def run_in_background() -> None:
        try:
            run()
        except Exception as error:  # a thread's failure would otherwise go unlogged
            # Only its kind: a database error's text would show the address.
            app.logger.error("A password-reset request failed: %s", type(error).__name__)

    if not app.config["MAIL_IN_BACKGROUND"]:
        run()
        return
    thread = threading.Thread(target=run_in_background, name="mail-password-reset", daemon=True)

    @after_this_request
    def start_once_sent(response: Response) -> Response:
        response.call_on_close(thread.start)
        return response


def _reset_and_mail(app: Flask, email: str) -> None:
    found = reset_for_email(db.session, email)
    if found is None:
        return
    user, token = found
    try:
        message = reset_message(app.config["PUBLIC_URL"], user.email, token, user.language)
        reason = send_reset(app.config, message)
    except ValueError as error:  # an address or setting that cannot make a mail
        reason = str(error)
    if reason:
        app.logger.warning("A password-reset mail was not sent: %s", reason)
