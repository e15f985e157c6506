"""An attacker who keeps every list of people's words they were shown, and subtracts them.

Every step of words in these worlds is unique, so the truth maps each step shown back to the
response that wrote it. The attacker is a manager of a parent team and of a child team, or the
consultant (or an admin) who sees every team: for every pair of views they can see, the
writers one view shows and the other does not must be nobody or ``T`` people or more; and no
step comes out of a release that is not the wave's final one.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from sqlalchemy import select

from survey.models import LadderRung
from survey.releases.build import make_release
from tests.auth.helpers import login
from tests.factories import add_answer, close, gen_words_world, story_settings, team_trees

T = 4
# Small teams everywhere: most stay below T on their own and pool upwards.
TREES = {
    "nordic": (
        {
            "Global": None,
            "Nordics": "Global",
            "Oslo": "Nordics",
            "Bergen": "Nordics",
            "Stockholm": "Nordics",
            "Denmark": "Global",
            "Aarhus": "Denmark",
        },
        {
            "Global": (1, 1),
            "Nordics": (2, 1),
            "Oslo": (3, 3),
            "Bergen": (4, 2),
            "Stockholm": (5, 4),
            "Denmark": (3, 1),
            "Aarhus": (3, 2),
        },
    ),
    "chain": (
        {"A": None, "B": "A", "C": "B", "D": "C", "E": "D"},
        {"A": (3, 1), "B": (3, 2), "C": (3, 3), "D": (3, 1), "E": (4, 2)},
    ),
    "two tops": (
        {"East": None, "Left": "East", "Right": "East", "West": None, "Small": "West"},
        {"Left": (4, 3), "Right": (4, 2), "West": (3, 2), "Small": (3, 1)},
    ),
}


def views_seen(client, world, teams) -> dict[str, set[int]]:
    """The writers behind the words each team's view shows (an empty set when none)."""
    seen = {}
    for team in teams:
        url = (
            f"/api/v1/assessments/{world.assessment.id}/teams/{world.teams[team].id}"
            f"?wave={world.wave.id}"
        )
        answer = client.get(url)
        assert answer.status_code == 200, team
        rows = answer.get_json()["sections"]["words"]["rows"]
        seen[team] = world.writers(row["words"] for row in rows)
    return seen


def assert_no_small_difference(seen: dict[str, set[int]]) -> None:
    for a, b in itertools.permutations(seen, 2):
        left = seen[a] - seen[b]
        assert not left or len(left) >= T, (a, b, len(left))


def subtree(tree: dict[str, str | None], top: str) -> list[str]:
    found = [top]
    for team, parent in tree.items():
        if parent in found and team not in found:
            found.append(team)
    return found


@pytest.mark.parametrize("name", sorted(TREES))
def test_no_pair_of_views_sets_anyone_apart(app, dbs, name):
    tree, counts = TREES[name]
    world = gen_words_world(dbs, tree, counts, k=3, threshold=T)
    close(dbs, world)
    everyone = app.test_client()
    login(everyone, world.users["admin"].email)
    seen = views_seen(everyone, world, tree)
    assert any(seen.values()), "some words are shown"
    assert_no_small_difference(seen)
    for team in tree:  # the manager of each team, parent or child, sees the same views
        manager = app.test_client()
        login(manager, world.users[team].email)
        scope = subtree(tree, team)
        assert views_seen(manager, world, scope) == {t: seen[t] for t in scope}


@story_settings(max_examples=6)
@given(tree=team_trees(2, 6))
def test_random_trees_of_small_teams_never_set_anyone_apart(app, dbs, tree):
    counts = {team: (3, 1 + i % 3) for i, team in enumerate(tree)}
    world = gen_words_world(dbs, tree, counts, k=3, threshold=T)
    close(dbs, world)
    client = app.test_client()
    login(client, world.users["admin"].email)
    assert_no_small_difference(views_seen(client, world, tree))


def test_an_interim_release_and_one_more_answer_show_no_words(app, dbs):
    """Two interim releases around one more writer would set that writer apart: words come out
    of the final release only, so both show none."""
    tree, counts = TREES["nordic"]
    world = gen_words_world(dbs, tree, counts, k=3, threshold=T)
    client = app.test_client()
    login(client, world.users["admin"].email)
    with app.app_context():
        make_release(dbs, world.assessment, world.wave, final=False)
        dbs.commit()
    before = views_seen(client, world, tree)
    add_answer(dbs, world, "Oslo")
    with app.app_context():
        make_release(dbs, world.assessment, world.wave, final=False)
        dbs.commit()
    after = views_seen(client, world, tree)
    assert not any(before.values()) and not any(after.values())
    close(dbs, world)
    assert any(views_seen(client, world, tree).values())


def test_a_held_back_step_is_counted_but_no_view_shows_it(app, dbs):
    tree, counts = TREES["nordic"]
    world = gen_words_world(dbs, tree, counts, k=3, threshold=T)
    close(dbs, world)
    client = app.test_client()
    login(client, world.users["admin"].email)
    views_seen(client, world, tree)  # the final release is made first
    held = dbs.scalars(select(LadderRung).where(LadderRung.words.is_not(None))).first()
    held.held_back = True
    dbs.commit()
    for team in tree:
        url = (
            f"/api/v1/assessments/{world.assessment.id}/teams/{world.teams[team].id}"
            f"?wave={world.wave.id}"
        )
        text = client.get(url).get_data(as_text=True)
        assert held.words not in text, team
