"""Property: whatever happens to a wave, the union of its releases discloses nothing under k.

Hypothesis draws a team tree, then a story for one wave: answers from reps and managers arriving
in any order, interim releases, teams moving, answers erased, and finally the wave's final
release. The app makes every release (:func:`survey.releases.build.make_release`, the auditor
included) on a real database; the test keeps its own truth of which answers each release took
in and in which tree, turns every group a release published into that set of answers, and asks
the disclosure auditor whether any combination of them singles out fewer than k answers.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete

from survey.models import Response
from survey.releases.store import remember_erased
from tests.disclosure_oracle import audit
from tests.factories import story_settings, team_trees
from tests.factories.confidential import answer_at_random, build, move, published_groups, release

K = 3
WAVE = ("Wave", -timedelta(days=1), timedelta(days=10))  # open

events = st.lists(
    st.one_of(
        st.tuples(
            st.just("answer"),
            st.integers(0, 7),
            st.sampled_from(["rep", "manager"]),
            st.integers(1, 4),
        ),
        st.tuples(st.just("release")),
        st.tuples(st.just("move"), st.integers(1, 7), st.integers(0, 7)),
        st.tuples(st.just("erase"), st.integers(0, 10_000)),
    ),
    min_size=3,
    max_size=14,
)


@pytest.mark.slow
@story_settings(max_examples=60)
@given(
    tree=team_trees(min_size=4, max_size=7),
    story=events,
    seed=st.integers(0, 2**16),
)
def test_no_story_of_one_wave_lets_its_releases_disclose_anything_under_k(
    app, dbs, tree, story, seed
):
    with app.app_context():
        _play(dbs, tree, story, seed)


def _play(dbs, tree, story, seed) -> None:
    world = build(dbs, tree, [WAVE], k=K, mode="anonymous", managers=True)
    (wave,) = world.waves
    teams = list(world.teams.values())
    rng = np.random.default_rng(seed)

    for event in story:
        if event[0] == "answer":
            _, index, role, count = event
            team = teams[index % len(teams)].name
            answer_at_random(dbs, world, wave, team, count, rng, role=role)
        elif event[0] == "release":
            release(dbs, world, wave, final=False)
        elif event[0] == "move":
            _, index, parent = event
            move(dbs, world, teams[index % len(teams)], teams[parent % len(teams)])
        elif world.alive:  # erase one answer, as erasing a person with their answers does
            gone = sorted(world.alive)[event[1] % len(world.alive)]
            remember_erased(dbs, Response.id == gone)
            dbs.execute(delete(Response).where(Response.id == gone))
            dbs.commit()
            world.alive.discard(gone)
    release(dbs, world, wave, final=True)

    assert audit(published_groups(world), K) is None
