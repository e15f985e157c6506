"""The disclosure auditor's input for one wave: every group ever published, over atoms.

Waves never share responses, so a wave's releases are audited on their own. A response belongs
to a published group of release ``r`` when it has the group's role, it had been taken in by
release ``r`` (``first <= r``), it was not erased before ``r`` (``r <= last``), and its team lay
in the group's subtree in the tree as it stood at ``r``.

The paired change of confidential assessments (:mod:`survey.releases.pairing`) publishes, for a
team ``T``, figures over the people who answered two waves within ``T``; on each wave's side
that is one more group of that wave's responses (:class:`PairingGroups`): the reps' responses
in ``T``'s subtree of the wave's tree whose *partner* (the same person's response in the other
wave) lies in ``T``'s subtree of the other wave's tree. So a response also carries the team of
its partner in the wave before and in the wave after (None when it has none, or when the audit
does not need it). Responses alike in all of this form one atom (see
:mod:`analysis.disclosure`): ``(role, team, first, last, previous partner team, next partner
team, language)``.

A wave's final release may also publish, over the reps of the whole organisation, one group per
language the questionnaire was answered in (:mod:`survey.releases.languages`): the reps'
responses of the release's tree, through personal links, answered in that language (None counts
as English; team-link answers are in none, :data:`NOT_PERSONAL`). So a rep's response also
carries its language when the audit needs it (``languages=True`` in
:func:`atom_tallies`). An erased response's record keeps no language: its atom carries
:data:`UNKNOWN_LANGUAGE`, and when such an atom lay in a release that published language groups
its place in them cannot be rebuilt: :func:`uncertain_languages` says so, and the audits that
meet it withhold everything they may withhold (never guess).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.disclosure import protect
from survey.aggregates.loading import counted
from survey.models import Release, ReleasedErasure, Response

NEVER_ERASED = 1 << 30
"""``last`` of a live response; as a :class:`~survey.models.ReleasedErasure`'s ``last_release``,
the mark of a response kept without its pseudonym (see there)."""
PAIRED_ROLE = "rep"
"""Only reps' responses are paired across waves."""
logger = logging.getLogger(__name__)

LANGUAGE_ROLE = "rep"
"""Language groups are groups of reps' responses."""
LANGUAGE_GROUP = "language"
"""The role part of a language group's label ``(seq, "language", code)``."""
DEFAULT_LANGUAGE = "en"
"""The language of a response stored without one (answered before languages were recorded)."""
UNKNOWN_LANGUAGE = "?"
"""The language of an erased rep's response in an atom (its record keeps none)."""

Atom = tuple[str, int, int, int, int | None, int | None, str | None]
"""``(role, team id, first release, last release, previous partner team, next partner team,
language)``; the language is None where the audit does not need it (managers, or no language
groups asked for)."""


@dataclass(frozen=True)
class PublishedGroups:
    """The groups one release publishes: ``{role: [team ids]}`` over ``parents``, its tree,
    and ``languages``: the codes of the language groups it publishes (reps of the whole tree
    who answered in that language)."""

    seq: int
    parents: Mapping[int, int | None]
    groups: Mapping[str, Sequence[int]]
    languages: Sequence[str] = ()


@dataclass(frozen=True)
class PairingGroups:
    """The groups a pairing of this wave with another publishes on this wave's side.

    For each team of ``teams``: this wave's reps' responses in the team's subtree of ``own``
    (this wave's tree) whose partner lies in the team's subtree of ``partner`` (the other
    wave's tree). ``side`` says which partner: ``"previous"`` when the other wave comes before
    this one, ``"next"`` when it comes after.
    """

    side: str
    own: Mapping[int, int | None]
    partner: Mapping[int, int | None]
    teams: Sequence[int]


def release_groups(release: Release) -> PublishedGroups:
    """The groups a stored release published, over the tree it stored."""
    tree = release.payload["tree"]
    parents = {int(team): node["parent_id"] for team, node in tree.items()}
    return PublishedGroups(
        release.seq,
        parents,
        release.payload["published"],
        published_languages(release.payload),
    )


def published_languages(payload: Mapping) -> tuple[str, ...]:
    """The codes of the language groups a stored release published (none in releases made
    before languages were released)."""
    stored = payload.get("languages") or {}
    return tuple(row["language"] for row in stored.get("published", ()))


NOT_PERSONAL = "-"
"""The language part of a team-link answer's atom: in no language group, so that nobody can
stuff one (a team link takes answers from whoever holds it)."""


def _language(
    role: str, code: str | None, languages: bool, channel: str = "personal"
) -> str | None:
    if not languages or role != LANGUAGE_ROLE:
        return None
    if channel != "personal":
        return NOT_PERSONAL
    return code or DEFAULT_LANGUAGE


def atom_tallies(
    session: Session,
    wave_id: int,
    left_out: Collection[int] = (),
    previous: Mapping[str, int] | None = None,
    following: Mapping[str, int] | None = None,
    languages: bool = False,
) -> dict[Atom, int]:
    """``{atom: responses}`` of one wave, counting the responses that releases count
    (:func:`survey.aggregates.loading.counted`) and the tombstones of erased ones.

    ``previous`` and ``following`` map a pseudonym to the team of its partner in the wave before
    and in the wave after (the pairs of :func:`survey.releases.pairing.partners`); without
    them, no atom has a partner on that side, and tombstones' partners on it are not read.
    ``languages``: reps' atoms carry the language answered in (:data:`UNKNOWN_LANGUAGE` for
    erased ones); without it, no atom has a language.
    """
    tallies: dict[Atom, int] = {}
    if previous is None and following is None:
        live = session.execute(
            select(
                Response.role,
                Response.team_id,
                Response.released_in,
                Response.language,
                Response.channel,
                func.count(),
            )
            .where(Response.wave_id == wave_id, counted(left_out))
            .group_by(
                Response.role,
                Response.team_id,
                Response.released_in,
                Response.language,
                Response.channel,
            )
        ).all()
        for role, team, first, code, channel, n in live:
            language = _language(role, code, languages, channel)
            atom = (role, team, first, NEVER_ERASED, None, None, language)
            tallies[atom] = tallies.get(atom, 0) + n
    else:
        rows = session.execute(
            select(
                Response.role,
                Response.team_id,
                Response.released_in,
                Response.respondent_key,
                Response.language,
                Response.channel,
            ).where(Response.wave_id == wave_id, counted(left_out))
        ).all()
        for role, team, first, key, code, channel in rows:
            paired = role == PAIRED_ROLE and key is not None
            atom = (
                role,
                team,
                first,
                NEVER_ERASED,
                previous.get(key) if paired and previous is not None else None,
                following.get(key) if paired and following is not None else None,
                _language(role, code, languages, channel),
            )
            tallies[atom] = tallies.get(atom, 0) + 1
    kept = (
        ReleasedErasure.role,
        ReleasedErasure.team_id,
        ReleasedErasure.first_release,
        ReleasedErasure.last_release,
        ReleasedErasure.previous_partner_team_id,
        ReleasedErasure.next_partner_team_id,
    )
    erased = session.execute(
        select(*kept, func.count()).where(ReleasedErasure.wave_id == wave_id).group_by(*kept)
    ).all()
    for role, team, first, last, before, after, n in erased:
        before = before if previous is not None else None
        after = after if following is not None else None
        if last != NEVER_ERASED:
            unknown = UNKNOWN_LANGUAGE if _language(role, None, languages) else None
            atom = (role, team, first, last, before, after, unknown)
            tallies[atom] = tallies.get(atom, 0) + n
            continue
        # Kept without its pseudonym: counted live without partners; give them back.
        if before is None and after is None:
            continue
        unpaired = [
            atom
            for atom in sorted(tallies, key=_atom_order)
            if atom[:6] == (role, team, first, NEVER_ERASED, None, None)
        ]
        moved_from: dict[Atom, int] = {}
        left = n
        for source in unpaired:
            take = min(left, tallies[source])
            if take:
                moved_from[source] = take
                left -= take
            if not left:
                break
        if left:
            logger.error("wave %s: %s unpaired responses are missing", wave_id, left)
        codes = {source[6] for source in unpaired if tallies[source]}
        code = codes.pop() if len(codes) == 1 else UNKNOWN_LANGUAGE
        for source, take in moved_from.items():
            tallies[source] -= take
            if not tallies[source]:
                del tallies[source]
        moved = n - left
        if moved:
            atom = (role, team, first, NEVER_ERASED, before, after, code)
            tallies[atom] = tallies.get(atom, 0) + moved
    return tallies


def _ancestors(parents: Mapping[int, int | None], team_id: int) -> list[int]:
    chain, node = [], team_id
    while node is not None and node in parents and len(chain) <= len(parents):
        chain.append(node)
        node = parents[node]
    return chain


def _atom_order(atom: Atom) -> tuple:
    role, team, first, last, before, after, code = atom
    return (
        role,
        team,
        first,
        last,
        *(-1 if p is None else p for p in (before, after)),
        "" if code is None else code,
    )


def uncertain_languages(releases: Sequence[PublishedGroups], tallies: Mapping[Atom, int]) -> bool:
    """Whether an erased rep's response lay in a release that published language groups: its
    record keeps no language, so those groups cannot be rebuilt over atoms."""
    return any(
        atom[6] == UNKNOWN_LANGUAGE
        and any(
            release.languages and atom[2] <= release.seq <= atom[3] and atom[1] in release.parents
            for release in releases
        )
        for atom in tallies
    )


def incidence(
    releases: Sequence[PublishedGroups],
    tallies: Mapping[Atom, int],
    pairings: Sequence[PairingGroups] = (),
) -> tuple[np.ndarray, np.ndarray, list[tuple]]:
    """Groups x atoms incidence, atom sizes, and each row's label: ``(seq, role, team id)`` for
    a release's group, ``(seq, "language", code)`` for a release's language group, ``("pairs",
    i, team id)`` for a group of ``pairings[i]``.

    An atom of :data:`UNKNOWN_LANGUAGE` is in no language group: check
    :func:`uncertain_languages` first wherever a release published some."""
    atoms = sorted(tallies, key=_atom_order)
    labels: list[tuple] = [
        (release.seq, role, team)
        for release in releases
        for role, teams in sorted(release.groups.items())
        for team in teams
    ]
    labels += [
        (release.seq, LANGUAGE_GROUP, code) for release in releases for code in release.languages
    ]
    labels += [("pairs", i, team) for i, pairing in enumerate(pairings) for team in pairing.teams]
    row_of = {label: row for row, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(atoms)), dtype=bool)
    for column, (role, team, first, last, before, after, code) in enumerate(atoms):
        for release in releases:
            if not first <= release.seq <= last:
                continue
            for ancestor in _ancestors(release.parents, team):
                row = row_of.get((release.seq, role, ancestor))
                if row is not None:
                    matrix[row, column] = True
            if role == LANGUAGE_ROLE and code is not None and team in release.parents:
                row = row_of.get((release.seq, LANGUAGE_GROUP, code))
                if row is not None:
                    matrix[row, column] = True
        if role != PAIRED_ROLE:
            continue
        for i, pairing in enumerate(pairings):
            partner = before if pairing.side == "previous" else after
            if partner is None:
                continue
            there = set(_ancestors(pairing.partner, partner))
            for ancestor in _ancestors(pairing.own, team):
                row = row_of.get(("pairs", i, ancestor)) if ancestor in there else None
                if row is not None:
                    matrix[row, column] = True
    sizes = np.array([tallies[atom] for atom in atoms], dtype=np.int64)
    return matrix, sizes, labels


def withheld_groups(
    earlier: Sequence[PublishedGroups],
    candidate: PublishedGroups,
    tallies: Mapping[Atom, int],
    k: int,
) -> set[tuple[str, int]]:
    """The ``(role, team id)`` groups of ``candidate`` to withhold so that, together with every
    earlier release of the wave, nothing under ``k`` responses can be worked out."""
    matrix, sizes, labels = incidence([*earlier, candidate], tallies)
    if matrix.size == 0:
        return set()
    published = np.array([seq != candidate.seq for seq, _, _ in labels], dtype=bool)
    try:
        withheld = protect(matrix, sizes, k, published)
    except ValueError:  # earlier releases already disclose: add nothing to them
        logger.error("earlier releases fail the audit; release %s shows nothing", candidate.seq)
        withheld = ~published
    return {(role, team) for (_, role, team), out in zip(labels, withheld, strict=True) if out}


def withheld_pairs(
    releases: Sequence[PublishedGroups],
    published: Sequence[PairingGroups],
    candidate: PairingGroups,
    tallies: Mapping[Atom, int],
    k: int,
) -> set[int]:
    """The teams of ``candidate`` whose pairing groups must be withheld so that, together with
    every group of the wave already published (its releases' and ``published`` pairings'),
    nothing under ``k`` responses can be worked out.

    A candidate group that differs from a published one by 1 to ``k - 1`` responses (counting
    both ways) must go in any case, as the difference of the two would single those out; such
    groups are withheld first, which spares :func:`analysis.disclosure.protect` a search for
    each (a team's pairs against its own cell, as with a newcomer, are the common case).
    """
    if not candidate.teams:
        return set()
    if uncertain_languages(releases, tallies):
        logger.warning("an erased answer's language is not known; no pairs are shown")
        return set(candidate.teams)
    matrix, sizes, labels = incidence(releases, tallies, [*published, candidate])
    if matrix.size == 0:
        return set()
    mine = len(published)
    proposed = np.array([label[:2] == ("pairs", mine) for label in labels], dtype=bool)
    weighted = matrix * sizes.astype(float)  # whole numbers, exact in float64
    totals = weighted.sum(axis=1)
    shared = weighted[~proposed] @ matrix[proposed].T.astype(float)
    apart = totals[~proposed, None] + totals[None, proposed] - 2 * shared
    withheld = np.zeros(len(labels), dtype=bool)
    withheld[proposed] = ((apart > 0) & (apart < k)).any(axis=0)
    kept = ~withheld
    try:
        withheld[kept] = protect(matrix[kept], sizes, k, ~proposed[kept])
    except ValueError:  # what is out already discloses: add nothing to it
        logger.error("published groups fail the audit; no pairs are shown")
        withheld = proposed
    return {label[2] for label, out in zip(labels, withheld, strict=True) if out}


def withheld_languages(
    earlier: Sequence[PublishedGroups],
    candidate: PublishedGroups,
    tallies: Mapping[Atom, int],
    k: int,
) -> set[str]:
    """The language groups of ``candidate`` to withhold so that, together with every group of
    the wave already published (``earlier`` releases and ``candidate``'s own team groups, which
    stay as they are), nothing under ``k`` responses can be worked out.

    ``tallies`` must carry languages (``atom_tallies(..., languages=True)``). Everything is
    withheld when an erased answer's place in the language groups is unknown, or when the
    groups already published fail the audit (they are never changed here).
    """
    if not candidate.languages:
        return set()
    releases = [*earlier, candidate]
    if uncertain_languages(releases, tallies):
        logger.warning("an erased answer's language is not known; no language is shown")
        return set(candidate.languages)
    matrix, sizes, labels = incidence(releases, tallies)
    proposed = np.array(
        [seq == candidate.seq and role == LANGUAGE_GROUP for seq, role, _ in labels], dtype=bool
    )
    try:
        withheld = protect(matrix, sizes, k, ~proposed)
    except ValueError:  # what is out already discloses: add nothing to it
        logger.error("published groups fail the audit; release %s shows no language", candidate.seq)
        withheld = proposed
    return {code for (_, _, code), out in zip(labels, withheld & proposed, strict=True) if out}
