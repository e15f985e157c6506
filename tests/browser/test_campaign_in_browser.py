"""In Chromium: a consultant sets up an assessment, opens a wave, mails the links, and watches
the response rate move without reloading the page, in steps of the minimum group size only
(tests/campaigns has the details)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from survey.models._columns import utcnow
from tests.browser.login import log_in
from tests.campaigns.helpers import local, mail_links, path_of
from tests.factories import ROSTER, gen_reference_org, gen_roster
from tests.survey.journey import answer_all, newest_rep_questionnaire

pytestmark = pytest.mark.browser


def serious(page) -> list[tuple[str, str]]:
    return [
        (violation["id"], violation["impact"])
        for violation in Axe().run(page).response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def test_consultant_runs_a_wave_and_sees_the_rate_move(app, live_server, browser, dbs, smtp_server):
    acme, mail = gen_reference_org(dbs), smtp_server
    gen_roster(dbs, acme)
    app.config.update(
        SMTP_HOST=mail.host,
        SMTP_PORT=mail.port,
        JOBS_IN_BACKGROUND=True,
        RATES_POLL_SECONDS=1,
        PUBLIC_URL=live_server,
    )
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    log_in(page, live_server, "c@example.com")

    page.goto(f"{live_server}/clients/{acme.organisation.id}/assessments/")
    page.get_by_role("link", name="New assessment").click()
    assert serious(page) == []
    page.get_by_label("Name").fill("Sales mindset 2026")
    page.get_by_label("Confidential", exact=False).check()
    page.get_by_label("Minimum group size").fill("3")
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

    page.get_by_role("link", name="Invitations").click()
    assert serious(page) == []
    page.get_by_label("Who", exact=True).first.select_option(label="Global/France/Paris")
    page.get_by_role("button", name="Make the links").click()
    page.get_by_role("heading", name="Done").wait_for()  # the progress page reloads itself
    assert page.locator("[data-value=sent]").inner_text() == "3"
    assert sorted(message["To"] for message in mail.messages) == sorted(ROSTER["Paris"])

    page.get_by_role("link", name="Back to the invitations").click()
    page.get_by_role("link", name="Response rates").click()
    total = page.locator("strong[data-value='total.rate']")
    answered = page.locator("span[data-value='total.answered']")
    assert total.inner_text() == "–" and answered.inner_text() == "fewer than 3"
    assert serious(page) == []
    tokens = [path_of(mail_links(message)[0]).removeprefix("/r/") for message in mail.messages]
    for token in tokens[:2]:  # two answers: nothing a watcher could tell apart from none
        answer_all(app.test_client(), token, newest_rep_questionnaire())
    page.wait_for_timeout(2_500)  # two polls
    assert total.inner_text() == "–" and answered.inner_text() == "fewer than 3"
    answer_all(app.test_client(), tokens[2], newest_rep_questionnaire())
    expect(total).to_have_text("100%", timeout=20_000)  # polled, not reloaded
    assert answered.inner_text() == "3"
    context.close()
