"""Fixtures: mail to a real server (the organisation is ``reference_org``, see tests.factories)."""

from __future__ import annotations

import pytest


@pytest.fixture
def mail(mailing):
    """The app sends through the test SMTP server, in the request (the shared ``mailing``)."""
    return mailing
