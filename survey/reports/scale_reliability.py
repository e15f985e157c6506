"""The reliability of each scale in one wave, as the wave's release stored it.

Alpha comes from :func:`analysis.reliability.scale_reliability` (Cronbach 1951, with the Feldt,
Woodruff & Salih 1987 interval) on the reps' raw answers, reverse-keyed items flagged, computed
when the release is made (:mod:`survey.releases.payload`) over a visible team's subtree, or over
every top team the release shows for a report on the whole organisation. The covariance matrix
behind alpha is made of per-person sums over a published group, which the release's audit
covers; and, like every released figure, it does not change when someone's answers are erased.

With alpha the release stores, per item, its corrected item-total correlation and the alpha of
the scale without it, from the same covariances; releases made before those were stored show
them as not computed.

A group's alpha is shown only where it can be estimated: from :data:`MIN_ANSWERS` answers and
not negative (a negative alpha says the sample is too small or odd, not how the scale
measures). Elsewhere the report says so and gives the scale's alpha pooled over every client's
answers to the same questionnaire version, as the pooled instrument quality page computes it
(:func:`pooled_alphas`), where that sample is large enough.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from sqlalchemy.orm import Session

from analysis.reliability import AlphaResult, ItemStatistics, scale_reliability
from questionnaires import Questionnaire
from survey.aggregates.measures import CLIMATE
from survey.final_answers import on_pooled_sample

ACCEPTABLE_ALPHA = 0.70
"""The least alpha for research on groups: Nunnally (1978), Psychometric Theory, 2nd ed."""
WEAK_ITEM_TOTAL = 0.30
"""Corrected item-total r below which an item is flagged as going poorly with its scale:
Field (2005), Discovering Statistics Using SPSS, 2nd ed., London: Sage ("less than about
.3"), the usual rule of thumb for item analysis."""
MIN_ANSWERS = 30
"""Answers a group needs before its alpha is shown, as on the instrument quality pages
(``survey.quality.figures.MIN_SCALE``): below about 30 alpha swings widely between samples
(Yurdugul 2008, Hacettepe University Journal of Education 35, 397-405)."""


@dataclass(frozen=True)
class PooledAlpha:
    """A scale's alpha over every client's answers to one questionnaire version."""

    alpha: float
    n: int


@dataclass(frozen=True)
class ItemReliability:
    """One statement of a scale: how it goes along with the others, and alpha without it."""

    id: str
    text: str
    reversed: bool
    statistics: ItemStatistics
    raises_alpha: bool  # the scale's alpha, as shown (2 decimals), is higher without it
    weak: bool  # corrected item-total r below WEAK_ITEM_TOTAL


@dataclass(frozen=True)
class ScaleAlpha:
    """One dimension's alpha in one wave."""

    dimension: str
    result: AlphaResult
    items: tuple[ItemReliability, ...] | None = None  # None: not computed for this release
    pooled: PooledAlpha | None = None  # shown where this group's alpha cannot be estimated

    @property
    def estimable(self) -> bool:
        """True when the group's alpha may be shown (or said undefined, with its reason):
        enough answers, and not negative."""
        return self.result.n_used >= MIN_ANSWERS and not self.result.alpha < 0

    @property
    def below_threshold(self) -> bool:
        """True when alpha is shown and below :data:`ACCEPTABLE_ALPHA`."""
        return self.estimable and self.result.alpha < ACCEPTABLE_ALPHA


@dataclass(frozen=True)
class WaveReliability:
    """Each scale's alpha over the pooled visible teams, and the teams left out and why."""

    scales: list[ScaleAlpha]
    teams: list[str]
    left_out: list[tuple[str, str]]
    n: int


def wave_reliability(
    release: dict | None,
    team_ids: list[int],
    whole: bool,
    questionnaire: Questionnaire | None = None,
    pooled: dict[str, PooledAlpha] | None = None,
) -> WaveReliability:
    """Alpha of every dimension as the wave's latest release stored it.

    ``whole``: the report covers the whole organisation (the release's alpha over every top
    team it shows); otherwise ``team_ids`` is the one team reported on. None: the wave is not
    released yet, and there is nothing to show. ``questionnaire`` gives the statements' text;
    ``pooled`` each scale's pooled alpha (:func:`pooled_alphas`).
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
        replace(_scale(row, questionnaire), pooled=(pooled or {}).get(row[0]))
        for row in stored["scales"]
    ]
    names = [tree[str(t)]["name"] for t in shown]
    return WaveReliability(
        scales, names, left_out, max((s.result.n_used for s in scales), default=0)
    )


def _scale(row: list, questionnaire: Questionnaire | None) -> ScaleAlpha:
    """One stored row: 9 columns before item statistics were stored, 10 since."""
    name, alpha, standardized, low, high, n_used, n_items, missing, why = row[:9]
    stored_items = row[9] if len(row) > 9 else None
    statistics = tuple(
        ItemStatistics(_number(dropped), _number(r), reason)
        for _, r, dropped, reason in stored_items or []
    )
    result = AlphaResult(
        _number(alpha),
        _number(standardized),
        (_number(low), _number(high)),
        n_used,
        n_items,
        missing,
        why,
        statistics,
    )
    if stored_items is None:
        return ScaleAlpha(name, result)
    items = []
    for (item_id, *_), item in zip(stored_items, statistics, strict=True):
        known = questionnaire is not None and item_id in questionnaire.item_index
        statement = questionnaire.item(item_id) if known else None
        r, dropped = item.corrected_item_total, item.alpha_if_dropped
        items.append(
            ItemReliability(
                id=item_id,
                text=statement.text if statement else "",
                reversed=bool(statement and statement.reversed),
                statistics=item,
                raises_alpha=bool(round(dropped, 2) > round(result.alpha, 2)),
                weak=bool(r < WEAK_ITEM_TOTAL),
            )
        )
    return ScaleAlpha(name, result, tuple(items))


def _number(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def pooled_alphas(session: Session, questionnaire: Questionnaire) -> dict[str, PooledAlpha]:
    """Each scale's alpha over the pooled quality page's sample of ``questionnaire`` (every
    client's waves released in full), where it has :data:`MIN_ANSWERS` answers (and the
    sample's k) and is not negative; cached until a wave asking it is next released in full."""
    return on_pooled_sample(
        session,
        questionnaire,
        ("pooled alphas",),
        lambda sample: _alphas(sample.answers, questionnaire, max(MIN_ANSWERS, sample.k)),
    )


def _alphas(
    answers: np.ndarray, questionnaire: Questionnaire, minimum: int
) -> dict[str, PooledAlpha]:
    """The own stance's dimensions and, where asked, the management climate as a scale."""
    perspective = [item.perspective for item in questionnaire.items]
    reversed_mask = np.asarray(questionnaire.reversed_mask())
    dimension = np.asarray(questionnaire.item_dimension_index())
    blocks = [("self", [d.name for d in questionnaire.dimensions])]
    if questionnaire.has_climate:
        blocks.append(("climate", [CLIMATE]))
    found = {}
    for name, names in blocks:
        columns = [i for i, p in enumerate(perspective) if p == name]
        codes = dimension[columns] if name == "self" else np.zeros(len(columns), dtype=np.int64)
        results = scale_reliability(
            answers[:, columns], codes, len(names), reversed_items=reversed_mask[columns]
        )
        for scale, result in zip(names, results, strict=True):
            if result.n_used >= minimum and result.alpha >= 0:
                found[scale] = PooledAlpha(float(result.alpha), int(result.n_used))
    return found
