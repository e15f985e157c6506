"""Who may export and print: consultants on their organisations and admins; others get a 404.

A manager, or a consultant asking for another organisation's assessment, gets the same 404 as
for something that does not exist, and the refusal is logged and audited.
"""

from __future__ import annotations

from flask import abort, request
from flask_login import current_user

from survey import scope
from survey.audit import refuse
from survey.db import db
from survey.models import Assessment, Team, Wave
from survey.models._columns import utcnow
from survey.params import parse_id

CONSULTING_ROLES = ("admin", "consultant")


def consulting_assessment(organisation_id: int, assessment_id: int) -> Assessment:
    """The assessment of this organisation, when the user consults on it; else a 404."""
    if current_user.role not in CONSULTING_ROLES:
        refuse(db.session, "consultant page", request.path[:150])
    assessment = scope.get_assessment_or_404(db.session, current_user, assessment_id)
    if assessment.organisation_id != organisation_id:
        refuse(db.session, "assessment", f"{assessment_id} of organisation {organisation_id}")
    return assessment


def chosen_team(assessment: Assessment, team_arg: str | None) -> Team | None:
    """The team asked for by ``?team=``, an active team of the organisation; None: all of it."""
    if not team_arg:
        return None
    team_id = parse_id(team_arg)
    if team_id is None:
        abort(404)
    team = scope.get_team_or_404(db.session, current_user, team_id)
    if team.organisation_id != assessment.organisation_id:
        abort(404)
    return team


def chosen_wave(assessment: Assessment, wave_arg: str | None) -> Wave | None:
    """The wave asked for by ``?wave=``; by default the latest that has opened (else the first).

    None when the assessment has no wave yet.
    """
    if wave_arg:
        wave_id = parse_id(wave_arg)
        if wave_id is None:
            abort(404)
        return scope.get_wave_or_404(db.session, current_user, assessment, wave_id)
    if not assessment.waves:
        return None
    now = utcnow()
    opened = [wave for wave in assessment.waves if wave.opens_at <= now]
    return opened[-1] if opened else assessment.waves[0]
