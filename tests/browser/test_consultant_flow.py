"""In Chromium, the consultant's whole flow: a new client, its roster from a CSV file, an
assessment and an open wave, invitations through a real SMTP server, a rep answering through the
mailed link on a phone, the response count staying coarse, an interim release, and the report
as HTML and PDF."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from survey.models._columns import utcnow
from tests.auth.helpers import PASSWORD
from tests.browser.ladder import answer_pages
from tests.campaigns.helpers import local, mail_links
from tests.factories import gen_user
from tests.survey.journey import newest_rep_questionnaire, pages_of

pytestmark = pytest.mark.browser

CONSULTANT = "consultant@example.com"
PARIS = [f"rep{number}@solarbright.example" for number in range(1, 7)]
MANAGER = "lead@solarbright.example"
# UTF-8 with a BOM and semicolons, as Excel saves a CSV in much of Europe.
ROSTER_CSV = "\r\n".join(
    [
        "Team path;E-mail;Role",
        *(f"Global/France/Paris;{email};rep" for email in PARIS),
        f"Global/France;{MANAGER};manager",
    ]
).encode("utf-8-sig")
MAIL_TIMEOUT_SECONDS = 20


def wait_for_mail(messages: list, count: int) -> None:
    """Poll the SMTP fixture until it holds ``count`` messages, for a bounded time."""
    deadline = time.monotonic() + MAIL_TIMEOUT_SECONDS
    while len(messages) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(messages) == count, f"{len(messages)} of {count} mails arrived"


def log_in(page, live_server: str) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail").fill(CONSULTANT)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Clients").wait_for()


def import_roster(page, roster_file) -> None:
    """From the organisation's page: upload, check the preview, confirm."""
    page.get_by_role("link", name="Import a roster (CSV)").click()
    page.set_input_files("input[type=file]", str(roster_file))
    page.get_by_role("button", name="Preview the import").click()
    page.get_by_role("heading", name="Roster preview").wait_for()
    summary = page.locator("ul.summary").inner_text()
    assert "3 new teams" in summary and "7 new people" in summary
    new_teams = page.locator("section[aria-labelledby=h-new-teams] li").all_inner_texts()
    assert new_teams == ["Global", "Global/France", "Global/France/Paris"]
    new_people = page.locator("section[aria-labelledby=h-new-people] tbody tr")
    expect(new_people).to_have_count(7)
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("Imported the roster: 3 new teams, 7 new people").wait_for()
    assert "7 people on the roster" in page.locator("p.lead").inner_text()


def open_a_wave(page) -> None:
    """From the organisation's page: a confidential assessment (interim releases are for
    confidential ones), one wave, opened now."""
    page.get_by_role("link", name="create an assessment").click()
    page.get_by_label("Name").fill("Sales mindset 2026")
    page.get_by_label("Confidential", exact=False).check()
    page.get_by_role("button", name="Create the assessment").click()
    page.get_by_text("Schedule its first wave next").wait_for()
    page.get_by_role("link", name="Schedule a wave").click()
    opens = utcnow() + timedelta(days=1)
    page.get_by_label("Opens (UTC)").fill(local(opens))
    page.get_by_label("Closes (UTC)").fill(local(opens + timedelta(days=14)))
    page.get_by_role("button", name="Schedule the wave").click()
    page.get_by_role("link", name="Open now").click()
    page.get_by_role("button", name="Open Wave 1 now").click()
    page.get_by_text("Wave 1 is open until").wait_for()


def answer_on_phone(phone, link: str) -> None:
    """Every page by selector: 'Agree' (6) on each statement, the ladder's first rung, submit
    (the newest rep questionnaire, which a new assessment asks by default)."""
    pages = pages_of(newest_rep_questionnaire())
    phone.goto(link)
    phone.get_by_role("link", name="Start").click()
    answer_pages(phone, pages, 6)
    phone.get_by_role("heading", name="Thank you, your answers are in").wait_for()


def test_consultant_runs_the_whole_flow(
    app, live_server, browser, phone, dbs, smtp_server, tmp_path
):
    gen_user(dbs, CONSULTANT, "consultant")
    mail = smtp_server
    app.config.update(
        SMTP_HOST=mail.host,
        SMTP_PORT=mail.port,
        JOBS_IN_BACKGROUND=True,
        RATES_POLL_SECONDS=1,
        PUBLIC_URL=live_server,
    )
    roster_file = tmp_path / "roster.csv"
    roster_file.write_bytes(ROSTER_CSV)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()

    log_in(page, live_server)
    page.get_by_role("link", name="Clients").click()
    page.get_by_role("link", name="New client organisation").click()
    page.get_by_label("Name").fill("SolarBright Energy")
    page.get_by_role("button", name="Create").click()
    page.get_by_role("heading", name="SolarBright Energy").wait_for()
    import_roster(page, roster_file)
    open_a_wave(page)

    page.get_by_role("link", name="Invitations").click()
    page.get_by_label("Who", exact=True).first.select_option(label="Everyone on the roster")
    page.get_by_label("Send each person their link by e-mail").first.check()
    page.get_by_role("button", name="Make the links").click()
    wait_for_mail(mail.messages, 7)
    page.get_by_role("heading", name="Done").wait_for()  # the progress page reloads itself
    assert page.locator("[data-value=sent]").inner_text() == "7"
    assert sorted(message["To"] for message in mail.messages) == sorted([*PARIS, MANAGER])

    page.get_by_role("link", name="Back to the invitations").click()
    page.get_by_role("link", name="Response rates").first.click()
    expect(page.locator("span[data-value='total.invited']")).to_have_text("7")
    expect(page.locator("span[data-value='total.answered']")).to_have_text("fewer than 5")

    to_paris = next(message for message in mail.messages if message["To"] == PARIS[0])
    (link,) = mail_links(to_paris)
    assert link.startswith(f"{live_server}/r/")
    answer_on_phone(phone, link)

    page.reload()  # one answer in: a watcher of the counts cannot tell
    expect(page.locator("span[data-value='total.answered']")).to_have_text("fewer than 5")
    expect(page.locator("strong[data-value='total.rate']")).to_have_text("–")

    page.get_by_role("link", name="Sales mindset 2026").click()
    page.get_by_role("link", name="Release interim results").click()
    page.get_by_role("button", name="Release interim results").click()
    page.get_by_text("Interim results of Wave 1 are released").wait_for()
    page.get_by_role("link", name="Report", exact=True).click()
    page.get_by_role("heading", name="Methodology").wait_for()
    heading = "Sales mindset 2026: SolarBright Energy, the whole organisation"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    page.get_by_role("heading", name="Global", exact=True).wait_for()
    assert "fewer than 5 answers" in page.locator("article.report").inner_text()  # 1 answer
    page.get_by_role("button", name="Download as PDF").click()  # a job makes the PDF
    page.get_by_role("heading", name="PDF report · Wave 1").wait_for()
    with page.expect_download() as download_info:  # once the job page has reloaded itself
        page.get_by_role("link", name=re.compile(r"^Download .*-report\.pdf$")).click()
    pdf = download_info.value
    assert pdf.suggested_filename.endswith(".pdf")
    pdf.save_as(tmp_path / "report.pdf")
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    context.close()

    outside = [url for url in requested + phone.requested if not url.startswith(live_server)]
    assert outside == []
