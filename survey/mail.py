"""Sending e-mail through SMTP with the standard library, many messages over one connection.

Settings come from the app's configuration (``SURVEY_SMTP_*``): host and port, a sender, an
optional login, and the security of the connection: ``none`` (plain SMTP), ``starttls``
(upgrade a plain connection) or ``ssl`` (TLS from the first byte, usually port 465). A message
that fails does not stop the others; each result is reported as it happens, with a short
reason that carries no e-mail address and nothing of the message.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import TypeVar

SECURITY_CHOICES = ("none", "starttls", "ssl")
ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>@]+>?")
MAX_REASON = 200

Key = TypeVar("Key")


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send; ``username`` and ``password`` only when the server wants a login."""

    host: str
    port: int
    sender: str
    security: str = "none"
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if self.security not in SECURITY_CHOICES:
            raise ValueError(
                f"SURVEY_SMTP_SECURITY must be none, starttls or ssl, not {self.security!r}."
            )
        if not 0 < self.port < 65536:
            raise ValueError(f"SURVEY_SMTP_PORT must lie between 1 and 65535, not {self.port}.")
        if bool(self.username) != bool(self.password):
            raise ValueError("Set both SURVEY_SMTP_USERNAME and SURVEY_SMTP_PASSWORD, or neither.")

    @classmethod
    def from_config(cls, config: Mapping) -> SmtpSettings:
        """The settings kept in a Flask app's ``config`` under ``SMTP_*``."""
        return cls(
            host=config["SMTP_HOST"],
            port=int(config["SMTP_PORT"]),
            sender=config["SMTP_SENDER"],
            security=str(config["SMTP_SECURITY"]).strip().lower(),
            username=config.get("SMTP_USERNAME") or None,
            password=config.get("SMTP_PASSWORD") or None,
            timeout=float(config.get("SMTP_TIMEOUT_SECONDS", 30)),
        )


PLAIN_ADDRESS = re.compile(r"[\w!#$%&'*+/=?^`{|}~.-]+@[\w-]+(\.[\w-]+)+")


def compose(sender: str, recipient: str, subject: str, body: str) -> EmailMessage:
    """A plain-text message, UTF-8, with its own Message-ID.

    Raises ``ValueError`` for a recipient that is not one plain address (a header parser would
    read ``<a>b@c`` or ``x, y@z`` as other addresses than the roster holds).
    """
    if not PLAIN_ADDRESS.fullmatch(recipient):
        raise ValueError("the recipient is not one plain e-mail address")
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(body)
    return message


def failure_reason(error: BaseException) -> str:
    """Why a message was not sent, in a few words, without any e-mail address."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()), (0, b""))
        reason = f"the mail server refused the address ({code} {_text(text)})"
    elif isinstance(error, smtplib.SMTPSenderRefused):
        reason = f"the mail server refused the sender ({error.smtp_code} {_text(error.smtp_error)})"
    elif isinstance(error, smtplib.SMTPAuthenticationError):
        reason = f"the mail server refused the login ({error.smtp_code})"
    elif isinstance(error, smtplib.SMTPResponseException):
        reason = f"the mail server answered {error.smtp_code} {_text(error.smtp_error)}"
    elif isinstance(error, smtplib.SMTPServerDisconnected):
        reason = "the mail server closed the connection"
    elif isinstance(error, ssl.SSLError):
        reason = f"the secure connection to the mail server failed ({error.reason or 'TLS'})"
    elif isinstance(error, smtplib.SMTPNotSupportedError):
        reason = "the mail server does not support what the settings ask for (STARTTLS or login)"
    elif isinstance(error, TimeoutError):
        reason = "the mail server did not answer in time"
    elif isinstance(error, OSError):
        reason = f"could not reach the mail server ({error.strerror or type(error).__name__})"
    else:
        reason = f"sending failed ({type(error).__name__})"
    return ADDRESS.sub("[address]", reason)[:MAX_REASON]


def _text(raw: bytes | str) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return " ".join(text.split())


def connect(settings: SmtpSettings) -> smtplib.SMTP:
    """An open SMTP connection, secured and logged in as the settings say."""
    context = ssl.create_default_context()
    if settings.security == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        if settings.security == "starttls":
            smtp.starttls(context=context)
        if settings.username:
            smtp.login(settings.username, settings.password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def send_all(
    settings: SmtpSettings,
    messages: Iterable[tuple[Key, EmailMessage]],
    report: Callable[[Key, str | None], None],
) -> None:
    """Send every message over one connection and ``report(key, None or reason)`` for each.

    A refused message is reported and the next one is tried. When the connection cannot be
    opened, or is lost, every message not sent yet is reported failed with that reason.

    Parameters
    ----------
    settings
        Where and how to send.
    messages
        Pairs of a caller's key (such as a delivery id) and a composed message.
    report
        Called once per message, in order, with ``None`` when the server accepted it.
    """
    pending = iter(messages)
    try:
        smtp = connect(settings)
    except (OSError, smtplib.SMTPException) as error:
        _fail_rest(pending, failure_reason(error), report)
        return
    try:
        for key, message in pending:
            try:
                smtp.send_message(message)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as error:
                report(key, failure_reason(error))
                continue
            except (OSError, smtplib.SMTPException) as error:
                reason = failure_reason(error)
                report(key, reason)
                _fail_rest(pending, reason, report)
                return
            report(key, None)
    finally:
        disconnect(smtp)


def _fail_rest(pending, reason: str, report) -> None:
    for key, _message in pending:
        report(key, reason)


def disconnect(smtp: smtplib.SMTP) -> None:
    """Say goodbye to the server, or just close the connection when it does not listen."""
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()
