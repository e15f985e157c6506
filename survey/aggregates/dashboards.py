"""One team's released dashboard for one wave, with its chart specs (pages, reports, the API).

The sections come from the releases (``survey.releases.read``); this adds the Vega-Lite specs of
the charts and caches the result, as released figures never change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import altair as alt
import pandas as pd
from sqlalchemy.orm import Session

from analysis import charts
from questionnaires.model import LadderTarget
from survey.aggregates.cache import score_cache
from survey.aggregates.model import Section
from survey.i18n import language
from survey.models import Assessment
from survey.releases.labels import measure_name, target_label
from survey.releases.read import Dashboard, ladder_targets, released_dashboard
from survey.releases.words import words_section

CHARTS: dict[str, Callable[[Section, int, list[tuple[str, str]]], alt.TopLevelMixin]] = {
    "trend": lambda section, k, rungs: charts.index_trend_chart(
        section.table, section.figures.get("measure", charts.INDEX_TITLE)
    ),
    "distribution": lambda section, k, rungs: charts.position_distribution_chart(
        section.table, k=k
    ),
    "profile": lambda section, k, rungs: charts.dimension_profile_chart(_named(section.table)),
    "heatmap": lambda section, k, rungs: charts.team_dimension_heatmap(_named(section.table)),
    "ladder": lambda section, k, rungs: charts.ladder_top_rung_chart(
        _rungs_named(section.table), [(target_label(label), pole) for label, pole in rungs], k=k
    ),
    "cooperation": lambda section, k, rungs: charts.cooperation_matrix_chart(section.table),
    "perception": lambda section, k, rungs: charts.perception_gap_chart(
        _named(section.table)[["dimension", "manager_score", "team_mean", "ci_low", "ci_high"]]
    ),
}
"""How each section's chart is built: from its section, ``k`` and the WHY ladder's targets
as ``(label, pole)`` (:func:`ladder_rungs`)."""


def _rungs_named(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its ladder targets named in the reader's language, for a chart's labels."""
    if "rung" not in table.columns:
        return table
    return table.assign(rung=table["rung"].map(target_label))


def _named(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its dimensions named in the reader's language, for a chart's labels."""
    if "dimension" not in table.columns:
        return table
    return table.assign(dimension=table["dimension"].map(measure_name))


def dashboard(
    session: Session, assessment: Assessment, team_id: int, wave_id: int, with_specs: bool = True
) -> Dashboard:
    """One team's sections for one wave from the releases, and (for pages) its chart specs.

    Released figures never change, so a released dashboard is cached by its releases. Specs skip
    Altair's schema validation here: every builder is validated in its tests. The reps' own
    words are read afresh on every call (a consultant may hold some back, a person may have
    theirs erased): :func:`survey.releases.words.words_section`.
    """
    board = _released(session, assessment, team_id, wave_id, with_specs)
    words = words_section(session, assessment, board)
    return replace(board, sections={**board.sections, "words": words})


def _released(
    session: Session, assessment: Assessment, team_id: int, wave_id: int, with_specs: bool
) -> Dashboard:
    board = released_dashboard(session, assessment, team_id, wave_id)
    if board.release is None:
        return board
    key = (
        "dashboard",
        tuple(sorted((w, r.id) for w, r in board.view.releases.items())),
        team_id,
        wave_id,
        with_specs,
        language(),  # titles, findings and chart texts are in the reader's language
        tuple(board.view.waves),  # read live, not from a release: a wave's name can change
    )
    cache = score_cache()
    cached = cache.get(key)
    if cached is not None:
        return cached
    ladder = board.sections["ladder"].table
    rungs = ladder_rungs(ladder_targets(assessment, wave_id), ladder) if with_specs else []
    specs = {
        name: build(board.sections[name], board.view.k, rungs).to_dict(validate=False)
        for name, build in CHARTS.items()
        if with_specs and not board.sections[name].table.empty
    }
    board = replace(board, specs=specs)
    cache.put(key, board)
    return board


def ladder_rungs(targets: Sequence[LadderTarget], table: pd.DataFrame) -> list[tuple[str, str]]:
    """The ladder's targets as ``(label, pole)`` in the questionnaire's order, so each target
    keeps its colour on every team's page; a stored target the questionnaire does not list
    (another version's) follows, in grey."""
    rungs = [(target.label, target.pole) for target in targets]
    known = {label for label, _ in rungs}
    stored = [] if table.empty else list(dict.fromkeys(table["rung"]))
    return rungs + [(str(rung), "") for rung in stored if rung not in known]
