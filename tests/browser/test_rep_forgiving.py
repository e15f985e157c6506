"""A forgiving journey on a 375 x 812 phone: an answer changed and the tab closed without Next is
kept when the link is opened again; Back after sending says the answers were sent."""

from __future__ import annotations

import pytest

from tests.browser.ladder import answer_pages
from tests.factories import make_invitation, make_team_link, make_world
from tests.survey.journey import pages_of

pytestmark = pytest.mark.browser


def _is_save(response) -> bool:
    return response.request.method == "POST" and response.status == 204


def test_an_answer_changed_then_the_tab_closed_is_kept(app, live_server, phone_812, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    first = pages_of(world.questionnaire)[0]
    page = phone_812()
    page.goto(f"{live_server}/r/{token}/1")
    with page.expect_response(_is_save):
        page.check(f'input[name="q-{first.items[0].id}"][value="6"]')
    with page.expect_response(_is_save):  # changed its mind
        page.check(f'input[name="q-{first.items[0].id}"][value="3"]')
    with page.expect_response(_is_save):
        page.check(f'input[name="q-{first.items[1].id}"][value="7"]')
    page.close()  # no Next

    again = phone_812()  # the personal link, opened again (here in a fresh browser)
    again.goto(f"{live_server}/r/{token}")
    again.get_by_role("link", name="Continue where you stopped").click()
    again.wait_for_url(f"**/r/{token}/1")
    assert again.is_checked(f'input[name="q-{first.items[0].id}"][value="3"]')
    assert again.is_checked(f'input[name="q-{first.items[1].id}"][value="7"]')
    assert not again.is_checked(f'input[name="q-{first.items[2].id}"][value="6"]')
    assert again.evaluate("document.documentElement.scrollWidth") <= 375


def _answer_every_page(page, base: str, token: str, questionnaire) -> None:
    page.goto(f"{base}/r/{token}/1")
    answer_pages(page, pages_of(questionnaire), 5)


def test_back_after_sending_says_the_answers_were_sent(app, live_server, phone_812, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    page = phone_812()
    _answer_every_page(page, live_server, token, world.questionnaire)
    assert "Thank you" in page.content()
    page.go_back()
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Your answers were sent on this link"
    assert "This link does not open a survey" not in page.content()
    page.goto(f"{live_server}/r/{token}")  # reopening the link from the e-mail
    assert heading.inner_text() == "Your answers were sent on this link"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    team = make_team_link(dbs, world)
    _answer_every_page(page, live_server, team, world.questionnaire)
    page.go_back()
    assert heading.inner_text() == "You have already answered on this device"
    assert page.locator("main form").count() == 0
