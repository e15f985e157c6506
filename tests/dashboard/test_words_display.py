"""People's own words on the dashboard, in the API, the CSV, the report and the share-back page.

The world (k = 3, words threshold T = 4)::

    Global (0 answers)
    ├── North (0)
    │   ├── Oslo   5 answers, 2 writing words
    │   └── Bergen 5 answers, 3 writing words
    └── South  5 answers, 5 writing words

Pooling at T = 4, bottom-up: Oslo's 2 and Bergen's 3 writers stay below 4 and go up to North,
whose pool of 0 + 2 + 3 = 5 makes a block; South's 5 make a block; Global's pool is empty. So
the views are North 5 writers (Oslo's and Bergen's), South 5, Global 5 + 5 = 10, and Oslo and
Bergen have none. Each writer writes two steps, so Global shows 20 steps.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey import share_back
from survey.ladder_words import words_threshold
from survey.models import Assessment, LadderRung, Response
from survey.releases.build import make_release
from survey.releases.store import remember_erased
from survey.word_keys import word_key
from tests.auth.helpers import login
from tests.factories import close, gen_response, gen_words_world, rep_questionnaire

TREE = {"Global": None, "North": "Global", "Oslo": "North", "Bergen": "North", "South": "Global"}
COUNTS = {"Oslo": (5, 2), "Bergen": (5, 3), "South": (5, 5)}


@pytest.fixture
def world(dbs):
    return gen_words_world(dbs, TREE, COUNTS, k=3, threshold=4)


def api_words(client, world, team: str) -> dict:
    url = (
        f"/api/v1/assessments/{world.assessment.id}/teams/{world.teams[team].id}"
        f"?wave={world.wave.id}"
    )
    response = client.get(url)
    assert response.status_code == 200
    return response.get_json()["sections"]["words"]


def shown_texts(section: dict) -> list[str]:
    return [row["words"] for row in section["rows"]]


def dashboard_html(client, world, team: str) -> str:
    url = f"/dashboard/{world.assessment.id}/{world.teams[team].id}?wave={world.wave.id}"
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def report_html(client, world, team: str) -> str:
    url = (
        f"/clients/{world.organisation.id}/assessments/{world.assessment.id}/report"
        f"?team={world.teams[team].id}&wave={world.wave.id}"
    )
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def share_html(app, client, world, team: str) -> str:
    with app.app_context():
        token = share_back.share_token(world.assessment.id, world.teams[team].id)
    response = client.get(f"/results/{token}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def members(world, *teams: str) -> set[int]:
    return {response for response, team in world.team_of.items() if team in teams}


def test_words_wait_for_the_final_release(app, client, dbs, world):
    """No release yet, then an interim release: no words anywhere, and the section says why."""
    login(client, world.users["admin"].email)
    assert api_words(client, world, "Global")["hidden"] == [
        {"label": "Global", "reason": "no final release of Now yet"}
    ]
    with app.app_context():
        make_release(dbs, world.assessment, world.wave, final=False)
        dbs.commit()
    section = api_words(client, world, "Global")
    assert section["rows"] == []
    assert section["hidden"] == [{"label": "Global", "reason": "no final release of Now yet"}]
    html = dashboard_html(client, world, "Global")
    assert "In their own words" in html and "no final release of Now yet" in html
    assert not any(text in html for text in world.writer_of)


def test_views_pool_small_teams_upwards_and_show_only_at_the_threshold(client, dbs, world):
    close(dbs, world)
    login(client, world.users["admin"].email)
    views = {team: api_words(client, world, team) for team in TREE}
    assert world.writers(shown_texts(views["Global"])) == members(world, "Oslo", "Bergen", "South")
    assert world.writers(shown_texts(views["North"])) == members(world, "Oslo", "Bergen")
    assert world.writers(shown_texts(views["South"])) == members(world, "South")
    assert len(views["Global"]["rows"]) == 20  # 10 writers x 2 steps
    for small in ("Oslo", "Bergen"):
        assert views[small]["rows"] == []
        assert views[small]["hidden"] == [
            {
                "label": small,
                "reason": "fewer than 4 people's words in this group and the groups below it",
            }
        ]
    assert views["North"]["figures"]["people"] == 5
    assert views["Global"]["findings"] == [
        "Words from 10 people in this group and the groups below it, in random order, without "
        "team or date. Shown only for groups pooling at least 4 people's words. 0 held back by "
        "the consultant."
    ]
    assert {row["category"] for row in views["Global"]["rows"]} == {"Customers", "Not sorted yet"}


def test_words_come_in_key_order_without_team_or_date(app, client, dbs, world):
    """The order is that of the keyed hashes, and a row holds the words and category only."""
    close(dbs, world)
    login(client, world.users["admin"].email)
    rows = api_words(client, world, "Global")["rows"]
    assert all(set(row) == {"words", "category"} for row in rows)
    rungs = dbs.execute(select(LadderRung.response_id, LadderRung.position, LadderRung.words)).all()
    with app.app_context():
        key_of = {words: word_key(response, position) for response, position, words in rungs}
    keys = [key_of[row["words"]] for row in rows]
    assert keys == sorted(keys)


def test_themes_count_recurring_words_and_categories(client, dbs, world):
    """South's 5 writers each wrote "reason n: our customers trust us" (Customers) and "reason n:
    the company grows with customers" (not sorted): "company", "customers", "grows", "reason" and
    "trust" are each used by all 5 people, counted once per person however many of their steps
    have it ("our", "the", "with", "us" are stopwords or too short), ties alphabetical; each
    category holds a step of each of the 5 people."""
    close(dbs, world)
    login(client, world.users["admin"].email)
    figures = api_words(client, world, "South")["figures"]
    counts = [(theme["name"], theme["people"]) for theme in figures["words"]]
    assert counts == [("company", 5), ("customers", 5), ("grows", 5), ("reason", 5), ("trust", 5)]
    assert [(c["name"], c["people"]) for c in figures["categories"]] == [
        ("Customers", 5),
        ("Not sorted yet", 5),
    ]
    texts = shown_texts(api_words(client, world, "South"))
    assert all(theme["example"] in texts for theme in figures["words"] + figures["categories"])


def test_a_held_back_step_never_appears_anywhere_and_is_counted(app, client, dbs, world):
    close(dbs, world)
    login(client, world.users["admin"].email)
    api_words(client, world, "Global")  # the final release is made before the consultant acts
    writer = next(iter(members(world, "South")))
    rung = dbs.get(LadderRung, (writer, 1))
    held_text = rung.words
    rung.held_back = True
    dbs.commit()
    for team in TREE:
        assert held_text not in str(api_words(client, world, team)), team
        assert held_text not in dashboard_html(client, world, team), team
        assert held_text not in report_html(client, world, team), team
        assert held_text not in share_html(app, app.test_client(), world, team), team
        csv = client.get(
            f"/dashboard/{world.assessment.id}/{world.teams[team].id}/words.csv"
            f"?wave={world.wave.id}"
        ).get_data(as_text=True)
        assert held_text not in csv
    south = api_words(client, world, "South")
    assert south["figures"]["held_back"] == 1 and south["figures"]["people"] == 5
    assert len(south["rows"]) == 9
    assert "1 held back by the consultant." in south["findings"][0]
    assert api_words(client, world, "North")["figures"]["held_back"] == 0


def test_holding_back_one_step_after_showing_another_again_hides_the_new_one(client, dbs, world):
    """The cache of a team's words is keyed by which steps are held back, not how many:
    holding A back, showing it again and holding B back keeps the count at one."""
    close(dbs, world)
    login(client, world.users["admin"].email)
    first, second = sorted(members(world, "South"))[:2]
    rungs = [dbs.get(LadderRung, (writer, 1)) for writer in (first, second)]
    texts = [rung.words for rung in rungs]
    rungs[0].held_back = True
    dbs.commit()
    assert texts[0] not in str(api_words(client, world, "South"))
    rungs[0].held_back, rungs[1].held_back = False, True
    dbs.commit()
    section = str(api_words(client, world, "South"))
    assert texts[1] not in section and texts[0] in section


def test_an_erased_response_withdraws_its_whole_word_group(client, dbs, world):
    """Erasing one of Oslo's writers leaves North's group of 5 with 4 people: the whole group
    goes (what is left could fall below T, and beside an earlier look it would single out the
    erased words); South's group of 5 stays. Global: 20 steps before, South's 10 after."""
    close(dbs, world)
    login(client, world.users["admin"].email)
    assert len(shown_texts(api_words(client, world, "Global"))) == 20
    erased = next(iter(members(world, "Oslo")))
    remember_erased(dbs, Response.id == erased)
    dbs.delete(dbs.get(Response, erased))
    dbs.commit()
    after = api_words(client, world, "Global")
    assert world.writers(shown_texts(after)) == members(world, "South")
    assert len(shown_texts(after)) == 10 and after["figures"]["people"] == 5
    assert after["findings"][1].startswith("The words of 5 people are no longer shown")
    north = api_words(client, world, "North")
    assert north["rows"] == [] and north["figures"]["people"] == 0


def test_a_group_too_small_even_at_the_top_is_never_shown(client, dbs):
    """Solo's 3 writers never reach T = 4: their words are left over at the top, not shown."""
    world = gen_words_world(dbs, {"Solo": None}, {"Solo": (6, 3)}, k=3, threshold=4)
    close(dbs, world)
    login(client, world.users["admin"].email)
    section = api_words(client, world, "Solo")
    assert section["rows"] == [] and section["hidden"][0]["reason"].startswith("fewer than 4")
    for html in (dashboard_html(client, world, "Solo"), report_html(client, world, "Solo")):
        assert not any(text in html for text in world.writer_of)


def test_a_team_the_release_hides_shows_no_words_and_its_leftover_is_dropped(client, dbs):
    """Tiny has 2 answers (under k = 3) and is hidden. Its 2 writers stay below T = 4 and go up
    to Top, whose pool of 0 + 2 = 2 is still below 4: left over at the top, never shown. Big's
    6 make a block, so Top's view is Big's 6 writers, whether Big itself is shown or not."""
    world = gen_words_world(
        dbs, {"Top": None, "Tiny": "Top", "Big": "Top"}, {"Tiny": (2, 2), "Big": (6, 6)}
    )
    close(dbs, world)
    login(client, world.users["admin"].email)
    tiny = api_words(client, world, "Tiny")
    assert tiny["rows"] == [] and tiny["hidden"][0]["reason"] == "fewer than 3 answers"
    top = api_words(client, world, "Top")
    assert world.writers(shown_texts(top)) == members(world, "Big")
    assert top["findings"][1] == (
        "The words of fewer than 4 people, in groups too small to pool even together, are not "
        "shown."
    )
    for team in ("Top", "Tiny", "Big"):
        html = dashboard_html(client, world, team)
        assert world.writers(t for t in world.writer_of if t in html) <= members(world, "Big")


def test_the_share_back_page_shows_the_managers_words_and_no_more(app, client, dbs, world):
    close(dbs, world)
    login(client, world.users["North"].email)
    managers = dashboard_html(client, world, "North")
    reps = share_html(app, app.test_client(), world, "North")
    texts = set(world.writer_of)
    assert {t for t in texts if t in managers} == {t for t in texts if t in reps}
    assert world.writers({t for t in texts if t in reps}) == members(world, "Oslo", "Bergen")


def test_the_report_shows_the_words_of_its_team(client, dbs, world):
    close(dbs, world)
    login(client, world.users["admin"].email)
    html = report_html(client, world, "North")
    texts = {text for text in world.writer_of if text in html}
    assert world.writers(texts) == members(world, "Oslo", "Bergen")
    assert "Words from 5 people in this group" in html


def test_the_threshold_is_never_below_k():
    assert words_threshold(Assessment(min_group_size=12, comment_min_group_size=10)) == 12
    assert words_threshold(Assessment(min_group_size=5, comment_min_group_size=10)) == 10


def test_careless_and_managers_answers_bring_no_words(client, dbs, world):
    """With careless answers left out, 4 straight-lining reps writing words in Oslo are never
    taken in, nor are 4 managers' responses with words: North still pools Oslo's 2 and Bergen's
    3 writers only."""
    world.assessment.careless_left_out = True
    dbs.commit()
    straight = [4] * len(rep_questionnaire().items)
    extra = set()
    for person in range(8):
        gen_response(
            dbs,
            world.wave,
            world.teams["Oslo"],
            values=straight if person < 4 else None,
            role="rep" if person < 4 else "manager",
            steps=[(f"not to be shown {person}", None)],
        )
        extra.add(f"not to be shown {person}")
    close(dbs, world)
    login(client, world.users["admin"].email)
    for team in TREE:
        assert not extra & set(shown_texts(api_words(client, world, team))), team
    north = api_words(client, world, "North")
    assert world.writers(shown_texts(north)) == members(world, "Oslo", "Bergen")
    assert north["figures"]["people"] == 5


def test_long_lists_show_the_first_words_and_link_to_all(client, dbs):
    """Big's 60 writers write 2 steps each: 120 words. The page lists 30 and links to the CSV of
    all 120; the API lists 100 and says 120 are shown."""
    world = gen_words_world(dbs, {"Big": None}, {"Big": (60, 60)}, k=3, threshold=4)
    close(dbs, world)
    login(client, world.users["admin"].email)
    section = api_words(client, world, "Big")
    assert len(section["rows"]) == 100 and section["figures"]["shown"] == 120
    html = dashboard_html(client, world, "Big")
    assert html.count("<li><q>") == 30
    assert "The first 30 of 120, in random order" in html and "download all 120 (CSV)" in html
    csv = client.get(
        f"/dashboard/{world.assessment.id}/{world.teams['Big'].id}/words.csv?wave={world.wave.id}"
    ).get_data(as_text=True)
    assert len(csv.strip().splitlines()) == 2 + 120  # two header rows, then every word
