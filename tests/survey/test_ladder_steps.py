"""The WHY ladder asks like a coach: one step per screen, words first, the kind optional, the
previous answer echoed, stopping an explicit choice; older drafts and rungs stay readable."""

from __future__ import annotations

import re

from sqlalchemy import select

from questionnaires import NONE_OF_THESE, load_directory
from survey.models import LadderRung, Response
from survey.models._columns import utcnow
from survey.rep.entries import open_entry
from survey.rep.ladder_steps import kinds_in_order, question_for, step_to_show
from survey.rep.sealing import draft_key
from survey.rep.store import save_draft
from tests.conftest import csrf_from
from tests.factories import full_answers, make_invitation, make_world
from tests.survey.journey import answer_page, ladder_step, pages_of


def _at_ladder(client, dbs):
    """A rep whose statements are answered: (world, token, the ladder's page number)."""
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    for page in pages_of(world.questionnaire):
        if page.kind == "ladder":
            return world, token, page.number
        assert answer_page(client, token, page).status_code == 302
    raise AssertionError("no ladder page")


def _buttons(html: str) -> list[str]:
    return re.findall(r'<button type="submit" name="action" value="(\w+)"', html)


def test_each_step_is_one_screen_that_echoes_the_previous_answer(client, dbs):
    world, token, number = _at_ladder(client, dbs)
    ladder = world.questionnaire.ladder
    first = client.get(f"/r/{token}/{number}").get_data(as_text=True)
    assert ladder.question in first
    assert first.count('name="ladder-words"') == 1  # one step, not five
    assert "checked" not in first  # neither a kind nor a way on is chosen for the rep
    assert _buttons(first) == ["deeper", "stop", "back"]  # stopping is a button, never a default

    reply = ladder_step(client, token, number, 1, "hitting my quota", "", "deeper")
    assert reply.headers["Location"].endswith(f"/r/{token}/{number}?step=2")
    second = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert "hitting my quota" in second  # quoted back before the next "why"
    assert ladder.follow_up in second or ladder.ask_after("hitting my quota") in second


def test_words_come_first_and_the_kind_is_optional_none_or_sorted_later(client, dbs):
    world, token, number = _at_ladder(client, dbs)
    kind_first = ladder_step(client, token, number, 1, "", "customers", "deeper")
    assert kind_first.status_code == 422  # a kind without words is not an answer
    assert "Please write a few words first" in kind_first.get_data(as_text=True)
    nothing = ladder_step(client, token, number, 1, "", "", "stop")
    assert nothing.status_code == 422  # the first step needs words
    assert "Please write a few words first" in nothing.get_data(as_text=True)

    assert ladder_step(client, token, number, 1, "my quota", "", "deeper").status_code == 302
    assert ladder_step(client, token, number, 2, "my family", "none", "deeper").status_code == 302
    # Step 3 left empty: "That's where it ends" ends the ladder at step 2.
    ended = ladder_step(client, token, number, 3, "", "", "stop")
    assert ended.headers["Location"].endswith(f"/r/{token}/{number + 1}")
    last = pages_of(world.questionnaire)[-1]
    assert answer_page(client, token, last, action="submit").status_code == 302
    rungs = dbs.execute(select(LadderRung.target, LadderRung.words)).all()
    assert sorted(rungs, key=lambda rung: rung.words) == [
        (NONE_OF_THESE.key, "my family"),
        (None, "my quota"),  # left to be sorted later
    ]
    assert dbs.scalar(select(Response.ladder_top)) == NONE_OF_THESE.key


def test_back_keeps_the_words_and_stopping_earlier_drops_the_later_steps(client, dbs):
    world, token, number = _at_ladder(client, dbs)
    assert ladder_step(client, token, number, 1, "my quota", "pay", "deeper").status_code == 302
    back = ladder_step(client, token, number, 2, "my bonus", "", "back")
    assert back.headers["Location"].endswith(f"/r/{token}/{number}?step=1")
    html = client.get(f"/r/{token}/{number}").get_data(as_text=True)  # back where the rep was
    assert ">my quota</textarea>" in html and 'value="pay"\n      checked' in html
    again = client.get(f"/r/{token}/{number}?step=2").get_data(as_text=True)
    assert ">my bonus</textarea>" in again  # the later step was kept going back
    assert ladder_step(client, token, number, 1, "my quota", "pay", "stop").status_code == 302
    last = pages_of(world.questionnaire)[-1]
    assert answer_page(client, token, last, action="submit").status_code == 302
    assert dbs.scalars(select(LadderRung.words)).all() == ["my quota"]


def test_the_last_step_offers_only_to_stop_and_a_deeper_post_is_refused(client, dbs):
    world, token, number = _at_ladder(client, dbs)
    top = world.questionnaire.ladder.max_rungs
    for step in range(1, top):
        assert ladder_step(client, token, number, step, f"why {step}", "", "deeper").status_code
    html = client.get(f"/r/{token}/{number}?step={top}").get_data(as_text=True)
    assert _buttons(html) == ["stop", "back"]
    csrf = csrf_from(html)
    deeper = {"csrf_token": csrf, "action": "deeper", "step": str(top), "ladder-words": "more"}
    assert client.post(f"/r/{token}/{number}", data=deeper).status_code == 400
    # A step further than the rep has come is not shown: the visit goes to the step reached.
    assert client.get(f"/r/{token}/{number}?step={top + 1}").status_code == 302


def test_sending_needs_the_ladder_ended_by_the_rep(client, dbs):
    world, token, number = _at_ladder(client, dbs)
    assert ladder_step(client, token, number, 1, "my quota", "", "stop").status_code == 302
    last = pages_of(world.questionnaire)[-1]
    assert answer_page(client, token, last, action="back").status_code == 302
    # Back on the ladder, the rep asks for one more "why", then jumps to the last page.
    assert ladder_step(client, token, number, 1, "my quota", "", "deeper").status_code == 302
    reply = answer_page(client, token, last, action="submit")
    assert reply.status_code == 302 and f"/r/{token}/{number}?incomplete=1" in reply.location
    assert dbs.scalar(select(Response.id)) is None


def test_an_older_draft_with_a_target_and_no_words_is_shown_and_sent(client, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    pages = pages_of(world.questionnaire)
    state = {
        "answers": full_answers(world.questionnaire),
        "ladder": [{"target": "customers", "words": ""}],  # as saved before words came first
        "reached": len(pages),
    }
    save_draft(dbs, open_entry(dbs, token, utcnow()), None, state, draft_key(token))
    number = next(page.number for page in pages if page.kind == "ladder")
    html = client.get(f"/r/{token}/{number}?step=1").get_data(as_text=True)
    assert 'value="customers"\n      checked' in html
    second = client.get(f"/r/{token}/{number}?step=2").get_data(as_text=True)
    assert world.questionnaire.ladder.ask_after("that") in second  # nothing to quote
    assert ladder_step(client, token, number, 2, "", "", "stop").status_code == 302
    assert answer_page(client, token, pages[-1], action="submit").status_code == 302
    assert dbs.execute(select(LadderRung.target, LadderRung.words)).all() == [("customers", None)]


def test_kinds_are_shuffled_per_rep_the_same_on_every_visit_with_none_of_these_last():
    ladder = load_directory()[("rep-mindset", 2)].ladder
    listed = [target.key for target in ladder.targets]
    orders = {tuple(k.key for k in kinds_in_order(ladder, seed)) for seed in range(40)}
    assert len(orders) > 10  # not one fixed order (6! = 720 possible)
    assert all(order[-1] == NONE_OF_THESE.key for order in orders)
    assert all(sorted(order[:-1]) == sorted(listed) for order in orders)
    assert kinds_in_order(ladder, 7) == kinds_in_order(ladder, 7)
    # The file's order (contractual first, purpose last) is not the one shown to most reps.
    assert sum(list(order[:-1]) == listed for order in orders) <= 1


def test_the_step_shown_and_its_question():
    ladder = load_directory()[("rep-mindset", 2)].ladder
    steps = [{"words": "my quota", "target": None}]
    assert step_to_show({}, ladder, None) == 1
    assert step_to_show({"ladder": steps}, ladder, 5) == 2  # not reached: where the rep can be
    assert step_to_show({"ladder": steps, "ladder_at": 1}, ladder, None) == 1
    assert question_for(ladder, steps, 1).text == ladder.question
    follow = question_for(ladder, steps, 2)
    if ladder.quotes_previous:
        assert follow.text == ladder.ask_after("my quota") and follow.echo is None
    else:
        assert follow.text == ladder.follow_up and follow.echo == "my quota"


def test_an_older_step_with_a_category_and_no_words_survives_stopping(client, dbs):
    """An older draft's last step has a category and no words: "That's where it ends" on it
    keeps it (the words box is empty, the hidden kind not sent)."""
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    pages = pages_of(world.questionnaire)
    older = [{"target": "pay", "words": ""}, {"target": "customers", "words": ""}]
    state = {"answers": full_answers(world.questionnaire), "ladder": older, "reached": len(pages)}
    save_draft(dbs, open_entry(dbs, token, utcnow()), None, state, draft_key(token))
    number = next(page.number for page in pages if page.kind == "ladder")
    assert ladder_step(client, token, number, 2, "", "", "stop").status_code == 302
    assert answer_page(client, token, pages[-1], action="submit").status_code == 302
    rungs = dbs.execute(select(LadderRung.position, LadderRung.target).order_by("position"))
    assert [tuple(rung) for rung in rungs] == [(1, "pay"), (2, "customers")]


def test_a_line_break_counts_as_one_character_as_the_browser_counts_it(client, dbs):
    world, token, number = _at_ladder(client, dbs)
    limit = world.questionnaire.ladder.max_words
    words = "a" * (limit - 2) + "\r\nb"  # limit characters in the browser, one more as posted
    assert ladder_step(client, token, number, 1, words, "", "stop").status_code == 302
    too_long = "a" * limit + "\r\nb"
    assert ladder_step(client, token, number, 1, too_long, "", "stop").status_code == 422
