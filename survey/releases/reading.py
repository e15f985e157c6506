"""A team's released results in words, and practices to start with, from its dashboard.

Thin: only the team's own released, shown figures drive it (the headline's index and dimension
means, the team's own row of the change section, with its verdict, and the team's rows of the
"dimensions" section); never a child team's row, never a hidden cell. :mod:`analysis.reading`
writes the words; the practices come from the action library (:mod:`questionnaires.actions`).
``team_reading`` is a template global, so the dashboard and the reps' share-back page (both
through ``dashboard/_board.html``) show the same reading; the report computes it in
:func:`survey.reports.report.build_report`. :func:`changes_by_dimension` gives other code the
team's tested change on each dimension.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask_babel import gettext as _

from analysis.dimension_comparison import REST
from analysis.reading import (
    Change,
    DimensionDifference,
    DimensionMean,
    Standing,
    Suggestion,
    hidden,
    reading,
    suggestions,
)
from questionnaires import DIMENSION_KEYS, POLES
from questionnaires.actions import Practice, library
from survey.aggregates.model import INDEX
from survey.i18n import language
from survey.instruments import all_questionnaires
from survey.releases.labels import measure_name, reason_words
from survey.releases.read import Dashboard, previous_released


@dataclass(frozen=True)
class TeamReading:
    """The sentences to read first, and the practices suggested for the lowest dimensions."""

    sentences: tuple[str, ...]
    suggestions: tuple[Suggestion[Practice], ...] = ()
    from_figures: bool = False  # read from figures shown below, not only saying why there are none


def team_reading(board: Dashboard) -> TeamReading:
    """The reading of ``board``'s team in its wave (nothing inferred when it is hidden)."""
    name, wave = board.team.name, board.wave.name
    if board.release is None:
        return TeamReading(
            (
                _(
                    "%(wave)s is not released yet, so there is no reading: it comes with the "
                    "results.",
                    wave=wave,
                ),
            )
        )
    headline = board.sections["headline"]
    if headline.table.empty:
        reason = "; ".join(str(reason_words(why)) for _label, why in headline.hidden) or _(
            "no answers"
        )
        return TeamReading(tuple(hidden(name, wave, reason)))
    table = headline.table
    index = table[table["measure"] == INDEX].iloc[0]
    standing = Standing(
        int(index["n"]), _number(index["mean"]), _number(index["ci_low"]), _number(index["ci_high"])
    )
    keys = _dimension_keys()
    dimensions = [
        DimensionMean(keys[measure], measure_name(measure), _number(mean))
        for measure, mean in zip(table["measure"], table["mean"], strict=True)
        if measure in keys
    ]
    actions = library().in_language(language())
    lists = {(key, pole): actions.for_pole(key, pole) for key in DIMENSION_KEYS for pole in POLES}
    return TeamReading(
        tuple(reading(name, wave, standing, dimensions, _change(board), _differences(board))),
        tuple(suggestions(dimensions, lists)),
        from_figures=True,
    )


def _change(board: Dashboard) -> Change | None:
    """The team's own change row and verdict; None in the first released wave."""
    released = [wave for wave in board.view.waves if board.view.released(wave.id)]
    before = previous_released(released, board.wave.id)
    if before is None:
        return None
    section = board.sections["change"]
    if not section.table.empty and section.table.iloc[0]["group"] == board.team.name:
        row = section.table.iloc[0]  # the team itself comes first, then the teams below it
        return Change(
            before.name, _number(row["difference"]), str(row["verdict"]), _number(row["detectable"])
        )
    reason = next((why for label, why in section.hidden if label == board.team.name), None)
    return Change(
        before.name,
        hidden=str(reason_words(reason))
        if reason
        else _("not released for this team in both waves"),
    )


@dataclass(frozen=True)
class DimensionChangeRow:
    """A dimension's change since the previous released wave, as the "dimensions" section shows
    it: now minus before (points, 0-100) and the verdict's label."""

    name: str
    difference: float
    verdict: str


def changes_by_dimension(board: Dashboard) -> dict[str, DimensionChangeRow]:
    """The team's tested change on each dimension since the previous released wave, by
    dimension key (e.g. ``"cooperation"``); empty in a first wave or when it is not shown."""
    section = board.sections.get("dimensions")
    if section is None or section.table.empty:
        return {}
    keys = _dimension_keys()
    table = section.table
    return {
        keys[row["dimension"]]: DimensionChangeRow(
            str(row["dimension"]), _number(row["difference"]), str(row["verdict"])
        )
        for row in table[table["against"] != REST].to_dict(orient="records")
        if row["dimension"] in keys
    }


def _differences(board: Dashboard) -> list[DimensionDifference]:
    """The team's rows of the "dimensions" section (the section shows no other team's)."""
    section = board.sections.get("dimensions")
    if section is None or section.table.empty:
        return []
    keys = _dimension_keys()
    return [
        DimensionDifference(
            keys[row["dimension"]],
            str(measure_name(row["dimension"])),
            str(row["against"]),
            _number(row["difference"]),
            str(row["verdict"]),
        )
        for row in section.table.to_dict(orient="records")
        if row["dimension"] in keys and not math.isnan(_number(row["difference"]))
    ]


def _dimension_keys() -> dict[str, str]:
    """Each dimension's key by its name, over every installed questionnaire."""
    return {
        dimension.name: dimension.key
        for questionnaire in all_questionnaires().values()
        for dimension in questionnaire.dimensions
    }


def _number(value: float | None) -> float:
    """A released figure as a float; NaN for a missing one."""
    return math.nan if value is None else float(value)
