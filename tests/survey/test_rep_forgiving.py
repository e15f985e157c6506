"""The journey is forgiving: Back after sending, a team link answered in this browser, answers
saved in the background as they change, and an intro that counts the pages right."""

from __future__ import annotations

from sqlalchemy import func, select

from survey.models import Draft, Response
from survey.tokens import new_token, token_hash
from tests.conftest import csrf_from
from tests.factories import make_invitation, make_team_link, make_world
from tests.survey.journey import answer_all, item_fields, page_form, pages_of
from tests.survey.test_rep_words import session_data

SENT = "Your answers were sent on this link"
NOT_OPEN = "This link does not open a survey"
ON_THIS_DEVICE = "You have already answered on this device"


def words(html: str) -> str:
    return " ".join(html.split())


def save(client, token: str, number: int, data: dict):
    """What autosave.js posts: the page's fields, its CSRF token and action=save."""
    html = client.get(f"/r/{token}/{number}").get_data(as_text=True)
    return client.post(
        f"/r/{token}/{number}", data={"csrf_token": csrf_from(html), "action": "save", **data}
    )


# --- Back after sending on a personal link ----------------------------------------------------


def test_back_or_reopening_a_sent_personal_link_says_the_answers_were_sent(app, client, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    last = len(pages_of(world.questionnaire))
    answer_all(client, token, world.questionnaire)
    assert "Where you personally stand" in client.get("/thanks").get_data(as_text=True)
    for path in (f"/r/{token}/{last}", f"/r/{token}", f"/r/{token}/1"):  # Back, reopen
        again = client.get(path)
        html = again.get_data(as_text=True)
        assert again.status_code == 404, path  # the status every link that opens nothing gets
        assert SENT in html and "nothing more to do" in html
        assert NOT_OPEN not in html
        assert 'href="/thanks"' not in html  # the result was shown already
        assert "<form" not in html.split("<main", 1)[1]


def test_the_sent_page_leads_to_the_result_while_the_session_still_holds_it(app, client, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    answer_all(client, token, world.questionnaire)  # Back before the thank-you page loaded
    html = client.get(f"/r/{token}").get_data(as_text=True)
    assert SENT in html and 'href="/thanks"' in html
    client.get("/thanks")
    assert 'href="/thanks"' not in client.get(f"/r/{token}").get_data(as_text=True)


def test_a_guesser_cannot_tell_a_used_link_from_an_unknown_one(app, client, dbs):
    """Only the browser that sent is told; to every other browser a used link answers exactly
    like an unknown, an expired or a closed one."""
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    answer_all(client, token, world.questionnaire)
    guesser = app.test_client()
    used, unknown = guesser.get(f"/r/{token}"), guesser.get(f"/r/{new_token()}")
    assert used.status_code == unknown.status_code == 404
    assert used.get_data() == unknown.get_data()
    assert NOT_OPEN in used.get_data(as_text=True)
    # The sender's own browser: an unknown link is still only "does not open a survey".
    other = client.get(f"/r/{new_token()}")
    assert other.status_code == 404 and SENT not in other.get_data(as_text=True)
    # Nothing in the cookie gives the link away: neither the token nor its stored hash.
    cookie = str(session_data(app, client))
    assert token not in cookie and token_hash(token) not in cookie


def test_the_sent_page_is_not_counted_as_a_guess_nor_exempt_from_the_limit(app, client, dbs):
    app.config["LINK_FAILURES_PER_BROWSER"] = "3 per minute"
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    answer_all(client, token, world.questionnaire)
    for _ in range(10):
        assert SENT in client.get(f"/r/{token}").get_data(as_text=True)
    statuses = [client.get(f"/r/{new_token()}").status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
    assert client.get(f"/r/{token}").status_code == 429  # refused like any link opening nothing


# --- A team link answered in this browser ----------------------------------------------------


def test_a_team_link_answered_here_says_so_instead_of_a_blank_survey(app, client, dbs):
    world = make_world(dbs)
    token = make_team_link(dbs, world, capacity=10)
    last = len(pages_of(world.questionnaire))
    answer_all(client, token, world.questionnaire)
    for path in (f"/r/{token}", f"/r/{token}/1", f"/r/{token}/{last}"):
        again = client.get(path)
        html = again.get_data(as_text=True)
        assert again.status_code == 409, path
        assert ON_THIS_DEVICE in html and "already submitted" in html
        # One answer per browser is the team link's rule: no way to answer again from here.
        assert f'href="/r/{token}/1"' not in html and "<form" not in html.split("<main", 1)[1]
        assert "their own" in html  # where a colleague can answer instead
    # The rule is unchanged: another browser may answer, this one may not post again.
    csrf = csrf_from(client.get("/login").get_data(as_text=True))  # the session's token
    data = {"csrf_token": csrf, "action": "save", **item_fields(pages_of(world.questionnaire)[0])}
    assert client.post(f"/r/{token}/1", data=data).status_code == 409
    answer_all(app.test_client(), token, world.questionnaire)
    assert dbs.scalar(select(func.count()).select_from(Response)) == 2


# --- Answers saved as they change ------------------------------------------------------------


def test_a_background_save_keeps_the_answers_without_moving_on(app, client, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    first = pages_of(world.questionnaire)[0]
    chosen = {f"q-{first.items[0].id}": "2", f"q-{first.items[1].id}": "7"}
    saved = save(client, token, 1, chosen)  # half the page, then the tab is closed
    assert saved.status_code == 204 and saved.get_data() == b""

    reopened = app.test_client()  # the personal link alone opens the draft
    intro = reopened.get(f"/r/{token}").get_data(as_text=True)
    assert "Continue where" in intro and "page 1 of" in intro
    page = reopened.get(f"/r/{token}/1").get_data(as_text=True)
    assert f'name="q-{first.items[0].id}" value="2"\n        checked' in page
    assert f'name="q-{first.items[1].id}" value="7"\n        checked' in page
    assert "checked" not in page.split(f'name="q-{first.items[2].id}"', 1)[1].split("</fieldset")[0]
    assert reopened.get(f"/r/{token}/2").status_code == 302  # not moved on: page 2 not reached

    # A later save changes an answer; Next still asks for the rest and then moves on.
    assert save(reopened, token, 1, {f"q-{first.items[0].id}": "4"}).status_code == 204
    page = reopened.get(f"/r/{token}/1").get_data(as_text=True)
    assert f'name="q-{first.items[0].id}" value="4"\n        checked' in page
    assert f'name="q-{first.items[1].id}" value="7"\n        checked' in page  # kept
    assert page_form(reopened, token, 1, item_fields(first)).status_code == 302


def test_a_background_save_validates_like_next_and_keeps_nothing_invalid(app, client, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    first, second = pages_of(world.questionnaire)[:2]
    item = first.items[0].id
    assert save(client, token, 1, {f"q-{item}": "3"}).status_code == 204
    for bad in (
        {f"q-{item}": "99"},  # off the scale
        {f"q-{item}": "na"},  # "does not apply" where the item does not offer it
        {f"q-{item}": "x\u00e9"},
        {f"q-{second.items[0].id}": "3"},  # a statement of another page
        {"q-no-such-item": "3"},
        {f"q-{item}": ["3", "4"]},  # sent twice
    ):
        response = save(client, token, 1, bad)
        assert response.status_code == 400, bad
    html = client.get(f"/r/{token}/1").get_data(as_text=True)
    assert f'name="q-{item}" value="3"\n        checked' in html  # the valid answer stays

    # Without the page's CSRF token, or with an action the page does not know: refused.
    no_csrf = client.post(f"/r/{token}/1", data={"action": "save", f"q-{item}": "5"})
    assert no_csrf.status_code == 400
    odd = client.post(
        f"/r/{token}/1", data={"csrf_token": csrf_from(html), "action": "keep", f"q-{item}": "5"}
    )
    assert odd.status_code == 400
    assert f'name="q-{item}" value="3"\n        checked' in client.get(f"/r/{token}/1").get_data(
        as_text=True
    )


def test_a_background_save_on_the_ladder_and_map_keeps_only_what_next_would(app, client, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    pages = pages_of(world.questionnaire)
    for page in pages:
        if page.kind == "items":
            assert page_form(client, token, page.number, item_fields(page)).status_code == 302
    ladder = next(page for page in pages if page.kind == "ladder").number
    step = {"step": "1"}
    # A kind without words: an error the button would show, so nothing is kept.
    assert save(client, token, ladder, {**step, "ladder-kind": "customers"}).status_code == 204
    assert 'value="customers"\n      checked' not in client.get(f"/r/{token}/{ladder}").get_data(
        as_text=True
    )
    words = {**step, "ladder-words": "my quota", "ladder-kind": "customers"}
    assert save(client, token, ladder, words).status_code == 204
    html = client.get(f"/r/{token}/{ladder}").get_data(as_text=True)
    assert ">my quota</textarea>" in html and 'value="customers"\n      checked' in html
    assert save(client, token, ladder, {**words, "ladder-kind": "nowhere"}).status_code == 400
    assert save(client, token, ladder, {**words, "step": "3"}).status_code == 400  # not reached


def test_a_background_save_after_sending_or_on_a_team_link_in_another_browser(app, client, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    first = pages_of(world.questionnaire)[0]
    html = client.get(f"/r/{token}/1").get_data(as_text=True)
    answer_all(client, token, world.questionnaire)
    late = client.post(
        f"/r/{token}/1",
        data={"csrf_token": csrf_from(html), "action": "save", **item_fields(first)},
    )
    assert late.status_code == 404  # the link opens nothing any more; never a 500
    assert dbs.scalar(select(func.count()).select_from(Draft)) == 0

    team = make_team_link(dbs, world)
    assert save(client, team, 1, {f"q-{first.items[0].id}": "2"}).status_code == 204
    mine = client.get(f"/r/{team}/1").get_data(as_text=True)
    assert f'name="q-{first.items[0].id}" value="2"\n        checked' in mine
    colleague = app.test_client().get(f"/r/{team}/1").get_data(as_text=True)
    assert "checked" not in colleague  # sealed with this browser's secret


def test_item_pages_load_the_autosave_script_without_inline_code(app, client, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    page = client.get(f"/r/{token}/1")
    html = page.get_data(as_text=True)
    assert "data-autosave" in html
    assert '<script src="/static/js/autosave.js" defer></script>' in html
    assert "'unsafe-inline'" not in page.headers["Content-Security-Policy"]
    script = client.get("/static/js/autosave.js")
    script.close()
    assert script.status_code == 200


# --- The intro's counts ----------------------------------------------------------------------


def test_the_intro_counts_the_pages_that_hold_statements(app, client, dbs):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    pages = pages_of(world.questionnaire)
    statement_pages = sum(1 for page in pages if page.kind == "items")
    others = len(pages) - statement_pages
    assert (statement_pages, others) == (5, 2)  # the rep questionnaire, 8 statements a page
    html = words(client.get(f"/r/{token}").get_data(as_text=True))
    items = len(world.questionnaire.items)
    assert (
        f"{items} short statements, on {statement_pages} pages, then {others} short steps;" in html
    )
    assert f"on {len(pages)} pages" not in html
