"""Which measure compares released waves that asked different questionnaire versions.

Waves asking the same version compare on the mindset index. Across a version change they
compare on the index over the items both versions share (their crosswalk, stored with each
release that could compute it), and every section says so; a wave released without those
figures is left out, and the section says that too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _

from survey.aggregates.measures import shared_index_name
from survey.aggregates.model import INDEX, WaveInfo


@dataclass(frozen=True)
class Basis:
    """The measure the waves compare on, the waves that have it, and the words for it."""

    measure: str
    waves: list[WaveInfo]
    note: str | None = None


def version_of(payload: dict, wave: WaveInfo) -> int | None:
    """The rep questionnaire version a release was made from; releases made before it was
    recorded come from the version the wave asks (every wave asked its assessment's then)."""
    return payload.get("questionnaire", {}).get("version", wave.version)


def comparison_basis(data: dict, waves: Sequence[WaveInfo]) -> Basis:
    """How ``waves`` (in order; ``data``: their payloads by wave id) compare; the last is the
    one whose version counts when some cannot be compared."""
    waves = list(waves)
    versions = [version_of(data[wave.id], wave) for wave in waves]
    if len(set(versions)) <= 1:
        return Basis(INDEX, waves)
    known = sorted({version for version in versions if version is not None})
    if len(known) == 2 and None not in versions:
        name = shared_index_name(*known)
        counts = [
            data[wave.id].get("questionnaire", {}).get("shared", {}).get(name) for wave in waves
        ]
        if all(counts):
            return Basis(
                name,
                waves,
                _(
                    "The questionnaire changed from version %(before)s to version %(after)s over "
                    "these waves, so these figures are the index on the %(items)s items both "
                    "versions share, not the full index of either.",
                    before=known[0],
                    after=known[1],
                    items=counts[-1],
                ),
            )
    current = versions[-1]
    kept = [wave for wave, version in zip(waves, versions, strict=True) if version == current]
    left = ", ".join(w.name for w, v in zip(waves, versions, strict=True) if v != current)
    return Basis(
        INDEX,
        kept,
        _(
            "Left out: %(waves)s, which asked another version of the questionnaire and was "
            "released without figures on the items the versions share.",
            waves=left,
        ),
    )
