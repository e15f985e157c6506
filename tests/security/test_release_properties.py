"""Property: whatever happens to a wave, the union of its releases discloses nothing under k.

Hypothesis draws a team tree, then a story for one wave: answers from reps and managers arriving
in any order, interim releases, teams moving, answers erased, and finally the wave's final
release. The app makes every release (:func:`survey.releases.build.make_release`, the auditor
included) on a real database; the test keeps its own truth of which answers each release took
in and in which tree, turns every group a release published into that set of answers, and asks
the disclosure auditor whether any combination of them singles out fewer than k answers.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from questionnaires import load_directory
from survey.models import Assessment, Organisation, Response, Team, Wave
from survey.models._columns import utcnow
from survey.models.response import pack_values
from survey.releases.build import make_release
from survey.releases.store import remember_erased
from tests.disclosure_oracle import audit
from tests.factories import rep_questionnaire

K = 3
NAMES = itertools.count()

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


def _story_world(dbs, parents: list[int]):
    rep, manager = rep_questionnaire(), load_directory()[("manager-mindset", 1)]
    organisation = Organisation(name=f"Story {next(NAMES)}")
    dbs.add(organisation)
    dbs.flush()
    teams: list[Team] = []
    for index, parent in enumerate(parents):
        team = Team(
            organisation_id=organisation.id,
            name=f"T{index}",
            parent_id=teams[parent].id if index else None,
        )
        dbs.add(team)
        dbs.flush()
        teams.append(team)
    assessment = Assessment(
        organisation_id=organisation.id,
        name="Story",
        min_group_size=K,
        rep_questionnaire_key=rep.key,
        rep_questionnaire_version=rep.version,
        rep_questionnaire_sha256=rep.sha256,
        manager_questionnaire_key=manager.key,
        manager_questionnaire_version=manager.version,
        manager_questionnaire_sha256=manager.sha256,
    )
    now = utcnow()
    wave = Wave(
        assessment=assessment,
        name="Wave",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=9),
    )
    dbs.add_all([assessment, wave])
    dbs.commit()
    return assessment, wave, teams, {"rep": rep, "manager": manager}


def _inside(parents: dict[int, int | None], team: int, root: int) -> bool:
    while team is not None:
        if team == root:
            return True
        team = parents.get(team)
    return False


@pytest.mark.slow
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    shape=st.lists(st.integers(0, 6), min_size=4, max_size=7).map(
        lambda raw: [0] + [min(p, i) for i, p in enumerate(raw[1:], start=0)]
    ),
    story=events,
    seed=st.integers(0, 2**16),
)
def test_no_story_of_one_wave_lets_its_releases_disclose_anything_under_k(
    app, dbs, shape, story, seed
):
    with app.app_context():
        _play(dbs, shape, story, seed)


def _play(dbs, shape, story, seed) -> None:
    assessment, wave, teams, questionnaires = _story_world(dbs, shape)
    rng = np.random.default_rng(seed)
    tree = {team.id: team.parent_id for team in teams}
    alive: dict[int, tuple[str, int]] = {}  # response id -> (role, team id)
    published: dict[tuple[int, str, int], frozenset[int]] = {}

    def release(final: bool) -> None:
        made = make_release(dbs, assessment, wave, final)
        dbs.commit()
        for role, shown in made.payload["published"].items():
            for team in shown:
                published[(made.seq, role, team)] = frozenset(
                    r for r, (who, at) in alive.items() if who == role and _inside(tree, at, team)
                )

    for event in story:
        if event[0] == "answer":
            _, index, role, count = event
            team = teams[index % len(teams)]
            items = len(questionnaires[role].items)
            for _ in range(count):
                response = Response(
                    wave=wave,
                    team_id=team.id,
                    role=role,
                    questionnaire_key=questionnaires[role].key,
                    questionnaire_version=questionnaires[role].version,
                    values=pack_values([int(v) for v in rng.integers(1, 8, items)]),
                )
                dbs.add(response)
                dbs.flush()
                alive[response.id] = (role, team.id)
            dbs.commit()
        elif event[0] == "release":
            release(final=False)
        elif event[0] == "move":
            _, index, parent = event
            team, new_parent = teams[index % len(teams)], teams[parent % len(teams)]
            if team.id != new_parent.id and not _inside(tree, new_parent.id, team.id):
                team.parent_id = new_parent.id
                tree[team.id] = new_parent.id
                dbs.commit()
        elif alive:  # erase one answer, as erasing a person with their answers does
            gone = sorted(alive)[event[1] % len(alive)]
            remember_erased(dbs, Response.id == gone)
            dbs.execute(delete(Response).where(Response.id == gone))
            dbs.commit()
            del alive[gone]
    release(final=True)

    assert audit(published, K) is None
