"""Property: whatever happens over three paired waves, everything published discloses nothing.

Hypothesis draws a team tree and, wave after wave, a story: people (by pseudonym, sometimes
twice in a wave, sometimes without one) answering in any team, interim releases, teams moving,
people erased with their answers or keeping them unpaired; then the wave's final release, which
pairs it with the one before. The app makes every release; the test keeps the truth of every
group published (cells of every release, the pairs on both sides) and asks the disclosure
search whether any combination of them singles out fewer than k answers.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete, update

from survey.models import Response
from survey.releases.store import remember_erased, remember_unpaired
from tests.disclosure_oracle import audit
from tests.factories import story_settings, team_trees
from tests.factories.confidential import answer, build, move, published_groups, release

K = 3
PEOPLE = 9

HOME = -1  # an answer in the person's own team

extra_events = st.lists(
    st.one_of(
        st.tuples(st.just("answer"), st.integers(0, PEOPLE), st.integers(HOME, 6)),
        st.tuples(st.just("release")),
        st.tuples(st.just("move"), st.integers(1, 6), st.integers(0, 6)),
        st.tuples(st.just("erase"), st.integers(0, PEOPLE - 1)),
        st.tuples(st.just("unpair"), st.integers(0, PEOPLE - 1)),
    ),
    max_size=8,
)


@st.composite
def wave_story(draw) -> list[tuple]:
    """Most people answer in their own team, in any order among the other events."""
    events = draw(extra_events)
    for person, present in enumerate(
        draw(st.lists(st.booleans(), min_size=PEOPLE, max_size=PEOPLE))
    ):
        if present or person % 3:  # two in three always come back
            events.insert(draw(st.integers(0, len(events))), ("answer", person, HOME))
    return events


@pytest.mark.slow
@story_settings(max_examples=40)
@given(
    tree=team_trees(min_size=3, max_size=6),
    homes=st.lists(st.integers(0, 6), min_size=PEOPLE, max_size=PEOPLE),
    stories=st.lists(wave_story(), min_size=3, max_size=3),
    seed=st.integers(0, 2**16),
)
def test_no_story_over_paired_waves_discloses_anything_under_k(
    app, dbs, tree, homes, stories, seed
):
    with app.app_context():
        _play(dbs, tree, homes, stories, seed)


def _play(dbs, tree, homes, stories, seed) -> None:
    world = build(dbs, tree, waves=3, k=K)
    teams = list(world.teams.values())
    for number, (wave, story) in enumerate(zip(world.waves, stories, strict=True)):
        for step, event in enumerate(story):
            if event[0] == "answer":
                _, person, index = event
                key = None if person == PEOPLE else f"person{person}"
                if index == HOME:
                    index = homes[person % PEOPLE]
                team = teams[index % len(teams)].name
                answer(dbs, world, wave, team, [key], seed + step + 100 * number)
            elif event[0] == "release":
                release(dbs, world, wave, final=False)
            elif event[0] == "move":
                _, index, parent = event
                move(dbs, world, teams[index % len(teams)], teams[parent % len(teams)])
            else:
                key = f"person{event[1]}"
                which = Response.respondent_key == key
                if event[0] == "erase":
                    remember_erased(dbs, which)
                    dbs.execute(delete(Response).where(which))
                else:
                    remember_unpaired(dbs, which)
                    dbs.execute(update(Response).where(which).values(respondent_key=None))
                dbs.commit()
                for r in world.answers.values():
                    if r.key == key:
                        r.key = None
                        if event[0] == "erase":
                            world.alive.discard(r.id)
        release(dbs, world, wave, final=True)

    published = published_groups(world)
    found = audit(published, K)
    assert found is None, (found, {label: sorted(published[label]) for label in found.groups})
