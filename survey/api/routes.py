"""``/api/v1``: the assessments in one's scope, and one team's aggregates for one wave."""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from survey.access import assessments_in_scope, scope_root_teams, selection_or_404
from survey.api import bp
from survey.db import db

if TYPE_CHECKING:
    from survey.releases.read import Dashboard


@bp.errorhandler(HTTPException)
def json_error(error: HTTPException):
    return jsonify(error={"status": error.code, "message": error.name}), error.code


def api_login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return jsonify(error={"status": 401, "message": _("Log in first.")}), 401
        return view(*args, **kwargs)

    return wrapped


@bp.get("/assessments")
@api_login_required
def assessments():
    return jsonify(
        assessments=[
            {
                "id": assessment.id,
                "name": assessment.name,
                "organisation": assessment.organisation.name,
                "min_group_size": assessment.min_group_size,
                "waves": [{"id": wave.id, "name": wave.name} for wave in assessment.waves],
                "teams": [
                    {"id": team.id, "name": team.name}
                    for team in scope_root_teams(
                        db.session, current_user, assessment.organisation_id
                    )
                ],
            }
            for assessment in assessments_in_scope(db.session, current_user)
        ]
    )


@bp.get("/assessments/<int:assessment_id>/teams/<int:team_id>")
@api_login_required
def team_aggregates(assessment_id: int, team_id: int):
    # imported here: heavy, see README 'Workers'
    from survey.aggregates.dashboards import dashboard
    from survey.aggregates.export import table_records
    from survey.releases.words import LISTED as WORDS_LISTED

    assessment, team, wave = selection_or_404(
        db.session, current_user, assessment_id, team_id, request.args.get("wave")
    )
    board = dashboard(db.session, assessment, team.id, wave.id, with_specs=False)
    return jsonify(
        assessment={"id": assessment.id, "name": assessment.name},
        team={"id": team.id, "name": team.name, "path": board.team.path},
        wave={"id": wave.id, "name": wave.name},
        min_group_size=board.view.k,
        release=(
            {
                "seq": board.release.seq,
                "final": board.release.final,
                "released_on": board.release.created_at.date().isoformat(),
            }
            if board.release
            else None
        ),
        children=[{"id": child.id, "name": child.name} for child in board.view.children(team.id)],
        reading=reading_json(board),
        sections={
            key: {
                "title": section.title,
                "rows": table_records(
                    section.table.head(WORDS_LISTED) if key == "words" else section.table
                ),
                "hidden": [{"label": label, "reason": reason} for label, reason in section.hidden],
                "findings": list(section.findings),
                "figures": section.figures,
            }
            for key, section in board.sections.items()
        },
    )


def reading_json(board: Dashboard) -> dict:
    """The reading in words, as the dashboard shows it first (``team_reading``): its sentences,
    and each suggested practice (questionnaires/actions) with the dimension it is for and why."""
    from survey.releases.reading import team_reading  # imported here: heavy, see README 'Workers'

    shown = team_reading(board)
    return {
        "sentences": list(shown.sentences),
        "suggestions": [
            {
                "dimension": suggestion.dimension,
                "because": suggestion.because,
                "practice": {
                    "id": suggestion.practice.id,
                    "title": suggestion.practice.title,
                    "why": suggestion.practice.why,
                },
            }
            for suggestion in shown.suggestions
        ],
    }
