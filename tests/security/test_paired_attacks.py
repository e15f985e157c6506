"""An attacker who keeps every figure of both waves and pairs them (issue 10).

The paired change publishes, for a team, figures over the people who answered both waves: on
each wave's side, the sum of a group of that wave's answers. A newcomer (or a dropout) is then
the difference between the team's cell and its pairs. The test keeps the truth of every group
any release published (cells of every release, pairs on both sides), checks that the auditor
kept the pairs that would set a person apart out of the payload, solves the attacker's linear
system by least squares to show the person could have been worked out otherwise and cannot be
now, and asks the disclosure search for any combination of the published groups singling out
fewer than k answers.
"""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import select

from survey.erasure import erase_person
from survey.models import Person, ReleasedErasure
from survey.releases import pairing
from survey.releases.audit import NEVER_ERASED
from survey.releases.pairing import WITHHELD, KeyedScores, pair_members
from tests.disclosure_oracle import audit
from tests.factories.confidential import (
    K,
    answer,
    build,
    pair_sets,
    published_groups,
    release,
    solve_for,
)

TREE = {"Global": None, "Oslo": "Global", "Bergen": "Global"}


def _keys(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(1, count + 1)]


def _index(world, response_ids) -> float:
    return float(np.mean([world.answers[r].index for r in response_ids]))


def test_a_newcomer_is_never_the_difference_between_a_team_and_its_pairs(app, dbs):
    """Oslo: 6 people in A, the same 6 and a newcomer in B (k = 5). Oslo's 7 in B minus its 6
    pairs' B answers would be the newcomer; so would Global's 12 minus its 11 pairs. Bergen's
    5 answered both waves and nobody else: its pairs are its cell, and they are shown."""
    with app.app_context():
        world = build(dbs, TREE, waves=2)
        a, b = world.waves
        answer(dbs, world, a, "Oslo", _keys("p", 6), 1)
        answer(dbs, world, a, "Bergen", _keys("q", 5), 2)
        answer(dbs, world, b, "Oslo", _keys("p", 6), 3)
        (newcomer,) = answer(dbs, world, b, "Oslo", ["newcomer"], 4)
        answer(dbs, world, b, "Bergen", _keys("q", 5), 5)
        release(dbs, world, a, final=True)
        made = release(dbs, world, b, final=True)
    oslo, bergen, top = (world.teams[name].id for name in ("Oslo", "Bergen", "Global"))
    cells = made.payload["cells"]
    assert all(cells[str(team)]["visible"] for team in (oslo, bergen, top))
    assert made.payload["paired_teams"] == [bergen]
    assert "paired" in cells[str(bergen)]
    for team in (oslo, top):
        assert "paired" not in cells[str(team)]
        assert cells[str(team)]["paired_hidden"] == WITHHELD

    published = published_groups(world)
    assert audit(published, K) is None
    found, _ = solve_for(world, published, newcomer)
    assert not found, "the newcomer's index follows from what was published"

    # Had Oslo's pairs been shown, their B-side sum and Oslo's cell give the newcomer away.
    would_be = dict(published)
    before, after = pair_sets(world, a.id, b.id, oslo)
    assert len(after) == 6 and newcomer not in after
    would_be[("pairs after", b.id, oslo)] = after
    would_be[("pairs before", b.id, oslo)] = before
    found, value = solve_for(world, would_be, newcomer)
    assert found and np.isclose(value, world.answers[newcomer].index)
    assert audit(would_be, K) is not None


def test_a_dropout_is_never_the_difference_between_a_team_and_its_pairs(app, dbs):
    """Oslo: 6 people in A, 5 of them in B. Oslo's 6 in A minus its 5 pairs' A answers would
    be the dropout: wave A's side of the audit withholds Oslo's (and Global's) pairs."""
    with app.app_context():
        world = build(dbs, TREE, waves=2)
        a, b = world.waves
        dropout = answer(dbs, world, a, "Oslo", _keys("p", 6), 1)[-1]
        answer(dbs, world, a, "Bergen", _keys("q", 5), 2)
        answer(dbs, world, b, "Oslo", _keys("p", 5), 3)
        answer(dbs, world, b, "Bergen", _keys("q", 5), 4)
        release(dbs, world, a, final=True)
        made = release(dbs, world, b, final=True)
    oslo, bergen, top = (world.teams[name].id for name in ("Oslo", "Bergen", "Global"))
    assert made.payload["paired_teams"] == [bergen]
    for team in (oslo, top):
        assert made.payload["cells"][str(team)]["paired_hidden"] == WITHHELD

    published = published_groups(world)
    assert audit(published, K) is None
    assert not solve_for(world, published, dropout)[0]
    would_be = dict(published)
    would_be[("pairs before", b.id, oslo)], _ = pair_sets(world, a.id, b.id, oslo)
    found, value = solve_for(world, would_be, dropout)
    assert found and np.isclose(value, world.answers[dropout].index)


def _story(dbs, world, keep_answers: bool) -> tuple[int, int]:
    """Oslo: p1..p6 in A; p1..p6 and five newcomers in B; p1..p5 in C. Bergen: the same five
    throughout. B's pairs (with A) are shown for every team; then p6's identity is deleted,
    with the answers or keeping them unpaired (as retention does); then C is released.

    Returns Oslo's id and p6's B answer."""
    a, b, c = world.waves
    answer(dbs, world, a, "Oslo", _keys("p", 6), 1)
    answer(dbs, world, b, "Oslo", _keys("p", 6) + _keys("n", 5), 2)
    answer(dbs, world, c, "Oslo", _keys("p", 5), 3)
    for seed, wave in enumerate(world.waves):
        answer(dbs, world, wave, "Bergen", _keys("q", 5), 10 + seed)
    release(dbs, world, a, final=True)
    paired = release(dbs, world, b, final=True)
    assert sorted(paired.payload["paired_teams"]) == sorted(t.id for t in world.teams.values())
    oslo = world.teams["Oslo"].id
    person = Person(
        organisation_id=world.organisation.id, email="p6@example.com", team_id=oslo, pseudonym="p6"
    )
    dbs.add(person)
    dbs.commit()
    (p6_b,) = (r.id for r in world.answers.values() if r.key == "p6" and r.wave == b.id)
    erase_person(dbs, person, delete_responses=not keep_answers)
    dbs.commit()
    for r in world.answers.values():  # the truth: gone, or there but unpaired
        if r.key == "p6":
            r.key = None
            if not keep_answers:
                world.alive.discard(r.id)
    return oslo, p6_b


def _partners(dbs) -> dict[int, tuple]:
    rows = dbs.scalars(select(ReleasedErasure))
    return {r.wave_id: (r.previous_partner_team_id, r.next_partner_team_id) for r in rows}


def _last_pairing_is_safe(world, oslo: int, p6_b: int, made) -> None:
    """C's pairs with B must not single out p6's B answer, which B's pairs with A (published
    while p6 was there) hold and C's pairs of Oslo (p1..p5) would not."""
    _, b, c = world.waves
    cells = made.payload["cells"]
    assert cells[str(oslo)]["visible"]
    assert cells[str(oslo)]["paired_hidden"] == WITHHELD
    assert world.teams["Bergen"].id in made.payload["paired_teams"]
    published = published_groups(world)
    assert audit(published, K) is None
    assert not solve_for(world, published, p6_b)[0]
    would_be = dict(published)
    would_be[("pairs before", c.id, oslo)], would_be[("pairs after", c.id, oslo)] = pair_sets(
        world, b.id, c.id, oslo
    )
    found, value = solve_for(world, would_be, p6_b)
    assert found and np.isclose(value, world.answers[p6_b].index)


@pytest.mark.parametrize("keep_answers", [False, True], ids=["erased", "unpaired"])
def test_people_who_leave_after_pairs_were_published_stay_in_those_pairs(app, dbs, keep_answers):
    with app.app_context():
        world = build(dbs, TREE, waves=3)
        a, b, c = world.waves
        oslo, p6_b = _story(dbs, world, keep_answers)
        # A's answer was in B's pairs on A's side, B's answer on B's side: their partners kept.
        assert _partners(dbs) == {a.id: (None, oslo), b.id: (oslo, None)}
        kept = dbs.scalar(select(ReleasedErasure).where(ReleasedErasure.wave_id == b.id))
        assert kept.first_release == 1
        assert kept.last_release == (NEVER_ERASED if keep_answers else 1)
        made = release(dbs, world, c, final=True)
    _last_pairing_is_safe(world, oslo, p6_b, made)


@pytest.mark.parametrize("keep_answers", [False, True], ids=["erased", "unpaired"])
def test_without_the_partners_the_answer_would_be_given_away(app, dbs, monkeypatch, keep_answers):
    """The same story with rows that forget the partners (or no row for answers kept): C's
    pairs of Oslo are shown, and p6's B answer follows from the figures. So the partners kept
    are what protects it."""
    monkeypatch.setattr(pairing, "published_partners", lambda _, rows: [(None, None)] * len(rows))
    with app.app_context():
        world = build(dbs, TREE, waves=3)
        _, _, c = world.waves
        oslo, p6_b = _story(dbs, world, keep_answers)
        made = release(dbs, world, c, final=True)
    assert oslo in made.payload["paired_teams"]
    found, value = solve_for(world, published_groups(world), p6_b)
    assert found and np.isclose(value, world.answers[p6_b].index)
    assert audit(published_groups(world), K) is not None


def test_pair_members_follow_both_trees():
    """A person pairs within a team when their answer lies in its subtree in each wave's own
    tree: a team moved between the waves pairs by each wave's tree."""
    before = KeyedScores({"x": 3, "y": 3}, {}, {})
    after = KeyedScores({"x": 3, "y": 4}, {}, {})
    tree_before = {1: None, 2: 1, 3: 2, 4: 1}
    tree_after = {1: None, 2: 1, 3: 4, 4: 1}  # team 3 moved from 2 to 4
    members = pair_members(before, after, tree_before, tree_after)
    assert members == {1: ["x", "y"], 3: ["x"]}
