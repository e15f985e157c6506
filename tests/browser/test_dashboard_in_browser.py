"""A manager logs in, the charts render as SVG, a drill-down works, nothing leaves 127.0.0.1."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.auth.helpers import PASSWORD
from tests.browser.login import log_in
from tests.factories import gen_reference_answers, gen_reference_org

pytestmark = pytest.mark.browser
CHARTS = ("trend", "distribution", "profile", "ladder")  # Global's sub-teams are hidden


def test_manager_sees_charts_and_drills_down(app, live_server, browser, dbs):
    org = gen_reference_answers(dbs, gen_reference_org(dbs))  # g@example.com leads Global
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


def test_without_the_chart_bundle_each_chart_says_so_and_the_tables_remain(
    app, live_server, browser, dbs
):
    """As when ``flask build-assets`` was never run: the bundle's address answers 404."""
    org = gen_reference_answers(dbs, gen_reference_org(dbs))  # p@example.com leads Paris
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.route("**/static/vendor/vega-bundle.js", lambda route: route.fulfill(status=404))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    log_in(page, live_server, "p@example.com")
    page.wait_for_url(f"**/dashboard/{org.assessment.id}/{org.teams['Paris'].id}*")
    for key in CHARTS:
        chart = page.locator(f"#chart-{key}")
        assert chart.inner_text() == (
            "The chart could not be drawn; the table below has the same numbers."
        )
        assert chart.locator("svg").count() == 0
    assert page.get_by_text("Table view").count() >= len(CHARTS)
    assert errors == []
    context.close()
