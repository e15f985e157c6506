"""A confidential assessment whose people answer wave after wave, and the truth a test keeps.

The truth knows every response (its person, role, team and index), which responses each release
took in (in which tree) and which people each published pairing grouped, so that a test can turn
every figure ever published into the set of responses behind it, as an attacker who keeps them
all could combine them (see :mod:`tests.security.test_attacks_over_time`).

- :func:`build`: an organisation with teams ``{name: parent name}``, an assessment (confidential
  unless told) and its waves (``count`` closed ones, or ``(name, opens in, lasts)``), made with
  the ``gen_*`` functions of :mod:`tests.factories.base`; :func:`gen_boreal` is the attacker's
  organisation (Global > Nordics > Oslo, Stockholm; Global > Denmark) with a closed Spring
  wave and an open Autumn one.
- :func:`answer` (answers that follow each person's trait) and :func:`answer_at_random`
  (uniform answers, reps' or managers'): responses, known to the truth.
- :func:`move` moves a team, in the app and in the truth; :func:`release` makes a release as
  the app does and notes its truth; :func:`note_release` notes one the app made on its own (a
  closed wave released as it is read, say).
- :func:`behind`, :func:`published_groups`, :func:`pair_sets`, :func:`sums`, :func:`solve_for`:
  the truth's view of what was published.
- :func:`team_trees` and :func:`story_settings`: Hypothesis's team trees and settings for the
  stories told about these worlds.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from questionnaires import Questionnaire
from survey.models import Assessment, Organisation, Release, Response, Team, Wave
from survey.models.response import pack_values
from survey.releases.build import make_release
from survey.rep.result import score_answers
from tests.factories.base import (
    gen_assessment,
    gen_organisation,
    gen_team,
    gen_wave,
    manager_questionnaire,
    rep_questionnaire,
)

K = 5
NAMES = itertools.count()

# A wave: its name, when it opens from now (negative: ago) and how long it lasts.
WaveSpec = tuple[str, timedelta, timedelta]

BOREAL: dict[str, str | None] = {
    "Global": None,
    "Nordics": "Global",
    "Oslo": "Nordics",
    "Stockholm": "Nordics",
    "Denmark": "Global",
}
BOREAL_WAVES: list[WaveSpec] = [
    ("Spring", -timedelta(days=90), timedelta(days=30)),  # closed
    ("Autumn", -timedelta(days=2), timedelta(days=22)),  # open
]


@dataclass
class Answer:
    """One response as the truth knows it."""

    id: int
    wave: int
    key: str | None
    team: int
    index: float
    keyed: np.ndarray  # the answers after reverse keying
    role: str = "rep"


@dataclass
class PairedWorld:
    organisation: Organisation
    assessment: Assessment
    waves: list[Wave]
    teams: dict[str, Team]
    parents: dict[int, int | None]
    answers: dict[int, Answer] = field(default_factory=dict)  # response id -> answer
    alive: set[int] = field(default_factory=set)
    # (wave id, seq) -> (tree, response ids taken in and alive then)
    releases: dict[tuple[int, int], tuple[dict, frozenset]] = field(default_factory=dict)
    # (later wave id, team) -> (earlier-side response ids, later-side response ids)
    pairings: dict[tuple[int, int], tuple[frozenset, frozenset]] = field(default_factory=dict)
    payloads: dict[tuple[int, int], dict] = field(default_factory=dict)

    def wave_of(self, name: str) -> Wave:
        return next(wave for wave in self.waves if wave.name == name)


def closed_waves(count: int) -> list[WaveSpec]:
    """``count`` closed waves, W1 to Wn in order, 100 days apart and open for 30 days each."""
    return [
        (f"W{number + 1}", -timedelta(days=100 * (count - number)), timedelta(days=30))
        for number in range(count)
    ]


def build(
    dbs: Session,
    tree: dict[str, str | None],
    waves: int | Sequence[WaveSpec],
    k: int = K,
    *,
    mode: str = "confidential",
    managers: bool = False,
    name: str | None = None,
) -> PairedWorld:
    """Teams ``{name: parent name}`` (parents first), an assessment in ``mode`` with k = ``k``
    (and the manager questionnaire if ``managers``) and its waves: ``waves`` closed ones, in
    order, or these."""
    organisation = gen_organisation(dbs, name or f"Fjord {next(NAMES)}")
    teams: dict[str, Team] = {}
    for team, parent in tree.items():
        teams[team] = gen_team(dbs, organisation, team, teams[parent] if parent else None)
    assessment = gen_assessment(dbs, organisation, mode, min_group_size=k, managers=managers)
    specs = closed_waves(waves) if isinstance(waves, int) else waves
    made = [
        gen_wave(dbs, assessment, opens_in, lasts, wave_name)
        for wave_name, opens_in, lasts in specs
    ]
    parents = {team.id: team.parent_id for team in teams.values()}
    return PairedWorld(organisation, assessment, made, teams, parents)


def gen_boreal(dbs: Session, managers: bool = False) -> PairedWorld:
    """Boreal (:data:`BOREAL`), confidential with k = 5 (managers answer too if ``managers``):
    Spring closed, Autumn open."""
    return build(dbs, BOREAL, BOREAL_WAVES, managers=managers, name="Boreal")


def tree_of(shape: Sequence[int]) -> dict[str, str | None]:
    """Teams T0, T1, ... with each one's parent by index (T0 the root)."""
    names = [f"T{i}" for i in range(len(shape))]
    return {
        name: (names[parent] if i else None)
        for i, (name, parent) in enumerate(zip(names, shape, strict=True))
    }


def team_trees(min_size: int, max_size: int) -> st.SearchStrategy[dict[str, str | None]]:
    """Team trees of ``min_size`` to ``max_size`` teams for :func:`build` (see :func:`tree_of`),
    drawn as each team's parent index: 0 for the root, then an earlier team."""
    return (
        st.lists(st.integers(0, max_size - 1), min_size=min_size, max_size=max_size)
        .map(lambda raw: [0] + [min(p, i) for i, p in enumerate(raw[1:], start=0)])
        .map(tree_of)
    )


def story_settings(max_examples: int) -> settings:
    """Hypothesis's settings for a story told on the test's database (slow, fixture-scoped)."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def _questionnaire(role: str) -> Questionnaire:
    return manager_questionnaire() if role == "manager" else rep_questionnaire()


def _keep(
    dbs: Session,
    world: PairedWorld,
    wave: Wave,
    team: str,
    raw: np.ndarray,
    key: str | None,
    role: str = "rep",
) -> int:
    """One response with the raw answers ``raw`` (not committed), noted in the truth."""
    questionnaire = _questionnaire(role)
    response = Response(
        wave_id=wave.id,
        team_id=world.teams[team].id,
        role=role,
        questionnaire_key=questionnaire.key,
        questionnaire_version=questionnaire.version,
        values=pack_values([int(v) for v in raw]),
        respondent_key=key,
    )
    dbs.add(response)
    dbs.flush()
    index, _ = score_answers(
        questionnaire,
        {item.id: int(v) for item, v in zip(questionnaire.items, raw, strict=True)},
    )
    keyed = np.where(np.array(questionnaire.reversed_mask()), 8 - raw, raw).astype(float)
    world.answers[response.id] = Answer(
        response.id, wave.id, key, world.teams[team].id, index, keyed, role
    )
    world.alive.add(response.id)
    return response.id


def answer(
    dbs: Session, world: PairedWorld, wave: Wave, team: str, keys: list[str | None], seed: int
) -> list[int]:
    """One response per pseudonym in ``keys`` (None: a response without one): answers that
    follow each person's trait (the same trait in every wave, moved a little), so that the
    items hang together."""
    reversed_items = np.array(rep_questionnaire().reversed_mask())
    made = []
    for key in keys:
        person = zlib.crc32(key.encode()) if key is not None else (1 << 32) + len(world.answers)
        trait = np.random.default_rng(person).normal(0.0, 1.0)
        rng = np.random.default_rng([seed, person])
        moved = trait + rng.normal(0.3, 0.5)
        keyed = np.clip(np.rint(4 + 1.2 * moved + rng.normal(0, 0.8, len(reversed_items))), 1, 7)
        raw = np.where(reversed_items, 8 - keyed, keyed).astype(int)
        made.append(_keep(dbs, world, wave, team, raw, key))
    dbs.commit()
    return made


def answer_at_random(
    dbs: Session,
    world: PairedWorld,
    wave: Wave,
    team: str,
    n: int,
    seed: int | np.random.Generator,
    key: str | None = None,
    role: str = "rep",
) -> list[int]:
    """``n`` responses of ``role`` with answers drawn uniformly from 1 to 7 (by a generator of
    ``seed``, or this generator), all with pseudonym ``key``."""
    rng = np.random.default_rng(seed)
    items = len(_questionnaire(role).items)
    made = [_keep(dbs, world, wave, team, rng.integers(1, 8, items), key, role) for _ in range(n)]
    dbs.commit()
    return made


def inside(parents: dict, team: int, root: int) -> bool:
    while team is not None:
        if team == root:
            return True
        team = parents.get(team)
    return False


def move(dbs: Session, world: PairedWorld, team: Team, parent: Team) -> None:
    """``team`` moves under ``parent``, in the app and in the truth; not under itself or a team
    below it."""
    if team.id != parent.id and not inside(world.parents, parent.id, team.id):
        team.parent_id = parent.id
        world.parents[team.id] = parent.id
        dbs.commit()


def release(dbs: Session, world: PairedWorld, wave: Wave, final: bool) -> Release:
    """Make a release as the app does, and note its truth."""
    made = make_release(dbs, world.assessment, wave, final)
    dbs.commit()
    world.releases[(wave.id, made.seq)] = _taken_in(world, wave.id)
    world.payloads[(wave.id, made.seq)] = made.payload
    paired_with = made.payload.get("paired_with")
    for team in made.payload.get("paired_teams", []):
        before, after = pair_sets(world, paired_with, wave.id, team)
        world.pairings[(wave.id, team)] = (before, after)
    return made


def _taken_in(world: PairedWorld, wave: int) -> tuple[dict, frozenset]:
    """The tree now, and the responses of ``wave`` alive now."""
    members = frozenset(r for r in world.alive if world.answers[r].wave == wave)
    return dict(world.parents), members


def note_release(world: PairedWorld, wave: Wave, seq: int) -> None:
    """The truth of what release ``seq`` of ``wave``, made by the app on its own, took in
    (called right after it is made; a release already noted is kept)."""
    if (wave.id, seq) not in world.releases:
        world.releases[(wave.id, seq)] = _taken_in(world, wave.id)


def behind(world: PairedWorld, wave: int, seq: int, team: int, role: str = "rep") -> frozenset:
    """The responses of ``role`` behind ``team``'s figures in release ``seq`` of ``wave``."""
    parents, members = world.releases[(wave, seq)]
    return frozenset(
        r
        for r in members
        if world.answers[r].role == role and inside(parents, world.answers[r].team, team)
    )


def pair_sets(world: PairedWorld, before: int, after: int, team: int):
    """The responses of the people who answered both waves within ``team`` (by the earlier
    wave's final tree and the tree now), live now: on the earlier wave's side and on the later
    one's."""
    final_seq = max(seq for wave, seq in world.releases if wave == before)
    tree_before = world.releases[(before, final_seq)][0]
    by_key: dict[int, dict[str, list[int]]] = {before: {}, after: {}}
    for r in world.alive:
        answer = world.answers[r]
        if answer.wave in by_key and answer.key is not None:
            by_key[answer.wave].setdefault(answer.key, []).append(r)
    a_side, b_side = [], []
    for key, mine in by_key[after].items():
        theirs = by_key[before].get(key, [])
        if len(mine) != 1 or len(theirs) != 1:
            continue
        a, b = world.answers[theirs[0]], world.answers[mine[0]]
        if inside(tree_before, a.team, team) and inside(world.parents, b.team, team):
            a_side.append(a.id)
            b_side.append(b.id)
    return frozenset(a_side), frozenset(b_side)


def published_groups(world: PairedWorld) -> dict[tuple, frozenset]:
    """Every group any release published, as the responses behind it (the truth's view)."""
    groups: dict[tuple, frozenset] = {}
    for (wave, seq), payload in world.payloads.items():
        for role, teams in payload["published"].items():
            label = "cell" if role == "rep" else f"{role} cell"
            for team in teams:
                groups[(label, wave, seq, team)] = behind(world, wave, seq, team, role)
    for (wave, team), (before, after) in world.pairings.items():
        groups[("pairs before", wave, team)] = before
        groups[("pairs after", wave, team)] = after
    return groups


def sums(world: PairedWorld, groups: dict[tuple, frozenset]) -> dict[tuple, float]:
    """What each group's figures give away: the sum of its index (n times its mean)."""
    return {
        label: sum(world.answers[r].index for r in members) for label, members in groups.items()
    }


def solve_for(
    world: PairedWorld, groups: dict[tuple, frozenset], target: int
) -> tuple[bool, float]:
    """Whether ``target``'s index follows from the groups' sums by least squares, and what it
    comes out as: ``e_target = y' M`` for some ``y``, then ``index = y' sums``."""
    responses = sorted({r for members in groups.values() for r in members} | {target})
    column = {r: i for i, r in enumerate(responses)}
    labels = list(groups)
    matrix = np.zeros((len(labels), len(responses)))
    for row, label in enumerate(labels):
        for r in groups[label]:
            matrix[row, column[r]] = 1.0
    wanted = np.zeros(len(responses))
    wanted[column[target]] = 1.0
    y, *_ = np.linalg.lstsq(matrix.T, wanted, rcond=None)
    found = np.allclose(matrix.T @ y, wanted, atol=1e-8)
    known = sums(world, groups)
    return found, float(y @ np.array([known[label] for label in labels]))
