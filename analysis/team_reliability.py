"""How much of a team's mean is the team: ICC(1), ICC(2) and the reliability of one team mean.

From each team's size, mean and standard deviation alone, a one-way analysis of variance
(teams as the random factor) gives the mean squares between and within teams,

- ``MSB = sum n_j (m_j - m)^2 / (J - 1)`` and ``MSW = sum (n_j - 1) s_j^2 / (N - J)``,

with ``m`` the grand mean of all ``N`` people in ``J`` teams. Following Bliese (2000),
"Within-group agreement, non-independence, and reliability: implications for data aggregation
and analysis", in Klein & Kozlowski (eds.), Multilevel theory, research, and methods in
organizations, 349-381 (after Shrout & Fleiss 1979, "Intraclass correlations: uses in
assessing rater reliability", Psychological Bulletin 86(2), 420-428: ICC(1,1) and ICC(1,k)):

- ``ICC(1) = (MSB - MSW) / (MSB + (n0 - 1) MSW)``: the share of one person's variance that is
  the team's;
- ``ICC(2) = (MSB - MSW) / MSB``: the reliability of the mean of a team of size ``n0``;
- a team of any size ``n`` has a mean reliable to ``n ICC(1) / (1 + (n - 1) ICC(1))``
  (Spearman-Brown, as Bliese 2000 applies it), which is ICC(2) at ``n = n0``.

With teams of unequal size, ``n0 = (N - sum n_j^2 / N) / (J - 1)`` (Snedecor & Cochran 1989,
Statistical Methods, 8th ed.: the usual ``n0`` of the one-way random effects model with
unequal groups); it is the common size when the teams are equal.

A negative estimate (teams differ less than chance would make them: ``MSB < MSW``) is kept in
:class:`TeamEffects`, since cutting it would bias the estimate upwards; the reliability of a
team mean floors it at 0 (:func:`mean_reliability`), as no true team effect is negative.
Where no estimate exists (fewer than two teams, nobody to vary within a team, or no variance
at all) ICC(1) and ICC(2) are NaN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike


@dataclass(frozen=True)
class TeamEffects:
    """The one-way ANOVA of people within teams and the intraclass correlations it gives."""

    teams: int
    people: int
    msb: float
    msw: float
    n0: float
    icc1: float
    icc2: float


def team_effects(sizes: ArrayLike, means: ArrayLike, sds: ArrayLike) -> TeamEffects:
    """ICC(1) and ICC(2) (Bliese 2000) from each team's ``n``, mean and SD (ddof = 1).

    A team of one person has no SD (pass NaN or 0): it adds nothing within teams. Sizes must be
    positive whole numbers and SDs non-negative; the arrays are as long as each other.
    """
    n = np.asarray(sizes, dtype=float)
    m = np.asarray(means, dtype=float)
    s = np.asarray(sds, dtype=float)
    if not n.shape == m.shape == s.shape or n.ndim != 1:
        raise ValueError("sizes, means and sds must be one-dimensional and as long as each other")
    if np.any(n < 1) or np.any(n != np.round(n)):
        raise ValueError("team sizes must be whole numbers of at least 1")
    if np.any(np.isnan(m)) or np.any(s[n > 1] < 0) or np.any(np.isnan(s[n > 1])):
        raise ValueError("every team needs a mean, and an SD of 0 or more when it has 2 people")
    teams, people = len(n), int(n.sum())
    grand = float(np.sum(n * m) / people) if teams else math.nan
    msb = float(np.sum(n * (m - grand) ** 2) / (teams - 1)) if teams > 1 else math.nan
    within = np.where(n > 1, (n - 1) * np.nan_to_num(s) ** 2, 0.0)
    msw = float(within.sum() / (people - teams)) if people > teams else math.nan
    n0 = float((people - np.sum(n**2) / people) / (teams - 1)) if teams > 1 else math.nan
    if math.isnan(msb) or math.isnan(msw) or msb == 0:
        icc1 = icc2 = math.nan
    else:
        icc1 = (msb - msw) / (msb + (n0 - 1) * msw)
        icc2 = (msb - msw) / msb
    return TeamEffects(teams, people, msb, msw, n0, icc1, icc2)


def mean_reliability(icc1: float, size: float) -> float:
    """Reliability of the mean of a team of ``size`` people: ``n ICC(1) / (1 + (n - 1) ICC(1))``.

    Spearman-Brown applied to ICC(1) (Bliese 2000; Shrout & Fleiss 1979, ICC(1,k)). A
    negative ICC(1) counts as 0 (no team effect: a reliability of 0); NaN stays NaN.
    """
    if size < 1:
        raise ValueError(f"a team has at least 1 person, got {size}")
    if math.isnan(icc1):
        return math.nan
    icc = max(icc1, 0.0)
    return size * icc / (1 + (size - 1) * icc)
