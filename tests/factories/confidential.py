"""A confidential assessment whose people answer wave after wave, and the truth a test keeps.

The truth knows every response (its person, team and index), which responses each release took
in and which people each published pairing grouped, so that a test can turn every figure ever
published into the set of responses behind it, as an attacker who keeps them all could combine
them (see :mod:`tests.security.test_attacks_over_time`).
"""

from __future__ import annotations

import itertools
import zlib
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
from sqlalchemy.orm import Session

from survey.models import Assessment, Organisation, Release, Response, Team, Wave
from survey.models._columns import utcnow
from survey.models.response import pack_values
from survey.releases.build import make_release
from survey.scoring import score_answers
from tests.factories.base import rep_questionnaire

K = 5
NAMES = itertools.count()


@dataclass
class Answer:
    """One response as the truth knows it."""

    id: int
    wave: int
    key: str | None
    team: int
    index: float
    keyed: np.ndarray  # the answers after reverse keying


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


def build(dbs: Session, tree: dict[str, str | None], waves: int, k: int = K) -> PairedWorld:
    """Teams ``{name: parent name}`` (parents first) and ``waves`` closed waves, in order."""
    questionnaire = rep_questionnaire()
    organisation = Organisation(name=f"Fjord {next(NAMES)}")
    dbs.add(organisation)
    dbs.flush()
    teams: dict[str, Team] = {}
    for name, parent in tree.items():
        teams[name] = Team(
            organisation_id=organisation.id,
            name=name,
            parent_id=teams[parent].id if parent else None,
        )
        dbs.add(teams[name])
        dbs.flush()
    assessment = Assessment(
        organisation_id=organisation.id,
        name="Mindset",
        mode="confidential",
        min_group_size=k,
        rep_questionnaire_key=questionnaire.key,
        rep_questionnaire_version=questionnaire.version,
        rep_questionnaire_sha256=questionnaire.sha256,
    )
    now = utcnow()
    made = [
        Wave(
            assessment=assessment,
            name=f"W{number + 1}",
            opens_at=now - timedelta(days=100 * (waves - number)),
            closes_at=now - timedelta(days=100 * (waves - number) - 30),
        )
        for number in range(waves)
    ]
    dbs.add_all([assessment, *made])
    dbs.commit()
    parents = {team.id: team.parent_id for team in teams.values()}
    return PairedWorld(organisation, assessment, made, teams, parents)


def answer(
    dbs: Session, world: PairedWorld, wave: Wave, team: str, keys: list[str | None], seed: int
) -> list[int]:
    """One response per pseudonym in ``keys`` (None: a response without one): answers that
    follow each person's trait (the same trait in every wave, moved a little), so that the
    items hang together."""
    questionnaire = rep_questionnaire()
    reversed_items = np.array(questionnaire.reversed_mask())
    made = []
    for key in keys:
        person = zlib.crc32(key.encode()) if key is not None else (1 << 32) + len(world.answers)
        trait = np.random.default_rng(person).normal(0.0, 1.0)
        rng = np.random.default_rng([seed, person])
        moved = trait + rng.normal(0.3, 0.5)
        keyed = np.clip(np.rint(4 + 1.2 * moved + rng.normal(0, 0.8, len(reversed_items))), 1, 7)
        raw = np.where(reversed_items, 8 - keyed, keyed).astype(int)
        response = Response(
            wave_id=wave.id,
            team_id=world.teams[team].id,
            questionnaire_key=questionnaire.key,
            questionnaire_version=questionnaire.version,
            values=pack_values(raw.tolist()),
            respondent_key=key,
        )
        dbs.add(response)
        dbs.flush()
        index, _ = score_answers(
            questionnaire,
            {item.id: int(v) for item, v in zip(questionnaire.items, raw, strict=True)},
        )
        world.answers[response.id] = Answer(
            response.id, wave.id, key, world.teams[team].id, index, keyed
        )
        world.alive.add(response.id)
        made.append(response.id)
    dbs.commit()
    return made


def inside(parents: dict, team: int, root: int) -> bool:
    while team is not None:
        if team == root:
            return True
        team = parents.get(team)
    return False


def release(dbs: Session, world: PairedWorld, wave: Wave, final: bool) -> Release:
    """Make a release as the app does, and note its truth."""
    made = make_release(dbs, world.assessment, wave, final)
    dbs.commit()
    members = frozenset(r for r in world.alive if world.answers[r].wave == wave.id)
    world.releases[(wave.id, made.seq)] = (dict(world.parents), members)
    world.payloads[(wave.id, made.seq)] = made.payload
    paired_with = made.payload.get("paired_with")
    for team in made.payload.get("paired_teams", []):
        before, after = pair_sets(world, paired_with, wave.id, team)
        world.pairings[(wave.id, team)] = (before, after)
    return made


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
        parents, members = world.releases[(wave, seq)]
        for team in payload["published"]["rep"]:
            groups[("cell", wave, seq, team)] = frozenset(
                r for r in members if inside(parents, world.answers[r].team, team)
            )
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
