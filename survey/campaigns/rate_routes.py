"""The response-rate page of one wave, and the JSON it polls (every 15 seconds) to stay current.

Every count of answers is coarse (``survey.campaigns.rates.shown_row``): ``null`` in the JSON,
"fewer than k" on the page, below the assessment's minimum group size.
"""

from __future__ import annotations

from flask import current_app, jsonify, render_template
from flask_login import current_user

from survey import i18n
from survey.access import assessment_or_404, organisation_or_404, wave_or_404
from survey.campaigns import bp
from survey.campaigns.rates import shown_row, totals, wave_rates
from survey.campaigns.schedule import wave_status, when
from survey.db import db
from survey.models._columns import utcnow
from survey.models.organisation import teams_of


def _rates(organisation_id: int, assessment_id: int, wave_id: int):
    """The organisation, assessment and wave, with the wave's rows and totals as shown."""
    organisation = organisation_or_404(db.session, current_user, organisation_id)
    assessment = assessment_or_404(db.session, current_user, assessment_id, organisation)
    wave = wave_or_404(db.session, current_user, assessment, wave_id)
    rows = wave_rates(db.session, list(db.session.scalars(teams_of(organisation.id))), wave.id)
    k = assessment.min_group_size
    return organisation, assessment, wave, [shown_row(row, k) for row in rows], totals(rows, k)


@bp.get("/<int:assessment_id>/waves/<int:wave_id>/rates")
def rates(organisation_id: int, assessment_id: int, wave_id: int):
    organisation, assessment, wave, rows, total = _rates(organisation_id, assessment_id, wave_id)
    now = utcnow()
    return render_template(
        "campaigns/rates.html",
        organisation=organisation,
        assessment=assessment,
        wave=wave,
        status=wave_status(wave, now),
        when=when(wave),
        rows=rows,
        total=total,
        updated_at=now,
        poll_seconds=current_app.config["RATES_POLL_SECONDS"],
    )


@bp.get("/<int:assessment_id>/waves/<int:wave_id>/rates.json")
def rates_json(organisation_id: int, assessment_id: int, wave_id: int):
    _organisation, assessment, wave, rows, total = _rates(organisation_id, assessment_id, wave_id)
    now = utcnow()
    return jsonify(
        wave={"id": wave.id, "name": wave.name, "status": wave_status(wave, now)},
        updated_at=i18n.when(now),
        k=assessment.min_group_size,
        total=total,
        teams=rows,
    )
