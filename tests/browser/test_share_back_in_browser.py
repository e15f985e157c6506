"""Share-back after a release, in the browser: a rep opens the team's link on a 375 x 812 phone
and on a laptop and sees the team's released results, readable, without drill-down."""

from __future__ import annotations

import pytest

from survey import share_back
from tests.browser.accessibility import assert_accessible

pytestmark = pytest.mark.browser
SCREENS = {
    "phone": {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True},
    "laptop": {"viewport": {"width": 1280, "height": 800}},
}


@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_a_rep_sees_the_teams_released_results(app, browser, live_server, answered_org, screen):
    with app.app_context():
        token = share_back.share_token(answered_org.assessment.id, answered_org.teams["Paris"].id)
    context = browser.new_context(**SCREENS[screen])
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server}/results/{token}")
    page.get_by_role("heading", name="Where Paris stands in Autumn").wait_for()
    page.wait_for_selector("#chart-trend svg")  # a chart drawn from the local bundle
    assert page.locator("a[href^='/dashboard'], a[href$='.csv']").count() == 0
    width = SCREENS[screen]["viewport"]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    assert [url for url in requested if not url.startswith(live_server)] == []
    forged = page.goto(f"{live_server}/results/{token[:-2]}xx")
    assert forged.status == 404
    context.close()
