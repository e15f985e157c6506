"""Items on how the rep is managed (perspective "climate") come in a block of their own, headed
as such, and never move the rep's own result."""

from __future__ import annotations

import re

from tests.factories import make_invitation, make_world, rep_questionnaire
from tests.survey.journey import answer_all, ask_v2, item_fields, page_form, pages_of

HEADING = "<h2>How you are managed</h2>"
SENTENCE = (
    "Your answers on this page describe how your manager leads, as you experience it: they are "
    "reported only for whole teams and are not part of your own result."
)


def words(html: str) -> str:
    return " ".join(html.split())


def test_climate_items_follow_the_own_items_on_pages_of_their_own(dbs):
    world = make_world(dbs)
    questionnaire = ask_v2(dbs, world.wave)
    item_pages = [page for page in pages_of(questionnaire) if page.kind == "items"]
    kinds = [{item.perspective for item in page.items} for page in item_pages]
    assert kinds[0] == {"self"} and kinds[-1] == {"climate"}
    assert kinds == sorted(kinds, key=lambda perspectives: "climate" in perspectives)
    assert [page.climate for page in item_pages] == [kind == {"climate"} for kind in kinds]
    shown = [item for page in item_pages for item in page.items]
    assert sorted(item.id for item in shown) == sorted(item.id for item in questionnaire.items)
    assert not any(page.climate for page in pages_of(rep_questionnaire()))  # version 1


def test_the_climate_block_says_what_it_is_for(client, dbs):
    world = make_world(dbs)
    questionnaire = ask_v2(dbs, world.wave)
    token = make_invitation(dbs, world)
    assert "A few statements on how you are managed" in words(
        client.get(f"/r/{token}").get_data(as_text=True)
    )
    for page in pages_of(questionnaire):
        if page.kind != "items":
            break
        html = client.get(f"/r/{token}/{page.number}").get_data(as_text=True)
        assert (HEADING in html) == page.climate
        assert (SENTENCE in words(html)) == page.climate
        assert page_form(client, token, page.number, item_fields(page)).status_code == 302


def result_page(app, dbs, world, questionnaire, climate_answer: str) -> tuple[dict, str]:
    """A rep answers the own items alike and every climate item ``climate_answer``; their
    result in the session, and the page's main content."""
    token = make_invitation(dbs, world)
    client = app.test_client()
    climate = {item.id: climate_answer for item in questionnaire.items_of("climate")}
    answer_all(client, token, questionnaire, value=5, chosen=climate)
    with client.session_transaction() as session:
        scores = session["result"]
    html = client.get("/thanks").get_data(as_text=True)
    return scores, re.search(r"<main.*</main>", html, re.S).group(0)


def test_climate_answers_do_not_move_the_result(app, dbs):
    world = make_world(dbs)
    questionnaire = ask_v2(dbs, world.wave)
    low_scores, low_page = result_page(app, dbs, world, questionnaire, "1")
    high_scores, high_page = result_page(app, dbs, world, questionnaire, "7")
    assert low_scores == high_scores
    assert low_page == high_page
    assert "Where you personally stand" in low_page
    assert "How you are managed" not in low_page and "climate" not in low_page
