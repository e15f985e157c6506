"""Dashboards from the releases, with their chart specs; live views for exports only."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis import charts
from survey.dashboard import model
from survey.dashboard.loading import score_cache, wave_scores
from survey.instruments import questionnaire_for
from survey.models import Assessment, Team
from survey.models.organisation import team_paths
from survey.releases.read import Dashboard, released_dashboard

CHARTS = {
    "trend": lambda section, k: charts.index_trend_chart(section.table),
    "distribution": lambda section, k: charts.position_distribution_chart(section.table, k=k),
    "profile": lambda section, k: charts.dimension_profile_chart(section.table),
    "heatmap": lambda section, k: charts.team_dimension_heatmap(section.table),
    "ladder": lambda section, k: charts.ladder_top_rung_chart(section.table, k=k),
    "cooperation": lambda section, k: charts.cooperation_matrix_chart(section.table),
    "perception": lambda section, k: charts.perception_gap_chart(
        section.table[["dimension", "manager_score", "team_mean", "ci_low", "ci_high"]]
    ),
}


def organisation_view(session: Session, assessment: Assessment) -> model.OrganisationView:
    """Every team's live aggregates in every wave; for consultants' response-level exports only."""
    questionnaire = questionnaire_for(*assessment.instrument("rep"))
    waves = [model.WaveInfo(wave.id, wave.name) for wave in assessment.waves]
    scores = wave_scores(session, [wave.id for wave in waves], questionnaire, "rep")
    teams = list(
        session.scalars(
            select(Team).where(Team.organisation_id == assessment.organisation_id).order_by(Team.id)
        )
    )
    paths = team_paths(teams)
    nodes = [model.TeamNode(t.id, t.name, t.parent_id, t.department, paths[t.id]) for t in teams]
    dimensions = [dimension.name for dimension in questionnaire.dimensions]
    return model.build_view(nodes, waves, dimensions, scores, assessment.min_group_size)


def dashboard(
    session: Session, assessment: Assessment, team_id: int, wave_id: int, with_specs: bool = True
) -> Dashboard:
    """One team's sections for one wave from the releases, and (for pages) its chart specs.

    Released figures never change, so a released dashboard is cached by its releases. Specs skip
    Altair's schema validation here: every builder is validated in its tests.
    """
    board = released_dashboard(session, assessment, team_id, wave_id)
    if board.release is None:
        return board
    key = (
        "dashboard",
        tuple(sorted((w, r.id) for w, r in board.view.releases.items())),
        team_id,
        wave_id,
        with_specs,
    )
    cache = score_cache()
    cached = cache.get(key)
    if cached is not None:
        return cached
    specs = {
        name: build(board.sections[name], board.view.k).to_dict(validate=False)
        for name, build in CHARTS.items()
        if with_specs and not board.sections[name].table.empty
    }
    board = replace(board, specs=specs)
    cache.put(key, board)
    return board
