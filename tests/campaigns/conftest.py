"""Fixtures: mail to a real server (the organisation is ``reference_org``, see tests.factories)."""

from __future__ import annotations

import pytest


@pytest.fixture
def mail(app, smtp_server):
    """The app sends through the test SMTP server, in the request (not in the background)."""
    app.config.update(
        SMTP_HOST=smtp_server.host,
        SMTP_PORT=smtp_server.port,
        SMTP_SENDER="survey@consultancy.example",
        SMTP_SECURITY="none",
        MAIL_IN_BACKGROUND=False,
    )
    return smtp_server
