"""Dashboard pages and their CSV downloads; every route checks scope on the server.

Managers and consultants alike use these pages (each within their scope, ``survey.access``), so
every route is guarded on its own with ``login_required``.
"""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from survey.access import assessments_in_scope, scope_root_teams, selection_or_404
from survey.dashboard import bp
from survey.db import db
from survey.models import Assessment, Team
from survey.releases.store import latest_released_wave
from survey.security import allow_charts
from survey.spreadsheet import requested_style

REPORT_ROLES = ("admin", "consultant")
"""Who may open an assessment's report (``survey.reports``), linked from the index."""
SWITCHER_ASSESSMENTS = 10
"""Assessments listed in a dashboard's switcher; the index lists them all."""


@bp.get("/")
@login_required
def index():
    """Every assessment in scope with its dashboards (and reports), or the only dashboard."""
    entries = _entries()
    if len(entries) == 1 and len(entries[0][1]) == 1:
        assessment, (team,) = entries[0]
        return redirect(url_for("dashboard.team", assessment_id=assessment.id, team_id=team.id))
    return render_template(
        "dashboard/index.html",
        entries=entries,
        reports=current_user.role in REPORT_ROLES,
    )


@bp.get("/<int:assessment_id>/<int:team_id>")
@login_required
def team(assessment_id: int, team_id: int):
    # imported here: heavy, see README 'Workers'
    from survey.aggregates.dashboards import dashboard
    from survey.dashboard.plans import dashboard_plans

    assessment, team, wave = _selection(assessment_id, team_id)
    board = dashboard(db.session, assessment, team.id, wave.id)
    allow_charts()
    roots = {t.id for t in scope_root_teams(db.session, current_user, assessment.organisation_id)}
    return render_template(
        "dashboard/team.html",
        assessment=assessment,
        wave=wave,
        board=board,
        breadcrumbs=_breadcrumbs(board, roots),
        plans=dashboard_plans(db.session, current_user, assessment, board),
        others=[
            (other, root)
            for other, roots in _entries(SWITCHER_ASSESSMENTS)
            for root in roots
            if (other.id, root.id) != (assessment.id, team.id)
        ],
    )


@bp.get("/<int:assessment_id>/<int:team_id>/<section>.csv")
@login_required
def section_csv(assessment_id: int, team_id: int, section: str):
    # imported here: heavy, see README 'Workers'
    from survey.aggregates.dashboards import dashboard
    from survey.aggregates.export import section_table_csv

    assessment, team, wave = _selection(assessment_id, team_id)
    board = dashboard(db.session, assessment, team.id, wave.id)
    if section not in board.sections:
        abort(404)
    filename = f"{section}-team{team.id}-wave{wave.id}.csv"
    return Response(
        section_table_csv(section, board.sections[section].table, requested_style()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _entries(most: int | None = None) -> list[tuple[Assessment, list[Team]]]:
    """The (``most``) newest assessments in scope, with the teams the user's view starts at."""
    return [
        (assessment, scope_root_teams(db.session, current_user, assessment.organisation_id))
        for assessment in assessments_in_scope(db.session, current_user)[:most]
    ]


def _selection(assessment_id: int, team_id: int):
    """The assessment, team and wave of the URL, in scope; without ``?wave=``, the latest
    released wave, so a dashboard opens on results (an open wave's counts are one pick away)."""
    assessment, team, wave = selection_or_404(
        db.session, current_user, assessment_id, team_id, request.args.get("wave")
    )
    if not request.args.get("wave"):
        wave = latest_released_wave(db.session, assessment) or wave
    return assessment, team, wave


def _breadcrumbs(board, roots: set[int]) -> list:
    """From the highest team the user may see down to this one."""
    trail, node = [], board.team
    while node is not None:
        trail.append(node)
        if node.id in roots:
            break
        node = board.view.teams.get(node.parent_id)
    return list(reversed(trail))
