"""The rep's own result on a 375 x 812 phone: no horizontal scroll, a chart whose texts are 12 px
or larger, nothing serious for axe, and a print copy of just the result."""

from __future__ import annotations

import pytest

from tests.browser.accessibility import assert_accessible
from tests.conftest import csrf_from
from tests.factories import make_invitation, make_world
from tests.survey.journey import ask_v2, item_fields, pages_of

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def tall_phone(browser, live_server):
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    yield context
    context.close()


def answer_in(context, live_server: str, token: str, questionnaire) -> None:
    """Answer every page through the browser context's own cookies (so its session gets the
    result), the rep's own items mixed between the poles."""
    pages = pages_of(questionnaire)
    chosen = {item.id: ("2" if item.keyed == "purpose" else "3") for item in questionnaire.items}
    for plan in pages:
        url = f"{live_server}/r/{token}/{plan.number}"
        html = context.request.get(url).text()
        if plan.kind == "items":
            data = item_fields(plan, chosen=chosen)
        elif plan.kind == "ladder":
            data = {"ladder-words": "Customers who trust us", "step": "1"}
        else:
            data = {}
        action = "submit" if plan.number == len(pages) else "next"
        action = "stop" if plan.kind == "ladder" else action
        response = context.request.post(
            url, form={"csrf_token": csrf_from(html), "action": action, **data}, max_redirects=0
        )
        assert response.status == 302, (plan.number, response.text()[-500:])


@pytest.mark.parametrize("version", [1, 2])
def test_the_result_fits_a_phone_reads_well_and_prints_alone(live_server, tall_phone, dbs, version):
    world = make_world(dbs)
    questionnaire = ask_v2(dbs, world.wave) if version == 2 else world.questionnaire
    token = make_invitation(dbs, world)
    answer_in(tall_phone, live_server, token, questionnaire)

    page = tall_phone.new_page()
    page.goto(f"{live_server}/thanks")
    page.wait_for_selector("#personal-chart svg text")
    assert page.get_by_role("heading", name="What your position means").is_visible()
    for dimension in questionnaire.dimensions:
        assert page.get_by_role("heading", name=dimension.name, exact=True).is_visible()

    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    chart = page.locator("#personal-chart svg").bounding_box()
    assert chart["x"] >= 0 and chart["x"] + chart["width"] <= PHONE["width"]
    sizes = page.eval_on_selector_all(
        "#personal-chart svg text",
        "texts => texts.filter(t => t.textContent.trim())"
        ".map(t => parseFloat(getComputedStyle(t).fontSize))",
    )
    assert sizes and min(sizes) >= 12, sizes
    labels = page.eval_on_selector_all(
        "#personal-chart svg text", "texts => texts.map(t => t.textContent)"
    )
    assert "Balanced" in labels and "Contractual" in labels and "Purpose-driven" in labels
    assert_accessible(page)

    button = page.get_by_role("button", name="Print or save as PDF")
    assert button.is_visible()
    page.emulate_media(media="print")
    assert not button.is_visible()
    assert not page.locator("header.site").is_visible()
    assert not page.locator("footer.site").is_visible()
    assert page.locator("#personal-chart svg").is_visible()
    assert page.get_by_role("heading", name="How precise is this?").is_visible()
    page.emulate_media(media="screen")

    page.evaluate("window.print = () => { window.printed = true; }")
    button.click()
    assert page.evaluate("window.printed") is True
