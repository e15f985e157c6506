"""Which assessment, team and wave a dashboard or API request asks for, within the user's scope."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from survey import scope
from survey.db import db
from survey.models._columns import utcnow
from survey.params import parse_id


def selection(assessment_id: int, team_id: int, wave_arg: str | None):
    """The assessment, team and wave asked for, or the same 404 for anything out of scope."""
    assessment = scope.get_assessment_or_404(db.session, current_user, assessment_id)
    team = scope.get_team_or_404(db.session, current_user, team_id)
    if team.organisation_id != assessment.organisation_id or not assessment.waves:
        abort(404)
    wave_id = parse_id(wave_arg) if wave_arg is not None else None
    if wave_arg is not None and wave_id is None:
        abort(404)
    wave = (
        scope.get_wave_or_404(db.session, current_user, assessment, wave_id)
        if wave_id is not None
        else _latest_opened(assessment)
    )
    return assessment, team, wave


def _latest_opened(assessment):
    """The default wave: the latest one that has opened (else the first)."""
    now = utcnow()
    opened = [wave for wave in assessment.waves if wave.opens_at <= now]
    return opened[-1] if opened else assessment.waves[0]
