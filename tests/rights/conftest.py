"""Fixtures of the data-rights tests: waves of a confidential assessment of Acme Solar."""

from __future__ import annotations

from datetime import timedelta

import pytest

from survey.models import Wave
from tests.factories import ReferenceOrg, gen_assessment, gen_wave


@pytest.fixture
def waves(dbs, reference_org: ReferenceOrg) -> dict[str, Wave]:
    """Acme Solar's confidential assessment: "old" closed 400 days ago, "recent" 10 days ago,
    "open" is open; "zenith" is the open wave of the rival's anonymous assessment."""
    organisation = reference_org.organisation
    confidential = gen_assessment(dbs, organisation, "confidential", "Acme Solar mindset")
    return {
        "old": gen_wave(dbs, confidential, -timedelta(days=420), timedelta(days=20), "Old"),
        "recent": gen_wave(dbs, confidential, -timedelta(days=30), timedelta(days=20), "Recent"),
        "open": gen_wave(dbs, confidential, -timedelta(days=1), timedelta(days=11), "Open"),
        "zenith": reference_org.rival_wave,
    }
