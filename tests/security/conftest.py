"""Fixtures: an app that mails through a local SMTP server, and the hostile organisation."""

from __future__ import annotations

import pytest

from tests.factories import Hostile, gen_hostile_org


@pytest.fixture
def mailing_app(app, smtp_server):
    """The app, mailing in the request through the test SMTP server, failed logins not slowed.

    Errors answer 500 as in production (rather than reaching the test), so that a test can
    check the status and what the page shows.
    """
    app.config.update(
        PROPAGATE_EXCEPTIONS=False,
        SMTP_HOST=smtp_server.host,
        SMTP_PORT=smtp_server.port,
        SMTP_SENDER="survey@consultancy.example",
        SMTP_SECURITY="none",
        MAIL_IN_BACKGROUND=False,
        LOGIN_FAILURE_DELAY_SECONDS=0,
        PUBLIC_URL="https://survey.consultancy.example",
    )
    return app


@pytest.fixture
def hostile(mailing_app, dbs) -> Hostile:
    return gen_hostile_org(mailing_app, dbs)
