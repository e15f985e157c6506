"""The WHY ladder in the browser, on a 375 x 812 phone and on a laptop: one step per screen, the
previous answer quoted, the kind asked only after writing, stopping a button, Back keeping the
words, and a step left mid-way found again when the link is reopened.

With ``SURVEY_SCREENSHOTS=<folder>`` the test also saves a screenshot of each screen of the
journey there and the time the journey took (``journey-seconds.txt``); nothing is asserted on
time.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from survey.models import LadderRung
from tests.browser.accessibility import assert_accessible
from tests.factories import make_invitation, make_world
from tests.survey.journey import newest_rep_questionnaire, pages_of

pytestmark = pytest.mark.browser
SCREENS = {
    "phone": {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True},
    "laptop": {"viewport": {"width": 1280, "height": 800}},
}


class Shots:
    """Screenshots of the journey, when ``SURVEY_SCREENSHOTS`` names a folder."""

    def __init__(self, screen: str) -> None:
        folder = os.environ.get("SURVEY_SCREENSHOTS")
        self.folder = Path(folder) / screen if folder else None
        self.count = 0
        if self.folder:
            self.folder.mkdir(parents=True, exist_ok=True)

    def take(self, page, name: str) -> None:
        if self.folder:
            self.count += 1
            page.screenshot(path=self.folder / f"{self.count:02d}-{name}.png", full_page=True)

    def note(self, name: str, text: str) -> None:
        if self.folder:
            (self.folder / name).write_text(text + "\n")


def _fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _is_save(response) -> bool:
    return response.request.method == "POST" and response.status == 204


@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_the_ladder_asks_one_step_at_a_time(app, browser, live_server, dbs, screen):
    world = make_world(dbs)
    questionnaire = newest_rep_questionnaire()  # its follow-up quotes the previous answer
    world.wave.rep_questionnaire_version = questionnaire.version
    world.wave.rep_questionnaire_sha256 = questionnaire.sha256
    dbs.commit()
    token = make_invitation(dbs, world)
    ladder = questionnaire.ladder
    pages = pages_of(questionnaire)
    number = next(plan.number for plan in pages if plan.kind == "ladder")
    width = SCREENS[screen]["viewport"]["width"]
    shots = Shots(screen)
    context = browser.new_context(**SCREENS[screen])
    page = context.new_page()
    started = time.monotonic()

    page.goto(f"{live_server}/r/{token}")
    shots.take(page, "intro")
    page.get_by_role("link", name="Start").click()
    for plan in pages[: number - 1]:
        page.wait_for_url(f"**/r/{token}/{plan.number}")
        for item in plan.items:
            page.check(f'input[name="q-{item.id}"][value="5"]')
        shots.take(page, f"statements-{plan.number}")
        page.get_by_role("button", name="Next").click()

    # Step 1: the open question, words first; the kind appears once something is written.
    page.wait_for_url(f"**/r/{token}/{number}")
    kinds = page.get_by_role("group", name="Which kind of answer is this?")
    assert page.get_by_text(ladder.question).is_visible()
    assert page.locator("textarea").count() == 1
    expect(kinds).to_be_hidden()
    assert page.locator("input:checked").count() == 0  # nothing chosen for the rep
    _fits(page, width)
    assert_accessible(page)
    shots.take(page, "ladder-step-1")
    page.get_by_label(ladder.question).fill("Hitting my quota")
    expect(kinds).to_be_visible()
    shots.take(page, "ladder-step-1-written")
    page.get_by_role("button", name="Ask me why again").click()

    # Step 2 builds on the answer just given.
    page.wait_for_url(f"**/r/{token}/{number}?step=2")
    assert page.get_by_label(ladder.ask_after("Hitting my quota")).is_visible()
    _fits(page, width)
    assert_accessible(page)
    page.locator("#ladder-words").fill("My family's security")
    kinds.get_by_label("None of these").check()
    shots.take(page, "ladder-step-2")
    page.get_by_role("button", name="Ask me why again").click()

    # Step 3: written, then Back: step 2 is as it was; forward again, step 3 is kept.
    page.wait_for_url(f"**/r/{token}/{number}?step=3")
    assert "My family's security" in page.locator("main").inner_text()
    page.locator("#ladder-words").fill("So my kids can study")
    page.get_by_role("button", name="Back").click()
    page.wait_for_url(f"**/r/{token}/{number}?step=2")
    assert page.locator("#ladder-words").input_value() == "My family's security"
    assert kinds.get_by_label("None of these").is_checked()
    page.get_by_role("button", name="Ask me why again").click()
    page.wait_for_url(f"**/r/{token}/{number}?step=3")
    assert page.locator("#ladder-words").input_value() == "So my kids can study"

    # Left mid-step: the words typed are saved in the background and found again.
    with page.expect_response(_is_save):
        page.locator("#ladder-words").fill("So my kids can study what they love")
    page.close()
    page = context.new_page()
    page.goto(f"{live_server}/r/{token}/{number}")
    assert page.locator("#ladder-words").input_value() == "So my kids can study what they love"
    shots.take(page, "ladder-step-3-resumed")
    page.get_by_role("button", name="That's where it ends").click()

    page.wait_for_url(f"**/r/{token}/{number + 1}")
    shots.take(page, "cooperation")
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url("**/thanks")
    page.wait_for_selector("#personal-chart svg")
    seconds = time.monotonic() - started
    shots.take(page, "result")
    shots.note("journey-seconds.txt", f"{seconds:.1f}")
    context.close()

    rungs = dbs.execute(
        select(LadderRung.position, LadderRung.target, LadderRung.words).order_by(
            LadderRung.position
        )
    ).all()
    assert [tuple(rung) for rung in rungs] == [
        (1, None, "Hitting my quota"),  # left to be sorted later
        (2, "none", "My family's security"),
        (3, None, "So my kids can study what they love"),
    ]
