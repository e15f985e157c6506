"""The reps' own words on the WHY ladder, as releases and consultants refer to them.

A release never stores which response a step of words came from: it stores the words under a
keyed hash of (response, step) (:func:`survey.word_keys.word_key`), which only this application
can compute. At read time the keys of the words still stored and not held back
(:func:`stored_words`) decide what is shown, so words a consultant held back disappear from every
release already made (counted, never shown), and a word group in which someone had their answers
erased is withdrawn whole.

Only a wave's **final** release pools words (one look per wave, so no two releases of it can be
subtracted): :func:`release_words` takes the steps of words of the rep responses the release
counts and pools their writers over the release's tree (:func:`analysis.word_groups.word_groups`,
at the assessment's ``comment_min_group_size``, never below ``k``). It stores, as the release's
``payload["words"]``::

    {"threshold": T,
     "blocks": {team: {"writers": n, "keys": [word keys, sorted]}},
     "views": {team: {"writers": N, "blocks": [teams owning the blocks of its view]}},
     "not_pooled": {top team: writers left over there, never shown}}

A team's view is the union of the blocks owned in its subtree, stored only for a team the
release shows: any two views differ by whole blocks of ``T`` writers or more. Sorted keys are
in a random, stable order that says nothing of team, person or time. A writer is a response
with at least one step of words when the release is made (held back or not).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from analysis.word_groups import word_groups
from questionnaires import Questionnaire
from survey.aggregates.loading import counted
from survey.aggregates.model import OrganisationView
from survey.models import Assessment, LadderRung, Response
from survey.word_keys import word_key


@dataclass(frozen=True)
class StoredWords:
    """Of a view's word groups, read now: the steps shown, as ``(words, target, writer)`` in key
    order (``target`` as stored: a category key, ``"none"`` or None; ``writer`` an opaque label
    of the person, for counting only), how many steps are held back, and the people of the
    groups withdrawn because someone in them had their answers erased since the release."""

    shown: list[tuple[str, str | None, int]]
    held_back: int
    withdrawn: int


def stored_words(session: Session, wave_id: int, blocks: Iterable[Mapping]) -> StoredWords:
    """The words of a view's word groups (``payload["words"]["blocks"]`` entries: ``writers``
    and ``keys``), read now. A group that lost a writer to an erasure is withdrawn whole: what
    is left of it could be fewer than the threshold (down to one person), and the rest of it
    would show, by comparison with an earlier look, what the erased person wrote."""
    steps = {key: rest for key, *rest in _steps(session, wave_id)}
    writers = {key: writer for key, (_, _, _, writer) in steps.items()}
    shown: list[tuple[str, str | None, int]] = []
    held = withdrawn = 0
    for block in blocks:
        live = [key for key in block["keys"] if key in steps]
        if len({writers[key] for key in live}) < block["writers"]:
            withdrawn += block["writers"]
            continue
        for key in live:
            words, target, held_back, writer = steps[key]
            if held_back:
                held += 1
            else:
                shown.append((key, words, target, writer))
    shown.sort()
    return StoredWords([(w, t, writer) for _, w, t, writer in shown], held, withdrawn)


def steps_stamp(session: Session, wave_id: int) -> tuple[int, int, tuple[tuple[int, int], ...]]:
    """What changes whenever a step of the wave is erased, held back or shown again, or sorted
    (a category is only ever given, never changed): (steps with words, unsorted, and which steps
    are held back). Which, not how many: holding one step back and showing another again keeps
    the count, and a cache keyed by it would show the words now held back."""
    row = session.execute(
        select(func.count(), func.count(case((LadderRung.target.is_(None), 1))))
        .join(Response, Response.id == LadderRung.response_id)
        .where(Response.wave_id == wave_id, LadderRung.words.is_not(None))
    ).one()
    held = session.execute(
        select(LadderRung.response_id, LadderRung.position)
        .join(Response, Response.id == LadderRung.response_id)
        .where(Response.wave_id == wave_id, LadderRung.held_back.is_(True))
        .order_by(LadderRung.response_id, LadderRung.position)
    ).all()
    return int(row[0]), int(row[1]), tuple((int(r), int(p)) for r, p in held)


def _steps(session: Session, wave_id: int) -> list[tuple[str, str, str | None, bool, int]]:
    """``(key, words, target, held back, response id)`` of every stored step of the wave that
    has words."""
    rows = session.execute(
        select(
            LadderRung.response_id,
            LadderRung.position,
            LadderRung.words,
            LadderRung.target,
            LadderRung.held_back,
        )
        .join(Response, Response.id == LadderRung.response_id)
        .where(Response.wave_id == wave_id, LadderRung.words.is_not(None))
    ).all()
    return [
        (word_key(response_id, position), str(words), target, bool(held_back), response_id)
        for response_id, position, words, target, held_back in rows
    ]


def release_words(
    session: Session,
    view: OrganisationView,
    wave_id: int,
    questionnaire: Questionnaire,
    left_out: Collection[int],
    threshold: int,
) -> dict:
    """The word groups of a wave's final release (``payload["words"]``, see the module), for
    the rep responses of ``questionnaire`` it counts (team-link answers to ``left_out`` teams
    are not) in the teams of its tree, decided visible as ``view`` says."""
    rows = session.execute(
        select(Response.id, Response.team_id, LadderRung.position, LadderRung.words)
        .join(LadderRung, LadderRung.response_id == Response.id)
        .where(
            Response.wave_id == wave_id,
            Response.role == "rep",
            Response.questionnaire_key == questionnaire.key,
            Response.questionnaire_version == questionnaire.version,
            counted(left_out),
            LadderRung.words.is_not(None),
        )
    ).all()
    steps: dict[int, list[str]] = defaultdict(list)
    team_of: dict[int, int] = {}
    for response_id, team_id, position, words in rows:
        if team_id in view.codes and str(words).strip():
            steps[response_id].append(word_key(response_id, position))
            team_of[response_id] = team_id
    ids = list(view.codes)
    parents = [_code(view, view.teams[team].parent_id) for team in ids]
    writers = list(steps)
    groups = word_groups(parents, [view.codes[team_of[w]] for w in writers], threshold)
    keys: dict[int, list[str]] = defaultdict(list)
    for writer, owner in zip(writers, groups.owner.tolist(), strict=True):
        if owner >= 0:
            keys[owner] += steps[writer]
    views: dict[int, list[str]] = defaultdict(list)
    for owner in sorted(keys):
        node = owner
        while node >= 0:
            if view.visible(ids[node], wave_id):
                views[node].append(str(ids[owner]))
            node = parents[node]
    return {
        "threshold": threshold,
        "blocks": {
            str(ids[owner]): {"writers": int(groups.block[owner]), "keys": sorted(found)}
            for owner, found in keys.items()
        },
        "views": {
            str(ids[node]): {"writers": int(groups.view[node]), "blocks": owners}
            for node, owners in views.items()
        },
        "not_pooled": {
            str(ids[node]): int(groups.not_pooled[node])
            for node in np.flatnonzero(groups.not_pooled).tolist()
        },
    }


def _code(view: OrganisationView, team: int | None) -> int:
    """The team's code in ``view`` (-1 for none, or a team outside the release's tree)."""
    return -1 if team is None else view.codes.get(team, -1)


def words_threshold(assessment: Assessment) -> int:
    """The least number of people whose words a shown group pools: never below ``k``."""
    return max(assessment.comment_min_group_size, assessment.min_group_size)
