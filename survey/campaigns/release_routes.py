"""Releasing a wave's results: an interim release while it is open, the final one at closing."""

from __future__ import annotations

from flask import flash, redirect
from flask_babel import gettext as _
from flask_login import current_user

from survey.access import assessment_or_404, organisation_or_404, wave_or_404
from survey.audit import record
from survey.campaigns import bp
from survey.campaigns.routes import assessment_url, confirmation_page
from survey.db import db
from survey.models._columns import utcnow
from survey.releases.build import next_interim_problem
from survey.releases.store import release_wave


@bp.route("/<int:assessment_id>/waves/<int:wave_id>/release", methods=["GET", "POST"])
def release(organisation_id: int, assessment_id: int, wave_id: int):
    """Confirm (GET) and make (POST) an interim release of an open wave."""
    organisation = organisation_or_404(db.session, current_user, organisation_id)
    assessment = assessment_or_404(db.session, current_user, assessment_id, organisation)
    wave = wave_or_404(db.session, current_user, assessment, wave_id)
    problem = (
        None
        if wave.is_open(utcnow())
        else f"{wave.name} is not open: a wave's results are released in full when it closes."
    ) or next_interim_problem(db.session, wave)
    page = confirmation_page(
        "campaigns/release.html",
        problem,
        organisation=organisation,
        assessment=assessment,
        wave=wave,
    )
    if page is not None:
        return page
    made = release_wave(db.session, assessment, wave, final=False)
    if made:
        record(
            db.session,
            "wave.release",
            organisation_id=organisation.id,
            target=f"wave {wave.id}",
            final=False,
        )
        db.session.commit()
        flash(_("Interim results of %(wave)s are released: managers now see them.", wave=wave.name))
    else:
        flash(_("Another release of this wave was made at the same moment; nothing more was done."))
    return redirect(assessment_url(assessment))
