"""An action of a plan read beside the change on its dimension at the next release, in words.

Nothing here tests anything: the words restate the verdict the dashboard's dimension section
already gives the change (:mod:`analysis.dimension_comparison`, Benjamini-Hochberg over every
team and dimension of the organisation between the same two releases). A change the test
cannot tell from chance is never called "no change" (Altman & Bland 1995, BMJ 311, 485), and a
likely-real change is not said to be the plan's doing: the plan is one of its possible causes.
"""

from __future__ import annotations

import math

from analysis._text import _
from analysis.change import BEYOND_CHANCE, NOT_TESTABLE, TOO_FEW, WITHIN_CHANCE
from analysis.reading import VALUES_END, towards


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
        return _(
            "The change on %(dimension)s since %(before)s is not shown: %(reason)s.",
            dimension=name,
            before=before,
            reason=hidden or _("not released"),
        )
    if verdict == TOO_FEW:
        return _(
            "Too few answers in %(before)s or now to tell whether %(dimension)s moved.",
            before=before,
            dimension=name,
        )
    figures = {"before": before, "dimension": name, "difference": f"{difference:+.1f}"}
    if verdict.endswith(BEYOND_CHANCE):
        if towards(verdict) == VALUES_END:
            return _(
                "Since %(before)s, %(dimension)s moved %(difference)s points towards management "
                "by values, more than chance variation would explain.",
                **figures,
            )
        return _(
            "Since %(before)s, %(dimension)s moved %(difference)s points towards management by "
            "objectives, more than chance variation would explain.",
            **figures,
        )
    if verdict.endswith(WITHIN_CHANCE):
        return _(
            "Since %(before)s, %(dimension)s moved %(difference)s points, which the test cannot "
            "tell from chance variation (not the same as no change).",
            **figures,
        )
    if verdict.endswith(NOT_TESTABLE):
        return _(
            "Since %(before)s, %(dimension)s moved %(difference)s points, but the change cannot "
            "be tested.",
            **figures,
        )
    raise ValueError(f"unknown verdict {verdict!r}")
