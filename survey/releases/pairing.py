"""The paired change of confidential assessments: the same people's index in two waves (issue 10).

In a confidential assessment a rep's responses carry their pseudonym, the same in every wave, so
the change of a team between two waves can be measured on the people who answered both: a
paired test instead of Welch's test on two independent samples, which is conservative when the
samples overlap. The final release of a wave ``B`` pairs it with the wave ``A`` before it (in
the assessment's order of waves) when ``A`` has a final release.

Who pairs
---------
A person pairs when they have exactly one counted rep response in each wave (counted as releases
count them, :func:`survey.aggregates.loading.counted`; the assessment's rep questionnaire) and
both have an index; responses without a pseudonym (team links, anonymous mode, unpaired ones)
never pair. The *pairs* of a team ``T``, ``P_T``, are the people whose ``B`` response lies in
``T``'s subtree of ``B``'s tree (this release's) and whose ``A`` response lies in ``T``'s subtree
of ``A``'s final release's tree.

What a cell stores
------------------
When ``T``'s cell is visible in ``A``'s latest release and in this one, ``P_T`` has ``k`` or
more people and the auditor lets it out, the cell holds ``"paired"``::

    {"wave_id": A's id, "n": pairs, "mean_before": mean A index, "difference": mean of b - a,
     "sd": SD of the differences,
     "rci": {"threshold", "reliability", "towards_purpose", "towards_contractual",
             "no_reliable_change", "undefined_reason"},
     "dimensions": {dimension name: {"difference", "sd"}}}

from :func:`analysis.change.paired_change` (so :func:`analysis.change.paired_from_summary` gives
the paired t-test back) and :func:`analysis.change.reliable_change` (see
:func:`reliable_change_counts`); each dimension's figures are the same over the same pairs
(:func:`paired_dimensions`), scored as the release scores dimensions, and all left out (an
empty mapping) when a pair lacks a dimension in a wave or everyone's change on one of them is
the same (releases made before these were stored lack the key: readers then use Welch's
test). NaN is stored as null. Otherwise the cell
holds ``"paired_hidden"``, the reason. The payload records ``"paired_with"`` (``A``'s id) and
``"paired_teams"`` (the teams whose pairs are shown), so that later audits rebuild the groups.

Confidentiality
---------------
The paired figures of ``T`` are sums over ``P_T`` of the ``A`` index (and items), of the ``B``
index, and of their products (through the SD of the differences). They are audited as two
ordinary groups, one per wave: the ``A`` responses of ``P_T`` on ``A``'s side and the ``B``
responses of ``P_T`` on ``B``'s side (:class:`survey.releases.audit.PairingGroups`). A signed
pair row ``b - a`` lies in the span of these two rows, so when both waves' audits pass with them
added, no combination of means singles out fewer than ``k`` responses; the products ``a·b``
arise only from combinations of pairing groups alone, whose supports are those of the ``B``-side
pairing groups, which ``B``'s audit covers. Each wave is audited with every group it ever
published: ``A`` with its releases, the pairs its own final release published with the wave
before it, and the candidate pairs; ``B`` with its releases, this one's cells included (already
decided: only pairs are withheld here), and the candidate pairs. A team's pairs are withheld
when either side withholds them; withholding a group never creates a disclosure, so the union
is safe. The counts of people who changed reliably (subgroups defined by the values) are shown
only when each of the three has ``k`` or more people; and no paired figure is stored when
everyone's change is the same (an SD of 0 would make the mean change each person's). A
dimension's paired figures are sums over the same ``P_T`` of a value of the same ``A`` and ``B``
responses (its score, and products of scores), so the same two audited groups cover them; they
are stored only when every pair has the dimension in both waves, never for a part of ``P_T``,
and, like the index's, not when everyone's change on it is the same.

Erasures keep tombstones with the partners of pairings already published
(:func:`published_partners`, :mod:`survey.releases.store`); erased people never pair again.
Each wave's groups include the language groups its final release published
(:mod:`survey.releases.languages`); a tombstone keeps no language, so when an erased answer sat
in one of them its pairs are all withheld (:func:`survey.releases.audit.uncertain_languages`).
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.change import paired_change, reliable_change
from analysis.reliability import scale_reliability
from questionnaires import Questionnaire
from survey.aggregates.loading import counted, decode_answers
from survey.instruments import questionnaire_for
from survey.models import Assessment, Release, Response, Wave
from survey.releases.audit import (
    PAIRED_ROLE,
    PairingGroups,
    PublishedGroups,
    atom_tallies,
    release_groups,
    withheld_pairs,
)
from survey.releases.payload import plain
from survey.scoring import score_matrix

logger = logging.getLogger(__name__)

NO_FINAL_BEFORE = "the previous wave has no final release"
HIDDEN_BEFORE = "not shown in the previous wave"
VERSION_CHANGED = (
    "the questionnaire changed between the waves, and one person's answers to different "
    "questions are not compared"
)
HIDDEN_NOW = "not shown in this wave"
WITHHELD = "not shown, so that answers cannot be worked out"
SAME_FOR_ALL = "not shown: everyone's change is the same, so it would show each person's"
SAME_CHANGE_TOLERANCE = 1e-9
"""An SD of the differences this small, relative to the change, counts as everyone alike."""
RCI_COUNTS_HIDDEN = (
    "how many changed reliably is shown only when each of the three groups (towards purpose, "
    "towards contractual, no reliable change) has {k} or more people"
)


def few_pairs(k: int) -> str:
    return f"fewer than {k} people answered both waves"


@dataclass(frozen=True)
class KeyedScores:
    """The responses of one wave that can pair, by pseudonym: team, index, raw answers and the
    dimensions (scored as releases score them: the rep's own stance, not their climate items)."""

    team: dict[str, int]
    index: dict[str, float]
    answers: dict[str, np.ndarray]
    dimensions: dict[str, np.ndarray] = field(default_factory=dict)


def keyed_scores(
    session: Session,
    wave_id: int,
    questionnaire: Questionnaire,
    left_out: Collection[int],
    keys: Collection[str] | None = None,
) -> KeyedScores:
    """Each pseudonym's one counted rep response in the wave, when it has exactly one and that
    one has an index (``keys``: only these pseudonyms)."""
    where = [
        Response.wave_id == wave_id,
        Response.role == PAIRED_ROLE,
        Response.respondent_key.is_not(None),
        counted(left_out),
    ]
    if keys is not None:
        where.append(Response.respondent_key.in_(sorted(keys)))
    rows = session.execute(
        select(
            Response.respondent_key,
            Response.team_id,
            Response.values,
            Response.questionnaire_key,
            Response.questionnaire_version,
        ).where(*where)
    ).all()
    seen: dict[str, int] = defaultdict(int)
    for row in rows:
        seen[row[0]] += 1
    instrument = (questionnaire.key, questionnaire.version)
    usable = [row for row in rows if seen[row[0]] == 1 and (row[3], row[4]) == instrument]
    matrix = decode_answers([row[2] for row in usable], len(questionnaire.items))
    index = score_matrix(matrix, questionnaire)[0] if usable else np.empty(0)
    dimensions = score_matrix(matrix, questionnaire, "self")[1] if usable else np.empty((0, 0))
    scored = [i for i in range(len(usable)) if not math.isnan(index[i])]
    return KeyedScores(
        team={usable[i][0]: int(usable[i][1]) for i in scored},
        index={usable[i][0]: float(index[i]) for i in scored},
        answers={usable[i][0]: matrix[i] for i in scored},
        dimensions={usable[i][0]: dimensions[i] for i in scored},
    )


def partners(own: KeyedScores, other: KeyedScores) -> dict[str, int]:
    """``{pseudonym: team of its response in the other wave}`` of the people who pair."""
    return {key: other.team[key] for key in own.team if key in other.team}


def previous_wave(assessment: Assessment, wave: Wave) -> Wave | None:
    """The wave before ``wave`` in a confidential assessment (None in anonymous ones)."""
    return _neighbour(assessment, wave, -1)


def _neighbour(assessment: Assessment, wave: Wave, step: int) -> Wave | None:
    if assessment.mode != "confidential":
        return None
    waves = list(assessment.waves)
    ids = [w.id for w in waves]
    if wave.id not in ids:
        return None
    position = ids.index(wave.id) + step
    return waves[position] if 0 <= position < len(waves) else None


def _final(session: Session, wave_id: int) -> Release | None:
    return session.scalar(
        select(Release).where(Release.wave_id == wave_id, Release.final.is_(True))
    )


def _tree(payload: dict) -> dict[int, int | None]:
    return {int(team): node["parent_id"] for team, node in payload["tree"].items()}


def _ancestors(parents: Mapping[int, int | None], team: int) -> list[int]:
    chain: list[int] = []
    while team is not None and team in parents and len(chain) <= len(parents):
        chain.append(team)
        team = parents[team]
    return chain


def pair_members(
    before: KeyedScores,
    after: KeyedScores,
    tree_before: Mapping[int, int | None],
    tree_after: Mapping[int, int | None],
) -> dict[int, list[str]]:
    """``{team: pseudonyms of its pairs}``: the people whose response lies in the team's
    subtree in both waves' trees."""
    members: dict[int, list[str]] = defaultdict(list)
    for key in sorted(set(before.team) & set(after.team)):
        there = set(_ancestors(tree_before, before.team[key]))
        for team in _ancestors(tree_after, after.team[key]):
            if team in there:
                members[team].append(key)
    return members


@dataclass(frozen=True)
class PairedWaves:
    """Wave ``A`` (``before``) and wave ``B`` (``after``), as :func:`add_pairing` read them."""

    before: Wave
    after: Wave
    before_releases: list[Release]
    before_scores: KeyedScores
    after_scores: KeyedScores
    before_tree: dict[int, int | None]
    after_tree: dict[int, int | None]


def add_pairing(
    session: Session,
    assessment: Assessment,
    wave: Wave,
    payload: dict,
    this_release: PublishedGroups,
    earlier: Sequence[PublishedGroups],
    questionnaire: Questionnaire,
    k: int,
) -> None:
    """Pair the final release of ``wave`` with the wave before it, into ``payload``.

    ``this_release`` is the release's own groups, already decided (``payload["published"]``
    over its tree), ``earlier`` the wave's earlier releases. Adds ``"paired"`` or
    ``"paired_hidden"`` to every cell, and ``"paired_with"`` and ``"paired_teams"`` to the
    payload; does nothing in anonymous assessments and for a first wave.
    """
    before = previous_wave(assessment, wave)
    if before is None:
        return
    cells = payload["cells"]
    a_releases = list(
        session.scalars(select(Release).where(Release.wave_id == before.id).order_by(Release.seq))
    )
    a_final = next((release for release in a_releases if release.final), None)
    unpaired = (
        NO_FINAL_BEFORE
        if a_final is None
        else VERSION_CHANGED
        if before.instrument("rep")[:2] != wave.instrument("rep")[:2]
        else None
    )
    if a_final is None or unpaired is not None:
        for cell in cells.values():
            cell["paired_hidden"] = unpaired
        return
    a_payload = a_final.payload
    a_tree, b_tree = _tree(a_payload), dict(this_release.parents)
    a_scores = keyed_scores(session, before.id, questionnaire, a_payload["team_link_left_out"])
    b_scores = keyed_scores(session, wave.id, questionnaire, payload["team_link_left_out"])
    members = pair_members(a_scores, b_scores, a_tree, b_tree)
    reasons: dict[int, str] = {}
    candidates = []
    for team_id, cell in cells.items():
        team = int(team_id)
        earlier_cell = a_payload["cells"].get(team_id)
        if not cell["visible"]:
            reasons[team] = HIDDEN_NOW
        elif earlier_cell is None or not earlier_cell["visible"]:
            reasons[team] = HIDDEN_BEFORE
        elif len(members.get(team, ())) < k:
            reasons[team] = few_pairs(k)
        else:
            candidates.append(team)
    withheld = _withheld(
        session,
        PairedWaves(before, wave, a_releases, a_scores, b_scores, a_tree, b_tree),
        this_release,
        earlier,
        payload["team_link_left_out"],
        questionnaire,
        candidates,
        k,
    )
    reversed_items = np.asarray(questionnaire.reversed_mask(), dtype=bool)
    shown = []
    for team in candidates:
        if team in withheld:
            reasons[team] = WITHHELD
            continue
        keys = members[team]
        figures = paired_figures(
            before.id,
            np.array([a_scores.index[key] for key in keys]),
            np.array([b_scores.index[key] for key in keys]),
            np.vstack([a_scores.answers[key] for key in keys]),
            reversed_items,
            k,
            {
                dimension.name: (
                    np.array([a_scores.dimensions[key][d] for key in keys]),
                    np.array([b_scores.dimensions[key][d] for key in keys]),
                )
                for d, dimension in enumerate(questionnaire.dimensions)
            },
        )
        if figures is None:
            reasons[team] = SAME_FOR_ALL
            continue
        cells[str(team)]["paired"] = figures
        shown.append(team)
    for team, reason in reasons.items():
        cells[str(team)]["paired_hidden"] = reason
    payload["paired_with"] = before.id
    payload["paired_teams"] = sorted(shown)


def _withheld(
    session: Session,
    waves: PairedWaves,
    this_release: PublishedGroups,
    earlier: Sequence[PublishedGroups],
    left_out: Collection[int],
    questionnaire: Questionnaire,
    candidates: list[int],
    k: int,
) -> set[int]:
    """The candidate teams whose pairs either wave's audit withholds."""
    if not candidates:
        return set()
    # B's side: its releases, this one included, and the candidate pairs.
    after = withheld_pairs(
        [*earlier, this_release],
        [],
        PairingGroups("previous", waves.after_tree, waves.before_tree, candidates),
        atom_tallies(
            session,
            waves.after.id,
            left_out,
            previous=partners(waves.after_scores, waves.before_scores),
            languages=True,
        ),
        k,
    )
    # A's side: its releases, the pairs its final release published, and the candidate pairs.
    a_final = next(release for release in waves.before_releases if release.final)
    published: list[PairingGroups] = []
    previous = None
    paired_with = a_final.payload.get("paired_with")
    if paired_with is not None:
        earliest = _final(session, paired_with)
        if earliest is None:  # cannot happen: a pairing needs that final release
            logger.error("wave %s is paired with wave %s, unreleased", waves.before.id, paired_with)
            return set(candidates)
        earliest_scores = keyed_scores(
            session, paired_with, questionnaire, earliest.payload["team_link_left_out"]
        )
        previous = partners(waves.before_scores, earliest_scores)
        published.append(
            PairingGroups(
                "previous",
                waves.before_tree,
                _tree(earliest.payload),
                a_final.payload.get("paired_teams", []),
            )
        )
    before = withheld_pairs(
        [release_groups(release) for release in waves.before_releases],
        published,
        PairingGroups("next", waves.before_tree, waves.after_tree, candidates),
        atom_tallies(
            session,
            waves.before.id,
            a_final.payload["team_link_left_out"],
            previous=previous,
            following=partners(waves.before_scores, waves.after_scores),
            languages=True,
        ),
        k,
    )
    return after | before


def paired_figures(
    wave_id: int,
    before: np.ndarray,
    after: np.ndarray,
    answers_before: np.ndarray,
    reversed_items: np.ndarray,
    k: int,
    dimensions: Mapping[str, tuple[np.ndarray, np.ndarray]] | None = None,
) -> dict | None:
    """What a cell stores of its pairs (see the module docstring); None when everyone's change
    is the same, since the mean change would then be each person's own.

    ``dimensions``: each dimension's scores of the same pairs in ``A`` and ``B`` (by name, NaN
    where too few items were answered), stored under ``"dimensions"`` by
    :func:`paired_dimensions`.
    """
    change = paired_change(before, after)
    if not _varied(change.difference, change.sd):
        return None
    return {
        "wave_id": wave_id,
        "n": change.n,
        "mean_before": plain(change.mean_before),
        "difference": plain(change.difference),
        "sd": plain(change.sd),
        "rci": reliable_change_counts(before, after, answers_before, reversed_items, k),
        "dimensions": paired_dimensions(dimensions or {}),
    }


def paired_dimensions(dimensions: Mapping[str, tuple[np.ndarray, np.ndarray]]) -> dict:
    """Each dimension's paired figures, mean change and SD of the changes of every pair, or
    none at all.

    Nothing unless every pair has every dimension in both waves (a pair without one would make
    the group a part of the audited pairs, picked by their answers) and, on every dimension,
    the changes differ between people: a lone dimension left to Welch's test would tell that
    everyone's change on it was the same, and so, in a stable team, each person's change.
    """
    figures = {}
    for name, (before, after) in dimensions.items():
        changes = np.asarray(after, dtype=float) - np.asarray(before, dtype=float)
        if np.isnan(changes).any() or len(changes) < 2:
            return {}
        difference, sd = float(changes.mean()), float(changes.std(ddof=1))
        if not _varied(difference, sd):
            return {}
        figures[name] = {"difference": plain(difference), "sd": plain(sd)}
    return figures


def _varied(difference: float, sd: float) -> bool:
    """Whether the changes differ between people beyond :data:`SAME_CHANGE_TOLERANCE`."""
    return bool(sd > SAME_CHANGE_TOLERANCE * max(1.0, abs(difference)))


def reliable_change_counts(
    before: np.ndarray,
    after: np.ndarray,
    answers_before: np.ndarray,
    reversed_items: np.ndarray,
    k: int,
) -> dict:
    """Jacobson & Truax's reliable change over the pairs, with its counts in steps of ``k``.

    ``sd_before`` is the SD of the index in wave ``A`` over the pairs; the reliability is
    Cronbach's alpha of every rep item pooled into one scale (reverse-keyed items reflected,
    :func:`analysis.reliability.scale_reliability`) over the pairs' ``A`` answers. The index is
    the unweighted mean of six dimensions of six items each, so for complete answers it is a
    linear function of that pooled, keyed item total, and alpha is a lower bound of the
    reliability of the total (Cronbach 1951; Novick & Lewis 1967), the lower the more the
    dimensions differ: the threshold errs towards calling fewer changes reliable.

    ``threshold`` is ``critical_value · s_diff`` in index points. How many moved reliably is a
    group picked out by the answers' values, and the three counts add up to the pairs, so they
    are shown only when each of the three has ``k`` or more people: a small or empty group would
    say how the others changed (everyone improved, nobody declined). When alpha is undefined or
    below 0, or the index has no spread in ``A``, the figures are None and ``undefined_reason``
    says why.
    """
    [scale] = scale_reliability(
        answers_before,
        np.zeros(answers_before.shape[1], dtype=np.int64),
        1,
        reversed_items=reversed_items,
    )
    alpha = float(scale.alpha)
    sd_before = float(np.std(before, ddof=1)) if before.size > 1 else math.nan
    reason = None
    if math.isnan(alpha):
        reason = f"the items' reliability is undefined: {scale.undefined_reason}"
    elif not 0.0 <= alpha < 1.0:
        reason = f"the items' reliability ({alpha:.2f}) is outside 0 to 1"
    elif not sd_before > 0.0:
        reason = "the index has no spread in the previous wave"
    if reason is not None:
        return {
            "threshold": None,
            "reliability": plain(alpha),
            "towards_purpose": None,
            "towards_contractual": None,
            "no_reliable_change": None,
            "undefined_reason": reason,
        }
    result = reliable_change(before, after, sd_before=sd_before, reliability=alpha)
    counts = (result.n_towards_purpose, result.n_towards_contractual, result.n_no_reliable_change)
    shown = min(counts) >= k
    return {
        "threshold": plain(result.threshold),
        "reliability": plain(alpha),
        "towards_purpose": counts[0] if shown else None,
        "towards_contractual": counts[1] if shown else None,
        "no_reliable_change": counts[2] if shown else None,
        "undefined_reason": None if shown else RCI_COUNTS_HIDDEN.format(k=k),
    }


def published_partners(
    session: Session, responses: Sequence[tuple[int, str, str | None]]
) -> list[tuple[int | None, int | None]]:
    """For each ``(wave id, role, pseudonym)`` of a response about to be erased or unpaired:
    the team of the same person's response in the wave its wave was paired with and in the
    wave paired with it, each only when that pairing was published (the final release that
    made it exists); ``(None, None)`` otherwise."""
    found: list[tuple[int | None, int | None]] = [(None, None)] * len(responses)
    keyed = {(w, key) for w, role, key in responses if role == PAIRED_ROLE and key is not None}
    if not keyed:
        return found
    keys = {key for _, key in keyed}
    finals: dict[int, Release | None] = {}
    scores: dict[int, KeyedScores] = {}

    def final(wave_id: int) -> Release | None:
        if wave_id not in finals:
            finals[wave_id] = _final(session, wave_id)
        return finals[wave_id]

    def scored(wave: Wave) -> KeyedScores:
        if wave.id not in scores:
            release = final(wave.id)
            assert release is not None
            questionnaire = questionnaire_for(*wave.instrument("rep"))
            left_out = release.payload["team_link_left_out"]
            scores[wave.id] = keyed_scores(session, wave.id, questionnaire, left_out, keys)
        return scores[wave.id]

    sides: dict[int, tuple[Wave | None, Wave | None]] = {}
    for wave in session.scalars(select(Wave).where(Wave.id.in_({w for w, _ in keyed}))):
        own = final(wave.id)
        if own is None or wave.assessment.mode != "confidential":
            continue
        paired_with = own.payload.get("paired_with")
        earlier = session.get(Wave, paired_with) if paired_with is not None else None
        later = _neighbour(wave.assessment, wave, 1)
        later_final = final(later.id) if later is not None else None
        if later_final is None or later_final.payload.get("paired_with") != wave.id:
            later = None
        sides[wave.id] = (earlier, later)
    for position, (wave_id, role, key) in enumerate(responses):
        if role != PAIRED_ROLE or key is None or wave_id not in sides:
            continue
        own = scored(session.get(Wave, wave_id))
        if key not in own.team:
            continue
        earlier, later = sides[wave_id]
        found[position] = (
            None if earlier is None else scored(earlier).team.get(key),
            None if later is None else scored(later).team.get(key),
        )
    return found
