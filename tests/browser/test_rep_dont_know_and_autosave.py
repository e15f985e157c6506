"""On a 375 x 812 phone: "Don't know / does not apply" on a statement about the rep's manager
(version 3) is kept going Back and Next and stored as no answer; a team chosen on the cooperation
page is saved in the background, so leaving without Next keeps it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from questionnaires import load_directory
from survey.models import Response
from survey.models.response import unpack_values
from tests.browser.ladder import climb
from tests.factories import make_invitation, make_world
from tests.survey.journey import answer_page, pages_of

pytestmark = pytest.mark.browser
V3 = load_directory()[("rep-mindset", 3)]
LABEL = "Don't know / does not apply"


@pytest.fixture
def v3_world(dbs):
    """The reference world, its wave asking version 3 of the rep questionnaire."""
    world = make_world(dbs)
    world.wave.rep_questionnaire_version = V3.version
    world.wave.rep_questionnaire_sha256 = V3.sha256
    dbs.commit()
    return world


def _is_save(response) -> bool:
    return response.request.method == "POST" and response.status == 204


def test_dont_know_on_a_climate_item_is_kept_and_stored_as_none(
    app, live_server, phone_812, dbs, v3_world
):
    token = make_invitation(dbs, v3_world)
    pages = pages_of(V3)
    climate = next(plan for plan in pages if plan.climate)
    unknown = climate.items[0]
    page = phone_812()
    page.goto(f"{live_server}/r/{token}/1")
    for plan in pages[: climate.number]:
        page.wait_for_url(f"**/r/{token}/{plan.number}")
        for item in plan.items:
            if item is not unknown:
                page.check(f'input[name="q-{item.id}"][value="5"]')
        if plan is climate:
            group = page.get_by_role("group", name=unknown.text)
            group.get_by_role("radio", name=LABEL).check()
            assert page.evaluate("document.documentElement.scrollWidth") <= 375
            page.get_by_role("button", name="Back").click()
            page.wait_for_url(f"**/r/{token}/{plan.number - 1}")
            page.get_by_role("button", name="Next").click()
            page.wait_for_url(f"**/r/{token}/{plan.number}")
            assert group.get_by_role("radio", name=LABEL).is_checked()
        page.get_by_role("button", name="Next").click()

    page.wait_for_url(f"**/r/{token}/{climate.number + 1}**")  # the WHY ladder
    climb(page, [("Homes that run on sunshine", "")])
    page.wait_for_url(f"**/r/{token}/{len(pages)}")  # the cooperation map
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url("**/thanks")

    values = unpack_values(dbs.scalar(select(Response)).values)
    assert values[V3.item_index[unknown.id]] is None
    assert [value for value in values if value is None] == [None]


def test_a_team_chosen_then_left_without_next_is_kept(
    app, live_server, phone_812, dbs, client, v3_world
):
    token = make_invitation(dbs, v3_world)
    pages = pages_of(V3)
    cooperation = pages[-1]
    assert cooperation.kind == "cooperation"
    for plan in pages[:-1]:  # the pages before it, through the Flask client
        assert answer_page(client, token, plan).status_code == 302
    page = phone_812()
    page.goto(f"{live_server}/r/{token}/{cooperation.number}")
    got = page.get_by_role("group", name="I got help from")
    with page.expect_response(_is_save):
        got.get_by_role("checkbox", name="Product").check()
    page.goto(f"{live_server}/r/{token}")  # away, without Next
    page.close()

    again = phone_812()  # the personal link, opened again (here in a fresh browser)
    again.goto(f"{live_server}/r/{token}/{cooperation.number}")
    got = again.get_by_role("group", name="I got help from")
    assert got.get_by_role("checkbox", name="Product").is_checked()
    assert again.get_by_role("group", name="I gave help to").locator("input:checked").count() == 0
    assert dbs.scalar(select(Response)) is None
    assert again.evaluate("document.documentElement.scrollWidth") <= 375
