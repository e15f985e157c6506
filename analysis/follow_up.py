"""An action of a plan read beside the change on its dimension at the next release, in words.

Nothing here tests anything: the words restate the verdict the dashboard's dimension section
already gives the change (:mod:`analysis.dimension_comparison`, Benjamini-Hochberg over every
team and dimension of the organisation between the same two releases). A change the test
cannot tell from chance is never called "no change" (Altman & Bland 1995, BMJ 311, 485), and a
likely-real change is not said to be the plan's doing: the plan is one of its possible causes.
"""

from __future__ import annotations

import math

from analysis.change import BEYOND_CHANCE, NOT_TESTABLE, TOO_FEW, WITHIN_CHANCE
from analysis.reading import towards


def change_words(
    dimension: str,
    before: str,
    difference: float | None,
    verdict: str | None,
    hidden: str | None = None,
) -> str:
    """What ``dimension`` did since ``before``, as the dimension section's verdict says.

    ``difference`` is this wave minus ``before`` (points, 0-100), ``verdict`` the change's
    label (:class:`analysis.change.ChangeVerdict`); both None when the change is not shown,
    with ``hidden`` saying why.

    >>> change_words("Cooperation", "Spring", 6.2, "moved towards purpose, larger than chance "
    ...              "variation")
    'Since Spring, cooperation moved +6.2 points towards management by values, more than \
chance variation would explain.'
    >>> change_words("Cooperation", "Spring", 1.0, "moved towards purpose, not "
    ...              "distinguishable from chance")
    'Since Spring, cooperation moved +1.0 points, which the test cannot tell from chance \
variation (not the same as no change).'
    """
    name = dimension.lower()
    if verdict is None or difference is None or math.isnan(difference):
        return f"The change on {name} since {before} is not shown: {hidden or 'not released'}."
    if verdict == TOO_FEW:
        return f"Too few answers in {before} or now to tell whether {name} moved."
    since = f"Since {before}, {name} moved {difference:+.1f} points"
    if verdict.endswith(BEYOND_CHANCE):
        return f"{since} towards {towards(verdict)}, more than chance variation would explain."
    if verdict.endswith(WITHIN_CHANCE):
        return (
            f"{since}, which the test cannot tell from chance variation (not the same as no "
            "change)."
        )
    if verdict.endswith(NOT_TESTABLE):
        return f"{since}, but the change cannot be tested."
    raise ValueError(f"unknown verdict {verdict!r}")
