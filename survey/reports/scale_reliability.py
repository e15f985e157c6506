"""The reliability of each scale in one wave, as the wave's release stored it.

Alpha comes from :func:`analysis.reliability.scale_reliability` (Cronbach 1951, with the Feldt,
Woodruff & Salih 1987 interval) on the reps' raw answers, reverse-keyed items flagged, computed
when the release is made (:mod:`survey.releases.payload`) over a visible team's subtree, or over
every top team the release shows for a report on the whole organisation. The covariance matrix
behind alpha is made of per-person sums over a published group, which the release's audit
covers; and, like every released figure, it does not change when someone's answers are erased.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analysis.reliability import AlphaResult

ACCEPTABLE_ALPHA = 0.70
"""The least alpha for research on groups: Nunnally (1978), Psychometric Theory, 2nd ed."""


@dataclass(frozen=True)
class ScaleAlpha:
    """One dimension's alpha in one wave."""

    dimension: str
    result: AlphaResult

    @property
    def below_threshold(self) -> bool:
        """True when alpha is defined and below :data:`ACCEPTABLE_ALPHA`."""
        return not np.isnan(self.result.alpha) and self.result.alpha < ACCEPTABLE_ALPHA


@dataclass(frozen=True)
class WaveReliability:
    """Each scale's alpha over the pooled visible teams, and the teams left out and why."""

    scales: list[ScaleAlpha]
    teams: list[str]
    left_out: list[tuple[str, str]]
    n: int


def wave_reliability(release: dict | None, team_ids: list[int], whole: bool) -> WaveReliability:
    """Alpha of every dimension as the wave's latest release stored it.

    ``whole``: the report covers the whole organisation (the release's alpha over every top
    team it shows); otherwise ``team_ids`` is the one team reported on. None: the wave is not
    released yet, and there is nothing to show.
    """
    if release is None:
        return WaveReliability([], [], [], 0)
    tree, cells = release["tree"], release["cells"]
    present = [t for t in team_ids if str(t) in cells]
    shown = [t for t in present if cells[str(t)]["visible"]]
    left_out = [(tree[str(t)]["name"], cells[str(t)]["reason"]) for t in present if t not in shown]
    if whole:
        stored = release["roots_reliability"]
    else:
        stored = cells[str(shown[0])]["reliability"] if shown else {"n": 0, "scales": []}
    scales = [
        ScaleAlpha(
            name,
            AlphaResult(
                _number(alpha),
                _number(standardized),
                (_number(low), _number(high)),
                n_used,
                n_items,
                missing,
                why,
            ),
        )
        for name, alpha, standardized, low, high, n_used, n_items, missing, why in stored["scales"]
    ]
    names = [tree[str(t)]["name"] for t in shown]
    return WaveReliability(
        scales, names, left_out, max((s.result.n_used for s in scales), default=0)
    )


def _number(value: float | None) -> float:
    return float("nan") if value is None else float(value)
