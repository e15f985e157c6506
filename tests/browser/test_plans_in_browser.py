"""A manager makes a plan after wave 2 in the browser; once wave 3 is released, its dashboard
shows each action beside the change on its dimension. Phone-sized, axe-core clean."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from questionnaires.actions import library
from survey.models._columns import utcnow
from tests.browser.accessibility import assert_accessible
from tests.browser.login import log_in
from tests.factories.base import gen_responses, gen_wave
from tests.factories.reference import REFERENCE_COUNTS

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}


def test_a_plan_made_after_wave_2_is_shown_beside_the_wave_3_change(
    app, dbs, live_server, browser, answered_org
):
    org = answered_org
    winter = gen_wave(dbs, org.assessment, -timedelta(hours=12), timedelta(days=5), "Winter")
    for team, count in REFERENCE_COUNTS.items():
        gen_responses(dbs, winter, org.teams[team], count, 7)
    autumn = org.waves[1]
    practice = library().for_pole("cooperation", "purpose")[0]
    context = browser.new_context(**PHONE)
    page = context.new_page()
    log_in(page, live_server, "p@example.com")
    paris = f"{live_server}/dashboard/{org.assessment.id}/{org.teams['Paris'].id}"

    page.goto(f"{paris}?wave={autumn.id}")
    page.get_by_role("link", name="Make a plan").click()
    page.get_by_label("Action", exact=True).select_option(practice.id)
    page.get_by_label("Owner").fill("Paris team lead")
    page.get_by_label("Done by").fill((date.today() + timedelta(days=40)).isoformat())
    assert_accessible(page)
    page.get_by_role("button", name="Add to the plan").click()
    assert page.get_by_role("status").inner_text() == "Added to the plan."
    assert practice.title in page.locator("#h-plan + ol").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.goto(f"{live_server}/plans/{org.assessment.id}?wave={autumn.id}")  # the plans in view
    assert "Paris team lead" in page.locator("table").inner_text()
    assert_accessible(page)

    winter.closes_at = utcnow() - timedelta(minutes=1)  # wave 3 closes: it is released
    dbs.commit()
    page.goto(f"{paris}?wave={winter.id}")
    follow_up = page.locator(".plan-follow-up li").first
    assert practice.title in follow_up.inner_text()
    assert "Since Autumn, cooperation moved" in follow_up.inner_text()
    assert "Paris team lead" in follow_up.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)
    context.close()
