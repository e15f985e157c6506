"""How many answered in each language, in a wave's final release.

A response records the language it was answered in (``Response.language``; None, from before
languages were recorded, counts as English). The final release of a wave publishes, over the
reps of the whole organisation (every team of the release's tree) who answered through a
personal link, how many answered in each language, when at least two languages each reach
``k`` and the auditor lets them through.

What the payload stores, under ``"languages"``::

    {"mixed": True | False, "published": [{"language": "fr", "n": 12}, ...]}

``mixed`` is True when at least two language groups are published, and then ``published``
lists them; otherwise nothing is said (False, an empty list): not even that some answers were
in another language, which could rest on one person's answer.

No means by language
--------------------
Only counts are published. A mean over the answers in one language, next to the response-level
exports (which list every counted answer's scores), would let whoever holds both find, by
trying subsets, which rows were answered in that language, and with the roster's languages,
whose they are. Counts give that search nothing to match.

Confidentiality
---------------
Only personal-link answers are counted: a team link takes answers from whoever holds it, so
someone could fill a language group with answers they know and read the rest from it. A language
group smaller than ``k`` is never a candidate. The others are audited
(:func:`survey.releases.audit.withheld_languages`) with every group the wave published: its
earlier releases' team groups and this release's, which stay as they are; only language groups
are withheld. Language groups are published by the final release only: no later release of the
wave can be subtracted from them, and an erasure after the final release changes nothing
published in the wave. The pairing of the next wave with this one audits this wave's pairs
against these language groups too (:func:`survey.releases.audit.release_groups`); as an erased
answer's record keeps no language, an erasure in this wave after its final release withholds
those pairs (:func:`survey.releases.audit.uncertain_languages`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.aggregates.loading import counted
from survey.models import Response
from survey.releases.audit import (
    DEFAULT_LANGUAGE,
    LANGUAGE_ROLE,
    PublishedGroups,
    atom_tallies,
    withheld_languages,
)


def release_languages(
    session: Session,
    wave_id: int,
    release: PublishedGroups,
    earlier: Sequence[PublishedGroups],
    left_out: Collection[int],
    k: int,
) -> tuple[dict, tuple[str, ...]]:
    """The ``"languages"`` entry of a final release's payload and the codes it publishes.

    ``release`` is this release's team groups over its tree, already decided; ``earlier`` the
    wave's earlier releases.
    """
    rows = session.execute(
        select(Response.team_id, Response.language).where(
            Response.wave_id == wave_id,
            Response.role == LANGUAGE_ROLE,
            Response.channel == "personal",
            counted(left_out),
        )
    ).all()
    counts: dict[str, int] = {}
    for team_id, code in rows:
        if team_id in release.parents:
            counts[code or DEFAULT_LANGUAGE] = counts.get(code or DEFAULT_LANGUAGE, 0) + 1
    nothing = {"mixed": False, "published": []}
    candidates = tuple(sorted(code for code, n in counts.items() if n >= k))
    if len(candidates) < 2:
        return nothing, ()
    withheld = withheld_languages(
        earlier,
        PublishedGroups(release.seq, release.parents, release.groups, candidates),
        atom_tallies(session, wave_id, left_out, languages=True),
        k,
    )
    shown = tuple(code for code in candidates if code not in withheld)
    if len(shown) < 2:
        return nothing, ()
    published = [{"language": code, "n": counts[code]} for code in shown]
    return {"mixed": True, "published": published}, shown


def stored_languages(payload: Mapping | None) -> dict | None:
    """A release's ``"languages"`` entry, or None (releases made before it was stored)."""
    if not payload:
        return None
    entry = payload.get("languages")
    if not isinstance(entry, Mapping) or "mixed" not in entry:
        return None
    published = [
        {"language": row["language"], "n": row["n"]}
        for row in entry.get("published", ())
        if isinstance(row, Mapping) and isinstance(row.get("n"), int) and row.get("language")
    ]
    return {"mixed": bool(entry.get("mixed")) and len(published) >= 2, "published": published}
