"""A rep answers on a phone-sized Chromium: keyboard, Back once, submit, own result, axe; and
version 2's "Don't know / does not apply" and its block on how the rep is managed."""

from __future__ import annotations

import pytest

from tests.browser.accessibility import assert_accessible
from tests.browser.ladder import climb
from tests.factories import make_invitation, make_world
from tests.survey.journey import ask_v2, pages_of

pytestmark = pytest.mark.browser


def answer_by_keyboard(page, items, presses: int, not_applicable: int | None = None) -> None:
    """Space picks the focused radio, arrows move along the scale, Tab goes to the next group.

    Items that allow it are answered "Don't know / does not apply" (the radio after the scale's
    last point) when ``not_applicable`` gives the presses that reach it.
    """
    page.focus(f'input[name="q-{items[0].id}"]')
    for item in items:
        page.keyboard.press("Space")
        steps = not_applicable if item.not_applicable and not_applicable else presses
        for _ in range(steps):
            page.keyboard.press("ArrowDown")
        if item is not items[-1]:
            page.keyboard.press("Tab")


def test_rep_answers_every_page_on_a_phone(app, live_server, phone, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    pages = pages_of(world.questionnaire)
    page = phone

    page.goto(f"{live_server}/r/{token}")
    assert_accessible(page)
    page.get_by_role("link", name="Start").click()

    for number, plan in enumerate(pages, start=1):
        page.wait_for_url(f"**/r/{token}/{number}")
        assert f"Page {number} of {len(pages)}" in page.content()
        assert_accessible(page)
        if plan.kind == "items":
            answer_by_keyboard(page, plan.items, presses=4)  # 1 + 4 = "Somewhat agree" (5)
            for item in plan.items:
                assert page.is_checked(f'input[name="q-{item.id}"][value="5"]')
            if number == 2:
                page.get_by_role("button", name="Back").click()
                page.wait_for_url(f"**/r/{token}/1")
                first = pages[0].items[0]
                assert page.is_checked(f'input[name="q-{first.id}"][value="5"]')
                page.get_by_role("button", name="Next").click()
                page.wait_for_url(f"**/r/{token}/2")
                assert page.is_checked(f'input[name="q-{plan.items[0].id}"][value="5"]')
                page.focus(f'input[name="q-{plan.items[-1].id}"][value="5"]')
            page.keyboard.press("Tab")
            page.keyboard.press("Enter")  # the first button after the last group is Next
        elif plan.kind == "ladder":
            climb(
                page, [("Customers who trust us", "customers"), ("Every roof means less CO2", "")]
            )
        else:
            page.get_by_role("group", name="I got help from").get_by_label("Product").check()
            page.get_by_role("button", name="Send my answers").click()

    page.wait_for_url("**/thanks")
    page.wait_for_selector("#personal-chart svg")
    assert "Where you personally stand" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)
    outside = [url for url in page.requested if not url.startswith(live_server)]
    assert outside == []


def test_rep_answers_version_2_on_a_phone(app, live_server, phone, dbs):
    world = make_world(dbs)
    questionnaire = ask_v2(dbs, world.wave)
    token = make_invitation(dbs, world)
    pages = pages_of(questionnaire)
    after_scale = len(questionnaire.scale.points)  # from the first point: the radio after the last
    page = phone
    page.goto(f"{live_server}/r/{token}/1")

    for number, plan in enumerate(pages, start=1):
        page.wait_for_url(f"**/r/{token}/{number}")
        if plan.kind == "items":
            assert page.get_by_role("heading", name="How you are managed").count() == plan.climate
            answer_by_keyboard(page, plan.items, presses=4, not_applicable=after_scale)
            skipped = [item for item in plan.items if item.not_applicable]
            for item in skipped:
                group = page.get_by_role("group", name=item.text)
                label = "Don't know / does not apply" if plan.climate else "Does not apply to me"
                assert group.get_by_role("radio", name=label).is_checked()
            assert_accessible(page)
            if skipped and number > 1:  # Back and forth keeps "does not apply"
                page.get_by_role("button", name="Next").click()
                page.wait_for_url(f"**/r/{token}/{number + 1}")
                page.get_by_role("button", name="Back").click()
                page.wait_for_url(f"**/r/{token}/{number}")
                assert page.is_checked(f'input[name="q-{skipped[0].id}"][value="na"]')
            page.get_by_role("button", name="Next").click()
        elif plan.kind == "ladder":
            climb(page, [("Customers who trust us", "customers")])
        else:
            page.get_by_role("button", name="Send my answers").click()

    page.wait_for_url("**/thanks")
    page.wait_for_selector("#personal-chart svg")
    assert page.get_by_role("heading", name="How precise is this?").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)
