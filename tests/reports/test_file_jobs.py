"""The report's PDF and the exports are made by background jobs: asked for with a button, shown
on the job's page with a link to the file, failing with a reason and a retry; as the consultant
who asked would read them, and only for their organisation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from sqlalchemy import select

from survey.jobs import runner
from survey.jobs.files import file_pieces
from survey.models import Job
from survey.models._columns import utcnow
from tests.auth.helpers import login
from tests.conftest import csrf_from
from tests.factories import gen_wave
from tests.reports.helpers import ask, base, export, made, rows_of

FAKE_PDF = b"%PDF-1.7 made for a test"


@pytest.fixture
def pages_made(monkeypatch) -> list[str]:
    """The HTML of every PDF a job makes, which WeasyPrint is spared (a second or more each)."""
    made_pages: list[str] = []

    def fake_pdf(html: str, _stylesheet: str) -> bytes:
        made_pages.append(html)
        return FAKE_PDF

    monkeypatch.setattr("survey.reports.pdf.html_to_pdf", fake_pdf)
    return made_pages


def test_buttons_post_and_the_old_download_addresses_take_no_get(client, answered_org):
    login(client, "c@example.com")
    report = client.get(f"{base(answered_org)}/report").get_data(as_text=True)
    assert f'<form method="post" action="{base(answered_org)}/report.pdf?wave=' in report
    assert client.get(f"{base(answered_org)}/report.pdf").status_code == 405
    assert client.get(f"{base(answered_org)}/exports/scores.csv").status_code == 405


def test_an_export_job_shows_its_file_made_in_the_readers_csv_style(client, dbs, answered_org):
    answered_org.users["consultant"].language = "fr"  # French spreadsheets split on ;
    dbs.commit()
    login(client, "c@example.com")
    page, response = made(client, f"{base(answered_org)}/exports/scores.csv")
    name = "acme-solar-mindset-2026-all-waves-scores.csv"
    assert "(CSV)" in page and name in page  # the export's title, in French
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffrow_id;wave;team;mindset_index;")
    assert "," in text.splitlines()[1]  # a decimal comma
    comma = export(client, answered_org, "scores", "?separator=comma").get_data(as_text=True)
    assert comma.startswith("\ufeffrow_id,wave,team,mindset_index,")
    assert len(rows_of(comma)) == len(text.splitlines()) - 1


def test_the_report_is_made_in_the_readers_language_zone_and_scope(
    client, dbs, answered_org, pages_made
):
    # A zone whose date is not UTC's now: 14 hours ahead after noon UTC, 11 behind before.
    now = datetime.now(UTC)
    zone = "Pacific/Kiritimati" if now.hour >= 12 else "Pacific/Pago_Pago"
    consultant = answered_org.users["consultant"]
    consultant.language, consultant.time_zone = "fr", zone
    dbs.commit()
    login(client, "c@example.com")
    page, response = made(client, f"{base(answered_org)}/report.pdf")
    autumn = answered_org.waves[-1]
    name = f"acme-solar-mindset-2026-{autumn.name.lower()}-report.pdf"
    assert name in page and response.data == FAKE_PDF
    (html,) = pages_made
    assert '<html lang="fr">' in html and "Méthodologie" in html
    assert "Acme Solar, toute l" in html  # the whole organisation, in French
    local_day = format_date(now.astimezone(ZoneInfo(zone)).date(), "long", locale="fr")
    assert local_day != format_date(now.date(), "long", locale="fr")
    assert f"Établi le {local_day}" in html
    for team in ("Global", "Product"):  # its top teams
        assert f'id="team-{answered_org.teams[team].id}"' in html
    job = dbs.scalar(select(Job).where(Job.kind == "report_pdf"))
    assert job.params == {
        "assessment": answered_org.assessment.id,
        "team": None,
        "wave": autumn.id,
        "language": "fr",
        "zone": zone,
    }


def test_a_wave_without_released_results_fails_with_a_reason_and_a_retry(
    client, dbs, answered_org, pages_made
):
    winter = gen_wave(dbs, answered_org.assessment, name="Winter")
    login(client, "c@example.com")
    asked = ask(client, f"{base(answered_org)}/report.pdf?wave={winter.id}")
    assert asked.status_code == 303
    page = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert 'status-failed">failed<' in page
    assert "Winter has no released results yet" in page and "Run it again" in page
    assert "/file" not in page and pages_made == []
    winter.closes_at = utcnow() - timedelta(minutes=1)  # closed: released when next needed
    dbs.commit()
    retried = client.post(
        asked.headers["Location"] + "/retry", data={"csrf_token": csrf_from(page)}
    )
    assert retried.status_code == 303
    page = client.get(retried.headers["Location"]).get_data(as_text=True)
    assert 'status-done">done<' in page and "-report.pdf" in page


def test_a_job_that_died_half_way_makes_its_file_again(app, client, dbs, answered_org):
    login(client, "c@example.com")
    asked = ask(client, f"{base(answered_org)}/exports/responses-wide.csv")
    job = dbs.scalar(select(Job).where(Job.kind == "export_responses-wide"))
    first = b"".join(file_pieces(dbs, job.id))
    dbs.execute(  # as if its worker had died: running, a stale heartbeat, pieces but no file
        Job.__table__.update()
        .where(Job.id == job.id)
        .values(state="running", result_name=None, heartbeat_at=utcnow() - timedelta(days=1))
    )
    dbs.commit()
    assert client.get(asked.headers["Location"] + "/file").status_code == 404
    assert runner.run(app, job.id) == "done"
    dbs.expire_all()
    again = dbs.get(Job, job.id)
    made_again = b"".join(file_pieces(dbs, job.id))
    assert again.attempts == 2 and made_again.count(b"\n") == first.count(b"\n")
    assert made_again != first  # new row ids: the half-way pieces were not kept
    assert client.get(asked.headers["Location"] + "/file").data == made_again


def test_another_organisation_reaches_neither_the_job_nor_its_file(app, client, answered_org):
    login(client, "c@example.com")
    asked = ask(client, f"{base(answered_org)}/exports/aggregates.csv")
    job_url = asked.headers["Location"]
    assert client.get(job_url + "/file").status_code == 200
    rival = app.test_client()
    login(rival, "rival@example.com")
    for path in ("", ".json", "/file"):
        assert rival.get(job_url + path).status_code == 404
        moved = job_url.replace(
            f"/clients/{answered_org.organisation.id}/", f"/clients/{answered_org.rival.id}/"
        )
        assert rival.get(moved + path).status_code == 404


def test_whoever_lost_access_gets_no_file_from_a_retry(client, dbs, answered_org):
    login(client, "c@example.com")
    ask(client, f"{base(answered_org)}/exports/scores.csv")
    job = dbs.scalar(select(Job).where(Job.kind == "export_scores"))
    consultant = answered_org.users["consultant"]
    consultant.organisations.clear()
    dbs.commit()
    dbs.execute(
        Job.__table__.update().where(Job.id == job.id).values(state="queued", result_name=None)
    )
    dbs.commit()
    assert runner.run(client.application, job.id) == "failed"
    dbs.refresh(job)
    assert "no longer has access" in job.error and job.result_name is None
