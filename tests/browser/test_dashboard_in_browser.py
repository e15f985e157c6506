"""A manager logs in, the charts render as SVG, a drill-down works, nothing leaves 127.0.0.1."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.auth.helpers import PASSWORD, make_user
from tests.org_factory import build_org

pytestmark = pytest.mark.browser
CHARTS = ("trend", "distribution", "profile", "ladder")  # Global's sub-teams are hidden


def test_manager_sees_charts_and_drills_down(app, live_server, browser, dbs):
    org = build_org(dbs)
    make_user(dbs, "g@example.com", "manager", team=org.teams["Global"])
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"{live_server}/dashboard/")
    page.wait_for_url("**/login?next=*")
    page.get_by_label("E-mail").fill("g@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**/dashboard/{org.assessment.id}/{org.teams['Global'].id}")
    for key in CHARTS:
        page.wait_for_selector(f"#chart-{key} svg")
    assert "Where Global stands" in page.content()
    violations = [
        (v["id"], v["impact"])
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert violations == []

    page.get_by_role("link", name="France").click()
    page.wait_for_url(f"**/dashboard/{org.assessment.id}/{org.teams['France'].id}?wave=*")
    assert "France" in page.locator("h1").inner_text()
    page.get_by_role("link", name="Paris").click()
    page.wait_for_url(f"**/dashboard/{org.assessment.id}/{org.teams['Paris'].id}?wave=*")
    page.wait_for_selector("#chart-trend svg")

    outside = [url for url in requested if not url.startswith(live_server)]
    assert outside == []
    context.close()
