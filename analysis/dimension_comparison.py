"""Each dimension of a team against its last wave and against the rest of the organisation.

From released summaries only (each team's ``n``, mean and SD per dimension), two families of
tests, each adjusted with Benjamini-Hochberg over the whole organisation so that a team reads
the same wherever it is shown:

- :func:`dimension_changes`: every (team, dimension) between two released waves; the paired
  t-test where the later release stored the dimension's paired figures (the same people in
  both waves), else Welch's test (:func:`analysis.change.compare_summaries`).
- :func:`against_rest`: every (team, dimension) of one wave against the rest of the
  organisation in that wave (:func:`rest_of`), Welch's test: the team's people and the rest's
  are different people, so the samples are independent.

Welch, B. L. (1947). The generalization of "Student's" problem when several different
population variances are involved. Biometrika, 34(1-2), 28-35. Benjamini, Y., & Hochberg, Y.
(1995). Controlling the false discovery rate. J. R. Stat. Soc. B, 57(1), 289-300.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from analysis.change import (
    NO_CHANGE,
    ChangeVerdict,
    PairedChange,
    WaveChange,
    classify_family,
    compare_summaries,
    paired_from_summary,
)

REST = "rest of the organisation"
"""What a team's dimension is compared with, besides its previous released wave."""

Team = TypeVar("Team", bound=Hashable)


@dataclass(frozen=True)
class Summary:
    """A group's released figures on one measure: answers, mean and SD (``ddof=1``)."""

    n: int
    mean: float
    sd: float


@dataclass(frozen=True)
class PairedSummary:
    """What a release stores of a dimension's pairs: their count, mean change (after minus
    before) and SD of the changes."""

    n: int
    difference: float
    sd: float


Tested = tuple[WaveChange | PairedChange, ChangeVerdict]


def pooled(groups: Sequence[Summary]) -> Summary:
    """The summary of disjoint groups taken together, exactly, from their summaries.

    With ``S = Σ n·m`` and ``Q = Σ ((n-1)s² + n·m²)`` (the sum of squares of the answers):
    ``n = Σ n``, ``mean = S / n``, ``sd² = (Q - S²/n) / (n - 1)``, the pooled-variance algebra
    of e.g. Cohen, Cohen, West & Aiken (2003), or Chan, Golub & LeVeque (1979) for combining
    sums of squares. A group of one answer (SD NaN) contributes ``n·m²``.

    >>> pooled([Summary(2, 1.5, 0.7071067811865476), Summary(2, 3.5, 0.7071067811865476)])
    Summary(n=4, mean=2.5, sd=1.2909944487358056)
    """
    n = sum(group.n for group in groups)
    if n == 0:
        return Summary(0, math.nan, math.nan)
    total = sum(group.n * group.mean for group in groups if group.n)
    squares = sum(_squares(group) for group in groups)
    mean = total / n
    return Summary(n, mean, _sd(squares - n * mean**2, n))


def rest_of(whole: Summary, part: Summary) -> Summary:
    """The summary of ``whole``'s answers that are not ``part``'s (``part`` inside ``whole``).

    ``n_r = n_w - n_p``, ``mean_r = (n_w·m_w - n_p·m_p) / n_r`` and
    ``(n_r - 1)·s_r² = Q_w - Q_p - n_r·mean_r²`` with ``Q = (n-1)s² + n·m²``: exactly the
    figures of the rest's answers (rounding aside; a sum of squares a hair below 0 is 0).

    >>> rest_of(Summary(4, 2.5, 1.2909944487358056), Summary(2, 1.5, 0.7071067811865476))
    Summary(n=2, mean=3.5, sd=0.7071067811865476)
    """
    n = whole.n - part.n
    if n < 0:
        raise ValueError(f"the part ({part.n} answers) is larger than the whole ({whole.n})")
    if n == 0:
        return Summary(0, math.nan, math.nan)
    mean = (whole.n * whole.mean - part.n * part.mean) / n
    squares = _squares(whole) - _squares(part)
    return Summary(n, mean, _sd(squares - n * mean**2, n))


def _squares(group: Summary) -> float:
    """``Σ x²`` of a group's answers: ``(n-1)s² + n·m²``."""
    if group.n == 0:
        return 0.0
    spread = 0.0 if group.n < 2 else (group.n - 1) * group.sd**2
    return spread + group.n * group.mean**2


def _sd(centred: float, n: int) -> float:
    """The SD from the centred sum of squares; NaN under 2 answers."""
    if n < 2:
        return math.nan
    return math.sqrt(max(centred, 0.0) / (n - 1))


def dimension_changes(
    before: Mapping[Team, Mapping[str, Summary]],
    after: Mapping[Team, Mapping[str, Summary]],
    paired: Mapping[Team, Mapping[str, PairedSummary | None]] | None = None,
) -> dict[tuple[Team, str], Tested]:
    """Each (team, dimension)'s change between two released waves, with verdicts.

    ``before`` and ``after``: every shown team's summaries per dimension in each wave;
    ``paired``: per team, the paired figures the later release stored per dimension (None for
    a dimension without them). A (team, dimension) in both waves is tested with the paired
    t-test (Student 1908: ``t = mean(d) / (sd(d)/√n)``, :func:`analysis.change
    .paired_from_summary`) when its paired figures are stored, else with Welch's test
    (``t = (m_a - m_b) / √(s_a²/n_a + s_b²/n_b)``, Welch-Satterthwaite df, Welch 1947). The
    family is every such (team, dimension), adjusted together with Benjamini-Hochberg
    (:func:`analysis.change.classify_changes`).
    """
    tested: dict[tuple[Team, str], WaveChange | PairedChange] = {}
    for team, dimensions in after.items():
        earlier = before.get(team)
        if earlier is None:
            continue
        stored = (paired or {}).get(team) or {}
        for dimension, now in dimensions.items():
            then = earlier.get(dimension)
            if then is None:
                continue
            pairs = stored.get(dimension)
            if pairs is not None:
                tested[team, dimension] = paired_from_summary(pairs.n, pairs.difference, pairs.sd)
            else:
                tested[team, dimension] = compare_summaries(
                    then.n, then.mean, then.sd, now.n, now.mean, now.sd
                )
    return classify_family(tested)


def against_rest(
    teams: Mapping[Team, Mapping[str, Summary]],
    tops: Mapping[Team, Team],
    k: int,
) -> dict[tuple[Team, str], Tested]:
    """Each (team, dimension) of one wave against the rest of its organisation, with verdicts.

    ``teams``: every shown team's summaries per dimension; ``tops``: each team's top team, the
    root of its tree (a department with a tree of its own is an organisation of its own here).
    The rest of a team is its top team minus the team (:func:`rest_of`); the test is Welch's
    (1947), team minus rest, as ``scipy.stats.ttest_ind_from_stats(..., equal_var=False)``. A
    team whose top team is not shown, or a (team, dimension) whose rest has fewer than ``k``
    answers (a top team itself, say), is not tested. The family is every tested (team,
    dimension), adjusted with Benjamini-Hochberg; the verdicts read "further towards purpose"
    or "further towards contractual" (:func:`further`).
    """
    tested: dict[tuple[Team, str], WaveChange | PairedChange] = {}
    for team, dimensions in teams.items():
        whole = teams.get(tops[team], {}) if team in tops else {}
        for dimension, own in dimensions.items():
            if dimension not in whole or own.n > whole[dimension].n:
                continue
            rest = rest_of(whole[dimension], own)
            if rest.n < max(k, 2):
                continue
            tested[team, dimension] = compare_summaries(
                rest.n, rest.mean, rest.sd, own.n, own.mean, own.sd
            )
    return {
        key: (result, further(verdict))
        for key, (result, verdict) in classify_family(tested).items()
    }


def further(verdict: ChangeVerdict) -> ChangeVerdict:
    """A change's verdict reworded for a difference between groups: "further towards
    purpose, larger than chance variation" rather than "moved towards purpose, ...".

    >>> from analysis.change import classify_change
    >>> further(classify_change(-6.0, 0.01, 40)).label
    'further towards contractual, larger than chance variation'
    """
    if not verdict.label.startswith(("moved ", NO_CHANGE)):
        return verdict
    direction = "the same" if verdict.direction == NO_CHANGE else f"further {verdict.direction}"
    return replace(verdict, label=f"{direction}, {verdict.evidence}")
