"""Dashboard CSVs a reader can use: readable headers, a row of units, values rounded as the
page shows them, and both header rows even when the section is hidden."""

from __future__ import annotations

import csv
import io
import re

from tests.auth.helpers import login

TREND = [
    "Team",
    "Wave",
    "Answers",
    "Mean",
    "Standard deviation",
    "95% interval from",
    "95% interval to",
]
TREND_UNITS = ["text", "text", "people", "points (0 to 100)", "points", "points", "points"]


def _csv(client, org, team: str, section: str) -> list[list[str]]:
    url = f"/dashboard/{org.assessment.id}/{org.teams[team].id}/{section}.csv"
    response = client.get(f"{url}?wave={org.waves[-1].id}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_headers_are_readable_with_a_row_of_units(client, answered_org):
    login(client, "p@example.com")
    trend = _csv(client, answered_org, "Paris", "trend")
    assert trend[:2] == [TREND, TREND_UNITS]
    assert [row[:3] for row in trend[2:]] == [["Paris", "Spring", "7"], ["Paris", "Autumn", "7"]]
    change = _csv(client, answered_org, "Paris", "change")
    assert change[0][:4] == ["Team", "Test", "Answers before", "Answers now"]
    assert "p-value" in change[0] and "probability (0 to 1)" in change[1]
    rates = _csv(client, answered_org, "Paris", "rates")
    assert rates[0] == [
        "Team",
        "Invited",
        "Reps answered",
        "Managers answered",
        "Answered in all",
        "Response rate",
    ]
    assert rates[2] == ["Paris", "0", "7", "0", "7", ""]


def test_values_are_rounded_as_on_the_page(client, answered_org):
    login(client, "g@example.com")
    for section in ("headline", "trend", "profile", "change", "distribution"):
        rows = _csv(client, answered_org, "Global", section)
        assert len(rows) > 2, section
        for row in rows[2:]:
            for value in row:
                assert not re.fullmatch(r"-?\d+\.\d{4,}", value), (section, value)
                assert "e-" not in value and "e+" not in value, (section, value)
    headline = _csv(client, answered_org, "Global", "headline")
    assert headline[2][:3] == ["Mindset index", "16", "82.4"]


def test_a_hidden_section_still_has_its_header_rows(client, answered_org):
    login(client, "admin@example.com")
    headline = _csv(client, answered_org, "Spain", "headline")
    assert headline == [
        [
            "Measure",
            "Answers",
            "Mean",
            "Standard deviation",
            "95% interval from",
            "95% interval to",
        ],
        ["text", "people", "points (0 to 100)", "points", "points", "points"],
    ]
    assert len(_csv(client, answered_org, "Spain", "change")) == 2
