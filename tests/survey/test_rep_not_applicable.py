"""The answer "Don't know / does not apply": offered only where an item allows it, stored
exactly as an unanswered item, scored as the mean of the answered items, kept across pages and
resumes, and refused with 400 where it is not offered."""

from __future__ import annotations

from sqlalchemy import func, select

from questionnaires import Item, Questionnaire
from survey.models import Draft, Response
from survey.models.response import MISSING
from tests.factories import make_invitation, make_world, rep_questionnaire
from tests.survey.journey import answer_all, ask_v2, item_fields, page_form, pages_of


def first_not_applicable(questionnaire: Questionnaire) -> Item:
    """The first own-stance item that may be answered "does not apply"."""
    return next(
        item for item in questionnaire.items if item.not_applicable and item.perspective == "self"
    )


def page_of(questionnaire: Questionnaire, item: Item):
    return next(page for page in pages_of(questionnaire) if item in page.items)


def reach(client, token: str, questionnaire: Questionnaire, number: int) -> None:
    """Answer the item pages before page ``number``."""
    for page in pages_of(questionnaire)[: number - 1]:
        assert page_form(client, token, page.number, item_fields(page)).status_code == 302


def keyed_six(questionnaire: Questionnaire) -> dict[str, str]:
    """Raw answers that all point to 6 after reverse keying."""
    return {item.id: "2" if item.reversed else "6" for item in questionnaire.items}


def v2_invitation(dbs) -> tuple[str, Questionnaire]:
    world = make_world(dbs)
    questionnaire = ask_v2(dbs, world.wave)
    return make_invitation(dbs, world), questionnaire


def test_offered_only_on_the_items_that_allow_it(client, dbs):
    token, questionnaire = v2_invitation(dbs)
    item = first_not_applicable(questionnaire)
    page = page_of(questionnaire, item)
    intro = " ".join(client.get(f"/r/{token}").get_data(as_text=True).split())
    assert 'you can answer "Don\'t know / does not apply"' in intro
    reach(client, token, questionnaire, page.number)
    html = client.get(f"/r/{token}/{page.number}").get_data(as_text=True)
    assert html.count('value="na"') == sum(other.not_applicable for other in page.items)
    assert f'name="q-{item.id}" value="na"' in html
    assert '<div class="not-applicable">' in html and "Does not apply to me" in html  # own view


def test_stored_as_missing_and_scored_on_the_answered_items(app, client, dbs):
    token, questionnaire = v2_invitation(dbs)
    item = first_not_applicable(questionnaire)
    answer_all(client, token, questionnaire, chosen={**keyed_six(questionnaire), item.id: "na"})

    stored = dbs.scalar(select(Response))
    assert stored.values[questionnaire.item_index[item.id]] == MISSING
    assert sum(byte == MISSING for byte in stored.values) == 1
    with client.session_transaction() as session:
        result = session["result"]
    # Every dimension at keyed 6 ((6 - 1) / 6 of the way): the item that does not apply is left
    # out of its dimension's mean, not counted as a middle answer.
    assert result["positions"] == [83.3] * len(questionnaire.dimensions)
    assert result["index"] == 83.3


def test_kept_going_back_and_forth_and_on_resuming(app, client, dbs):
    token, questionnaire = v2_invitation(dbs)
    item = first_not_applicable(questionnaire)
    page = page_of(questionnaire, item)
    reach(client, token, questionnaire, page.number)
    chosen = item_fields(page, 5, {item.id: "na"})
    assert page_form(client, token, page.number, chosen).status_code == 302
    back = page_form(client, token, page.number + 1, {}, action="back")
    assert back.headers["Location"].endswith(f"/r/{token}/{page.number}")

    checked = f'name="q-{item.id}" value="na"\n        checked'
    assert checked in client.get(f"/r/{token}/{page.number}").get_data(as_text=True)
    fresh = app.test_client()  # another browser: the personal link alone resumes
    html = fresh.get(f"/r/{token}/{page.number}").get_data(as_text=True)
    assert checked in html
    assert f'name="q-{item.id}" value="5"\n        checked' not in html


def test_an_item_that_allows_it_still_needs_an_answer(client, dbs):
    token, questionnaire = v2_invitation(dbs)
    item = first_not_applicable(questionnaire)
    page = page_of(questionnaire, item)
    reach(client, token, questionnaire, page.number)
    fields = item_fields(page)
    del fields[f"q-{item.id}"]
    response = page_form(client, token, page.number, fields)
    assert response.status_code == 422
    assert f'id="err-{item.id}">Please choose an answer' in response.get_data(as_text=True)


def test_a_forged_answer_on_an_item_without_it_is_refused(client, dbs):
    token, questionnaire = v2_invitation(dbs)
    first = pages_of(questionnaire)[0]
    fixed = next(item for item in first.items if not item.not_applicable)
    response = page_form(client, token, 1, item_fields(first, 4, {fixed.id: "na"}))
    assert response.status_code == 400
    assert "does not offer the answer &#39;does not apply&#39;" in (response.get_data(as_text=True))
    assert dbs.scalar(select(func.count()).select_from(Draft)) == 0


def test_version_1_offers_it_nowhere(client, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    first = pages_of(rep_questionnaire())[0]
    intro = client.get(f"/r/{token}").get_data(as_text=True)
    assert "Don't know / does not apply" not in intro and "Does not apply to me" not in intro
    html = client.get(f"/r/{token}/1").get_data(as_text=True)
    assert 'value="na"' not in html and "Don't know / does not apply" not in html
    forged = page_form(client, token, 1, item_fields(first, 4, {first.items[0].id: "na"}))
    assert forged.status_code == 400
