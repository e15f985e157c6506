"""A team's released results read in words: two to four sentences and where to start.

Nothing here computes a statistic. The sentences restate figures and verdicts a dashboard
already shows: the mindset index with its 95% interval, the dimension means, the verdict
of the change since the previous released wave (:func:`analysis.change.classify_changes`,
Benjamini-Hochberg over the organisation), and the verdicts of each dimension against the rest
of the organisation and against the previous wave (:mod:`analysis.dimension_comparison`).
Where the index sits is read off its interval against the midpoint, never off the mean alone;
dimensions are ranked by their means and the ranking is said to be untested (overlapping or
not, intervals are not a test: Schenker & Gentleman 2001, The American Statistician 55(3),
182-186); only the dimension differences whose test says they are larger than chance
variation are named. A change the test cannot tell from chance is never called "no change"
(Altman & Bland 1995, BMJ 311, 485: absence of evidence is not evidence of absence).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from analysis._text import _, join
from analysis.change import (
    BEYOND_CHANCE,
    NOT_TESTABLE,
    TOO_FEW,
    TOWARDS_CONTRACTUAL,
    TOWARDS_PURPOSE,
    WITHIN_CHANCE,
)
from analysis.dimension_comparison import REST

VALUES_END = "management by values"
OBJECTIVES_END = "management by objectives"
MIDPOINT = 50.0
"""Halfway between contractual (0) and purpose-driven (100); also where a dimension's mean
switches from the contractual pole's practices to the purpose pole's."""
FEW_ANSWERS = 10
"""Below this many answers the reading says "only": a wording convention, not a test."""
WIDE_INTERVAL = 20.0
"""A 95% interval of the index wider than this (points on 0-100) is called wide: wording only."""
SUGGESTIONS = 3
"""Practices suggested: two for the lowest dimension, one for the next lowest."""

OBJECTIVES = (
    "management by objectives (targets cut per territory, managers saying what and how, control)"
)
VALUES = "management by values (giving the why, trust, teams, embracing change)"
PURPOSE_WORDS = {  # the English words; purpose_words() gives them in the reader's language
    "motivation": "working for meaning and for the people the work serves",
    "responsibility": "caring for the company's results and its customers",
    "cooperation": "sharing best practices and working with product and marketing",
    "management": "giving the why, trusting people and keeping a dialogue open",
    "change": "embracing change and seeing the organisation as one system",
    "incentives": "rewarding cooperation and long-term value beyond the numbers",
}
"""What the purpose pole of each dimension looks like, in the essay's words."""


def purpose_words(key: str) -> str | None:
    """:data:`PURPOSE_WORDS` of ``key`` in the reader's language (None for an unknown key)."""
    words = {
        "motivation": _("working for meaning and for the people the work serves"),
        "responsibility": _("caring for the company's results and its customers"),
        "cooperation": _("sharing best practices and working with product and marketing"),
        "management": _("giving the why, trusting people and keeping a dialogue open"),
        "change": _("embracing change and seeing the organisation as one system"),
        "incentives": _("rewarding cooperation and long-term value beyond the numbers"),
    }
    return words.get(key)


T = TypeVar("T")


@dataclass(frozen=True)
class Standing:
    """The team's released mindset index: answers, mean and 95% interval (0-100)."""

    n: int
    mean: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class DimensionMean:
    """One released dimension mean (0-100) of the team."""

    key: str
    name: str
    mean: float


@dataclass(frozen=True)
class Change:
    """The team's change since the previous released wave, as its dashboard shows it.

    ``verdict`` is the change's label (:class:`analysis.change.ChangeVerdict`), ``detectable``
    the change its size could pick up (NaN if unknown); both None with ``hidden`` set when the
    change is not shown, and why.
    """

    before: str
    difference: float | None = None
    verdict: str | None = None
    detectable: float = math.nan
    hidden: str | None = None


@dataclass(frozen=True)
class DimensionDifference:
    """One of the team's dimensions against the rest of the organisation (``against`` is
    :data:`~analysis.dimension_comparison.REST`) or its previous released wave (``against`` is
    that wave's name), as its dashboard shows it: the team minus the rest, or now minus before
    (points, 0-100), and the verdict's label (:class:`analysis.change.ChangeVerdict`)."""

    key: str
    name: str
    against: str
    difference: float
    verdict: str


@dataclass(frozen=True)
class Suggestion(Generic[T]):
    """A practice suggested for a dimension, and why it was chosen."""

    practice: T
    dimension: str
    because: str


def reading(
    team: str,
    wave: str,
    standing: Standing,
    dimensions: Sequence[DimensionMean],
    change: Change | None,
    differences: Sequence[DimensionDifference] = (),
) -> list[str]:
    """Where the team sits, its highest and lowest dimensions, what changed, how sure we are.

    ``change`` is None in the first released wave. ``differences`` are the team's dimensions
    against the rest of the organisation and the previous wave: what they say is folded into
    the ranking sentence (:func:`against_the_rest`) and into what changed
    (:func:`dimensions_moved`), so the reading keeps to four sentences.

    >>> reading("Paris", "Autumn", Standing(40, 62.0, 58.0, 66.0), [], None)[0]
    'In Autumn, Paris leans towards management by values (giving the why, trust, teams, \
embracing change): its mindset index is 62 on a scale from 0 (management by objectives) to 100 \
(management by values).'
    """
    sentences = [where_it_sits(team, wave, standing)]
    ranked = _joined(highest_and_lowest(dimensions), against_the_rest(differences))
    if ranked:
        sentences.append(ranked)
    changed, moved = what_changed(change), dimensions_moved(differences)
    sentences.append(
        _("%(changed)s; of its dimensions, %(moved)s.", changed=changed[:-1], moved=moved)
        if moved
        else changed
    )
    sentences.append(how_sure(standing, first_wave=change is None))
    return sentences


def _joined(sentence: str | None, clause: str | None) -> str | None:
    """``sentence`` with ``clause`` added after a semicolon; the clause alone as a sentence."""
    if not clause:
        return sentence
    if not sentence:
        return f"{clause[0].upper()}{clause[1:]}."
    return _("%(sentence)s; %(clause)s.", sentence=sentence[:-1], clause=clause)


def against_the_rest(differences: Sequence[DimensionDifference]) -> str | None:
    """The dimensions on which the team differs from the rest of the organisation by more than
    chance variation, as a clause; None when no dimension was compared with the rest.

    >>> print(against_the_rest([
    ...     DimensionDifference("cooperation", "Cooperation", REST, 8.2,
    ...                         "further towards purpose, larger than chance variation"),
    ...     DimensionDifference("incentives", "Incentives", REST, -6.1,
    ...                         "further towards contractual, larger than chance variation"),
    ...     DimensionDifference("change", "Change and complexity", REST, 1.0,
    ...                         "further towards purpose, not distinguishable from chance")]))
    against the rest of the organisation, it is further towards management by values on \
cooperation (+8 points) and nearer management by objectives on incentives (−6), differences \
larger than chance variation; on the other dimensions the tests cannot tell it from the rest
    """
    rest = [d for d in differences if d.against == REST]
    if not rest:
        return None
    beyond = [d for d in rest if d.verdict.endswith(BEYOND_CHANCE)]
    if not beyond:
        return _("the tests cannot tell any of its dimensions from the rest of the organisation")
    figures = _figures(beyond)
    values = [figures[d.key] for d in beyond if towards(d.verdict) == VALUES_END]
    objectives = [figures[d.key] for d in beyond if towards(d.verdict) != VALUES_END]
    sides = (
        [_("further towards management by values on %(dimensions)s", dimensions=join(values))]
        if values
        else []
    ) + (
        [_("nearer management by objectives on %(dimensions)s", dimensions=join(objectives))]
        if objectives
        else []
    )
    if len(beyond) > 1:
        clause = _(
            "against the rest of the organisation, it is %(sides)s, differences larger than "
            "chance variation",
            sides=join(sides),
        )
    else:
        clause = _(
            "against the rest of the organisation, it is %(sides)s, a difference larger than "
            "chance variation",
            sides=join(sides),
        )
    if len(beyond) < len(rest):
        clause = _(
            "%(clause)s; on the other dimensions the tests cannot tell it from the rest",
            clause=clause,
        )
    return clause


def dimensions_moved(differences: Sequence[DimensionDifference]) -> str | None:
    """The dimensions that moved since the previous wave by more than chance variation, as a
    clause; None when none did (the index's sentence says the rest).

    >>> print(dimensions_moved([DimensionDifference(
    ...     "cooperation", "Cooperation", "Spring", 6.4,
    ...     "moved towards purpose, larger than chance variation")]))
    cooperation moved +6 points towards management by values, more than chance variation \
would explain
    """
    beyond = [d for d in differences if d.against != REST and d.verdict.endswith(BEYOND_CHANCE)]
    if not beyond:
        return None
    moves = []
    for i, d in enumerate(beyond):
        name, points = d.name.lower(), _points(d.difference, first=i == 0)
        if towards(d.verdict) == VALUES_END:
            moves.append(
                _(
                    "%(dimension)s moved %(points)s towards management by values",
                    dimension=name,
                    points=points,
                )
            )
        else:
            moves.append(
                _(
                    "%(dimension)s moved %(points)s towards management by objectives",
                    dimension=name,
                    points=points,
                )
            )
    return _("%(moves)s, more than chance variation would explain", moves=join(moves))


def _figures(differences: Sequence[DimensionDifference]) -> dict[str, str]:
    """``{key: "name (+8 points)"}``, with "points" said once."""
    return {
        d.key: _(
            "%(dimension)s (%(points)s)",
            dimension=d.name.lower(),
            points=_points(d.difference, first=i == 0),
        )
        for i, d in enumerate(differences)
    }


def _points(difference: float, *, first: bool) -> str:
    """A difference in whole points with its sign (a typeset minus), "points" after the first."""
    figure = f"{difference:+.0f}".replace("-", "\u2212")
    return _("%(figure)s points", figure=figure) if first else figure


def towards(verdict: str) -> str:
    """The end of the continuum a verdict beyond chance points to, in the essay's words.

    >>> towards("moved towards contractual, larger than chance variation")
    'management by objectives'
    """
    if TOWARDS_PURPOSE in verdict:
        return VALUES_END
    if TOWARDS_CONTRACTUAL in verdict:
        return OBJECTIVES_END
    raise ValueError(f"a difference beyond chance needs a direction: {verdict!r}")


def where_it_sits(team: str, wave: str, standing: Standing) -> str:
    """The index and which side of the midpoint its whole 95% interval lies on, if either."""
    index = f"{standing.mean:.0f}"
    if standing.ci_low > MIDPOINT:
        return _(
            "In %(wave)s, %(team)s leans towards management by values (giving the why, trust, "
            "teams, embracing change): its mindset index is %(index)s on a scale from 0 "
            "(management by objectives) to 100 (management by values).",
            wave=wave,
            team=team,
            index=index,
        )
    if standing.ci_high < MIDPOINT:
        return _(
            "In %(wave)s, %(team)s leans towards management by objectives (targets cut per "
            "territory, managers saying what and how, control): its mindset index is %(index)s "
            "on a scale from 0 (management by objectives) to 100 (management by values).",
            wave=wave,
            team=team,
            index=index,
        )
    return _(
        "In %(wave)s, %(team)s sits between management by objectives and management by values, "
        "not clearly on either side: its mindset index is %(index)s on a scale from 0 "
        "(management by objectives) to 100 (management by values).",
        wave=wave,
        team=team,
        index=index,
    )


def highest_and_lowest(dimensions: Sequence[DimensionMean]) -> str | None:
    """The dimensions with the highest and lowest means, said to be a ranking, not a test.

    None with fewer than two dimensions; no ranking when the means round to the same figure.

    >>> print(highest_and_lowest([DimensionMean("change", "Change and complexity", 60.0),
    ...                           DimensionMean("incentives", "Incentives", 41.0)]))
    It is closest to management by values on change and complexity (60) and furthest from it \
on incentives (41), that is rewarding cooperation and long-term value beyond the numbers (a \
ranking of this wave's means, not a tested difference).
    """
    scored = [d for d in dimensions if not math.isnan(d.mean)]
    if len(scored) < 2:
        return None
    top = max(scored, key=lambda d: d.mean)
    bottom = min(scored, key=lambda d: d.mean)
    if f"{top.mean:.0f}" == f"{bottom.mean:.0f}":
        return _("Its six dimensions have about the same mean (%(mean)s).", mean=f"{top.mean:.0f}")
    words = purpose_words(bottom.key)
    figures = {
        "top": top.name.lower(),
        "top_mean": f"{top.mean:.0f}",
        "bottom": bottom.name.lower(),
        "bottom_mean": f"{bottom.mean:.0f}",
    }
    if words:
        return _(
            "It is closest to management by values on %(top)s (%(top_mean)s) and furthest from "
            "it on %(bottom)s (%(bottom_mean)s), that is %(words)s (a ranking of this wave's "
            "means, not a tested difference).",
            words=words,
            **figures,
        )
    return _(
        "It is closest to management by values on %(top)s (%(top_mean)s) and furthest from it "
        "on %(bottom)s (%(bottom_mean)s) (a ranking of this wave's means, not a tested "
        "difference).",
        **figures,
    )


def what_changed(change: Change | None) -> str:
    """The change's verdict in words: a direction only when the test says it is likely real.

    >>> what_changed(Change("Spring", 1.5, "moved towards purpose, not distinguishable from "
    ...                     "chance", 9.0))
    'Since Spring the index moved +1.5 points, which the test cannot tell from chance variation \
(not the same as no change: at this size only a change of about 9 points would likely show).'
    """
    if change is None:
        return _(
            "This is the first released wave: it sets the baseline, and change shows from the next."
        )
    before = change.before
    if change.hidden is not None or change.verdict is None or change.difference is None:
        return _(
            "The change since %(before)s cannot be read: %(reason)s.",
            before=before,
            reason=change.hidden or _("not shown"),
        )
    if change.verdict == TOO_FEW:
        return _(
            "Since %(before)s, too few answers in one of the two waves to tell whether it moved.",
            before=before,
        )
    moved = _("%(difference)s points", difference=f"{change.difference:+.1f}")
    if change.verdict.endswith(BEYOND_CHANCE):
        if towards(change.verdict) == VALUES_END:
            return _(
                "Since %(before)s it has moved towards management by values (%(moved)s), more "
                "than chance variation would explain.",
                before=before,
                moved=moved,
            )
        return _(
            "Since %(before)s it has moved towards management by objectives (%(moved)s), more "
            "than chance variation would explain.",
            before=before,
            moved=moved,
        )
    if change.verdict.endswith(NOT_TESTABLE):
        return _(
            "Since %(before)s the index moved %(moved)s, but the change cannot be tested.",
            before=before,
            moved=moved,
        )
    if change.verdict.endswith(WITHIN_CHANCE):
        if math.isnan(change.detectable):
            return _(
                "Since %(before)s the index moved %(moved)s, which the test cannot tell from "
                "chance variation (not the same as no change).",
                before=before,
                moved=moved,
            )
        return _(
            "Since %(before)s the index moved %(moved)s, which the test cannot tell from chance "
            "variation (not the same as no change: at this size only a change of about "
            "%(detectable)s points would likely show).",
            before=before,
            moved=moved,
            detectable=f"{change.detectable:.0f}",
        )
    raise ValueError(f"unknown verdict {change.verdict!r}")


def how_sure(standing: Standing, *, first_wave: bool) -> str:
    """How much the reading rests on: answers, the index's 95% interval, a first wave.

    >>> how_sure(Standing(7, 52.0, 38.0, 66.0), first_wave=True)
    'How sure we are: this rests on only 7 answers, with a wide 95% interval of 38 to 66, in a \
first wave with nothing earlier to check it against.'
    """
    if standing.n < FEW_ANSWERS:
        parts = [_("this rests on only %(n)s answers", n=standing.n)]
    else:
        parts = [_("this rests on %(n)s answers", n=standing.n)]
    if not (math.isnan(standing.ci_low) or math.isnan(standing.ci_high)):
        low, high = f"{standing.ci_low:.0f}", f"{standing.ci_high:.0f}"
        if standing.ci_high - standing.ci_low > WIDE_INTERVAL:
            parts.append(_("with a wide 95%% interval of %(low)s to %(high)s", low=low, high=high))
        else:
            parts.append(_("with a 95%% interval of %(low)s to %(high)s", low=low, high=high))
    if first_wave:
        parts.append(_("in a first wave with nothing earlier to check it against"))
    return _("How sure we are: %(parts)s.", parts=", ".join(parts))


def hidden(team: str, wave: str, reason: str) -> list[str]:
    """The reading of a team whose results are not shown: why, and that nothing is inferred."""
    return [
        _(
            "%(team)s's results for %(wave)s are not shown (%(reason)s): the group is too small, "
            "or too close to a small one, to describe without risking someone's answers.",
            team=team,
            wave=wave,
            reason=reason,
        ),
        _("So there is no reading, and nothing is inferred from the teams around it."),
    ]


def suggestions(
    dimensions: Sequence[DimensionMean],
    practices: Mapping[tuple[str, str], Sequence[T]],
) -> list[Suggestion[T]]:
    """Up to :data:`SUGGESTIONS` practices for the team's lowest released dimensions.

    Two for the lowest mean and one for the next lowest, from the list of the pole the mean
    sits nearer to (``practices[(dimension key, "contractual" or "purpose")]``, in order).
    Nothing when no dimension is released.

    >>> lists = {("cooperation", "contractual"): ["exchange", "target"],
    ...          ("incentives", "purpose"): ["nominate"]}
    >>> [(s.practice, s.because) for s in suggestions(
    ...     [DimensionMean("cooperation", "Cooperation", 41.0),
    ...      DimensionMean("incentives", "Incentives", 55.0)], lists)]
    [('exchange', "suggested because cooperation is the team's lowest"), ('target', \
"suggested because cooperation is the team's lowest"), ('nominate', "suggested because \
incentives is the team's second lowest")]
    """
    scored = sorted((d for d in dimensions if not math.isnan(d.mean)), key=lambda d: d.mean)
    chosen: list[Suggestion[T]] = []
    for rank, (dimension, wanted) in enumerate(zip(scored, (2, 1), strict=False)):
        pole = "contractual" if dimension.mean < MIDPOINT else "purpose"
        name = dimension.name.lower()
        because = (
            _("suggested because %(dimension)s is the team's lowest", dimension=name)
            if rank == 0
            else _("suggested because %(dimension)s is the team's second lowest", dimension=name)
        )
        chosen += [
            Suggestion(practice, dimension.key, because)
            for practice in practices.get((dimension.key, pole), ())[:wanted]
        ]
    return chosen[:SUGGESTIONS]
