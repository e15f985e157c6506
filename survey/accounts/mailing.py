"""The few e-mails of staff accounts (invitation, password reset), sent at once over SMTP."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from survey.mail import SmtpSettings, compose, send_all


def send_messages(
    config: Mapping, messages: Iterable[tuple[str, str, str]]
) -> dict[str, str | None]:
    """Send each ``(recipient, subject, body)`` over one connection; ``{recipient: reason}``,
    where the reason is ``None`` for a message the server accepted."""
    settings = SmtpSettings.from_config(config)
    results: dict[str, str | None] = {}
    composed = [
        (recipient, compose(settings.sender, recipient, subject, body))
        for recipient, subject, body in messages
    ]
    send_all(settings, composed, results.__setitem__)
    return results
