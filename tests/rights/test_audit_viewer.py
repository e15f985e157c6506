"""The audit log viewer: scope, filters, 50 a page, formula-safe CSV; refusals are audited."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from flask import Flask
from werkzeug.exceptions import NotFound

from survey.audit import refuse
from survey.db import db
from survey.models import AuditEvent
from survey.rights.audit_log import csv_chunks
from tests.auth.helpers import login, logout
from tests.rights.helpers import audit_events

ROW = re.compile(r"<tr>\s*<td>[A-Z][a-z]+ \d{1,2}, \d{4}, ")
DAY = datetime(2026, 3, 10, 12, 0)


def add_events(dbs, reference_org, n: int = 1, start: datetime = DAY, **fields) -> None:
    """``n`` events, one a minute back from ``start``, in Acme unless told otherwise."""
    defaults = {
        "action": "team.rename",
        "organisation_id": reference_org.organisation.id,
        "target": "team 1",
    }
    for minute in range(n):
        dbs.add(AuditEvent(at=start - timedelta(minutes=minute), **{**defaults, **fields}))
    dbs.commit()


def rows(html: str) -> int:
    return len(ROW.findall(html))


def test_an_empty_log_says_events_will_appear(client, reference_org):
    login(client, "admin@example.com")
    html = client.get("/audit/").get_data(as_text=True)
    assert "Nothing has been recorded yet." in html


def test_admins_see_everything_consultants_their_clients_only(client, dbs, reference_org):
    add_events(dbs, reference_org, target="acme team")
    add_events(dbs, reference_org, organisation_id=reference_org.rival.id, target="zenith team")
    add_events(dbs, reference_org, organisation_id=None, action="access.refused", target="team 77")

    login(client, "admin@example.com")
    everything = client.get("/audit/").get_data(as_text=True)
    assert rows(everything) == 3
    logout(client)
    login(client, "c@example.com")
    acme_only = client.get("/audit/").get_data(as_text=True)
    assert rows(acme_only) == 1
    assert "acme team" in acme_only and "zenith team" not in acme_only
    assert "team 77" not in acme_only
    other = client.get(f"/audit/?organisation={reference_org.rival.id}")
    assert other.status_code == 422  # not a client of theirs: not even offered


@pytest.mark.parametrize("path", ["/audit/", "/audit/events.csv"])
def test_a_manager_gets_a_404_and_the_refusal_is_audited(client, dbs, reference_org, path):
    login(client, "f@example.com")
    assert client.get(path).status_code == 404
    (event,) = audit_events(dbs, "access.refused")
    assert (event.user_email, event.target) == ("f@example.com", f"consultant page {path}")


def test_the_log_is_filtered_by_action_and_days(client, dbs, reference_org):
    add_events(dbs, reference_org, 3, action="person.delete")
    add_events(dbs, reference_org, 2, action="team.rename")
    add_events(dbs, reference_org, 1, action="team.rename", start=DAY - timedelta(days=3))
    login(client, "c@example.com")

    deletions = client.get("/audit/?action=person.delete").get_data(as_text=True)
    assert rows(deletions) == 3 and "team.rename</td>" not in deletions
    that_day = client.get("/audit/?since=2026-03-10&until=2026-03-10").get_data(as_text=True)
    assert rows(that_day) == 5
    earlier = client.get("/audit/?until=2026-03-09&action=team.rename").get_data(as_text=True)
    assert rows(earlier) == 1
    nothing = client.get("/audit/?since=2026-03-11").get_data(as_text=True)
    assert "No event matches these filters." in nothing


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("since=10/03/2026", "Not a valid date value."),
        ("since=2026-03-11&until=2026-03-10", "The last day must not come before the first day."),
        ("action=no.such.action", "Not a valid choice."),
    ],
)
def test_bad_filters_get_a_422_with_a_message(client, dbs, reference_org, query, message):
    add_events(dbs, reference_org)
    login(client, "c@example.com")
    refused = client.get(f"/audit/?{query}")
    assert refused.status_code == 422
    assert message in refused.get_data(as_text=True)
    assert client.get(f"/audit/events.csv?{query}").status_code == 422


def test_the_log_comes_50_a_page_newest_first(client, dbs, reference_org):
    add_events(dbs, reference_org, 120)
    login(client, "c@example.com")
    pages = [client.get(f"/audit/?page={n}").get_data(as_text=True) for n in (1, 2, 3)]
    assert [rows(page) for page in pages] == [50, 50, 20]
    assert "Page 1 of 3" in pages[0] and "120 events, newest first" in pages[0]
    noon, minute_before = (
        "March 10, 2026, 12:00\u202fPM (UTC)",
        "March 10, 2026, 11:59\u202fAM (UTC)",
    )
    assert pages[0].index(noon) < pages[0].index(minute_before)
    assert "March 10, 2026, 10:01\u202fAM (UTC)" in pages[2]  # the 120th, 119 minutes back
    filtered = client.get("/audit/?action=team.rename&page=1").get_data(as_text=True)
    assert 'href="/audit/?action=team.rename&amp;page=2"' in filtered
    assert "Page 3 of 3" in client.get("/audit/?page=40").get_data(as_text=True)


def test_the_csv_has_every_matching_event_formula_safe_and_is_audited(client, dbs, reference_org):
    add_events(dbs, reference_org, 60)
    add_events(
        dbs,
        reference_org,
        start=DAY - timedelta(days=2),
        target="=HYPERLINK(1)",
        details={"a": "+1"},
    )
    add_events(dbs, reference_org, organisation_id=reference_org.rival.id, target="zenith team")
    login(client, "c@example.com")

    download = client.get("/audit/events.csv?action=team.rename")

    assert download.status_code == 200
    assert download.mimetype == "text/csv"
    assert download.is_streamed
    assert "attachment" in download.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
    assert table[0] == ["at_utc", "user", "action", "organisation", "target", "details"]
    assert len(table) == 1 + 61
    assert table[1] == [
        "2026-03-10 12:00:00",
        "",
        "team.rename",
        "Acme Solar",
        "team 1",
        "{}",
    ]
    formula = next(row for row in table if "HYPERLINK" in row[4])
    assert formula[4] == "'=HYPERLINK(1)"
    assert formula[5] == '{"a": "+1"}'
    assert not any("zenith" in cell for row in table for cell in row)
    (event,) = audit_events(dbs, "audit.download")
    assert event.details == {"action_filter": "team.rename", "since": None, "until": None}


def test_the_csv_comes_in_chunks_of_rows():
    header = "at_utc,user,action,organisation,target,details\r\n"
    chunks = list(csv_chunks([["a"], ["b"], ["c"]], every=2))
    assert chunks == [header + "a\r\nb\r\n", "c\r\n"]


def test_refuse_logs_audits_and_answers_404(app: Flask, dbs, reference_org, caplog):
    with app.test_request_context("/clients/1/teams/5"):
        db.session.add(AuditEvent(action="half.written"))  # rolled back by the refusal
        with pytest.raises(NotFound):
            refuse(db.session, "team", 5, organisation_id=reference_org.organisation.id)
    (event,) = audit_events(dbs)
    assert (event.action, event.target, event.organisation_id, event.user_id) == (
        "access.refused",
        "team 5",
        reference_org.organisation.id,
        None,
    )
    assert "Refused access: user None asked for team 5" in caplog.text
