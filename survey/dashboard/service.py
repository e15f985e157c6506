"""From the database to a dashboard: load, aggregate (cached per data version), cut, chart."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis import charts
from survey.dashboard import model
from survey.dashboard.loading import score_cache, wave_scores
from survey.instruments import questionnaire_for
from survey.models import Assessment, Invitation, Team
from survey.models.organisation import team_paths

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


@dataclass(frozen=True)
class Dashboard:
    view: model.OrganisationView
    team: model.TeamNode
    wave: model.WaveInfo
    sections: dict[str, model.Section]
    specs: dict[str, dict]


def organisation_view(session: Session, assessment: Assessment) -> model.OrganisationView:
    """Every team's aggregates in every wave of the assessment; rebuilt only when data change."""
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
    key = (
        "view",
        assessment.id,
        assessment.min_group_size,
        tuple((wave.id, scores[wave.id].n) for wave in waves),
        tuple(nodes),
    )
    cache = score_cache()
    view = cache.get(key)
    if view is None:
        dimensions = [dimension.name for dimension in questionnaire.dimensions]
        view = model.build_view(nodes, waves, dimensions, scores, assessment.min_group_size)
        view.version = key
        cache.put(key, view)
    return view


def manager_scores(session: Session, assessment: Assessment, wave_id: int):
    """The managers' answers of one wave, or None when the assessment has no manager version."""
    if not assessment.manager_questionnaire_key:
        return None
    questionnaire = questionnaire_for(*assessment.instrument("manager"))
    return wave_scores(session, [wave_id], questionnaire, "manager")[wave_id]


def invitation_counts(session: Session, wave_id: int) -> dict[int, tuple[int, int]]:
    rows = session.execute(
        select(Invitation.team_id, func.count(), func.count(Invitation.used_on))
        .where(Invitation.wave_id == wave_id)
        .group_by(Invitation.team_id)
    ).all()
    return {team_id: (invited, answered) for team_id, invited, answered in rows}


def dashboard(
    session: Session, assessment: Assessment, team_id: int, wave_id: int, with_specs: bool = True
) -> Dashboard:
    """One team's sections for one wave, and (for pages) its chart specs; cached per data version.

    Specs skip Altair's schema validation here: every builder is validated in its tests, and
    validation is a third of the time of a first request.
    """
    view = organisation_view(session, assessment)
    questionnaire = questionnaire_for(*assessment.instrument("rep"))
    ladder_labels = (
        {target.key: target.label for target in questionnaire.ladder.targets}
        if questionnaire.ladder
        else {}
    )
    invited = invitation_counts(session, wave_id)
    managers = manager_scores(session, assessment, wave_id)
    key = (
        "dashboard",
        view.version,
        team_id,
        wave_id,
        tuple(sorted(invited.items())),
        managers.n if managers else None,
        with_specs,
    )
    cache = score_cache()
    cached = cache.get(key)
    if cached is not None:
        return cached
    sections = {
        section.key: section
        for section in (
            model.headline(view, team_id, wave_id),
            model.changes(view, team_id, wave_id),
            model.trend(view, team_id),
            model.distribution(view, team_id, wave_id),
            model.profile(view, team_id, wave_id),
            model.heatmap(view, team_id, wave_id),
            model.ladder(view, team_id, ladder_labels),
            model.cooperation(view, team_id, wave_id),
            model.perception(view, managers, team_id, wave_id),
            model.response_rates(view, team_id, invited),
        )
    }
    specs = {
        name: build(sections[name], view.k).to_dict(validate=False)
        for name, build in CHARTS.items()
        if with_specs and not sections[name].table.empty
    }
    wave = next(w for w in view.waves if w.id == wave_id)
    result = Dashboard(view, view.teams[team_id], wave, sections, specs)
    cache.put(key, result)
    return result
