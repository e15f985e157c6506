"""Charts a person can read: as wide as their panel on a phone and a desktop, no text under
12 px, one colour per WHY-ladder target on every team, no trend from a single wave."""

from __future__ import annotations

import re

import pytest

from tests.browser.accessibility import assert_accessible
from tests.browser.login import log_in

pytestmark = pytest.mark.browser
CHARTS = ("trend", "distribution", "profile", "ladder")  # drawn on Global's and Paris's pages
PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}

TEXT_SIZES = """() => Array.from(document.querySelectorAll(".vega svg text"))
    .filter((text) => text.textContent.trim())
    .map((text) => parseFloat(getComputedStyle(text).fontSize))"""
RUNG_COLOURS = """() => Object.fromEntries(
    Array.from(document.querySelectorAll("#chart-ladder svg [aria-roledescription='bar']"))
    .map((bar) => [/Last WHY: ([^;]+)/.exec(bar.getAttribute("aria-label"))[1].trim(),
                   bar.getAttribute("fill")]))"""


def open_dashboard(page, live_server, org, team: str, wave: int = -1) -> None:
    if "/login" not in page.url and not page.url.startswith(live_server):
        log_in(page, live_server, "g@example.com")  # leads Global: Paris is in scope
    page.goto(
        f"{live_server}/dashboard/{org.assessment.id}/{org.teams[team].id}"
        f"?wave={org.waves[wave].id}"
    )


def chart_widths(page) -> dict[str, float]:
    return {
        key: page.locator(f"#chart-{key} svg").bounding_box()["width"]
        for key in CHARTS
        if page.locator(f"#chart-{key}").count()
    }


@pytest.mark.parametrize(("device", "width"), [(PHONE, 375), (DESKTOP, 1280)])
def test_charts_fill_their_panel_without_horizontal_scroll_and_text_of_12_px(
    app, live_server, browser, answered_org, device, width
):
    context = browser.new_context(**device)
    page = context.new_page()
    for team in ("Global", "Paris"):
        open_dashboard(page, live_server, answered_org, team)
        for key in CHARTS:
            page.wait_for_selector(f"#chart-{key} svg")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, team
        sizes = page.evaluate(TEXT_SIZES)
        assert len(sizes) > 20 and min(sizes) >= 12, team
        panel = page.locator("#chart-trend").bounding_box()["width"]
        for key, drawn in chart_widths(page).items():
            assert drawn <= panel + 1, (team, key)
            assert drawn >= panel - 2, (team, key)  # as wide as its panel, not 250 px in it
        if width == 1280:
            assert panel > 600
        assert_accessible(page)
    context.close()


def test_the_same_ladder_target_has_the_same_colour_on_every_team(
    app, live_server, browser, answered_org
):
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    colours = {}
    for team in ("Global", "Paris"):
        open_dashboard(page, live_server, answered_org, team)
        page.wait_for_selector("#chart-ladder svg [aria-roledescription='bar']")
        colours[team] = page.evaluate(RUNG_COLOURS)
    shared = set(colours["Global"]) & set(colours["Paris"])
    assert shared
    assert {rung: colours["Global"][rung] for rung in shared} == {
        rung: colours["Paris"][rung] for rung in shared
    }
    every = {**colours["Global"], **colours["Paris"]}
    assert len(set(every.values())) == len(every)  # one target, one colour
    context.close()


def test_the_first_wave_has_no_trend_and_says_why(app, live_server, browser, answered_org):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    open_dashboard(page, live_server, answered_org, "Paris", wave=0)
    page.wait_for_selector("#chart-ladder svg")
    assert page.locator("#chart-trend").count() == 0
    trend = page.locator("section[aria-labelledby='h-trend']")
    assert re.search(
        r"A trend needs two released waves: \w+ is the only one so far\.", trend.inner_text()
    )
    profile = page.locator("section[aria-labelledby='h-profile']")
    assert "against the previous wave" not in profile.locator("h2").inner_text()
    assert "no earlier released wave" in profile.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)
    context.close()
