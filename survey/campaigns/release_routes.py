"""Releasing a wave's results: an interim release while it is open, the final one at closing."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import login_required

from survey.audit import record
from survey.campaigns import bp
from survey.campaigns.access import assessment_or_404, organisation_or_404, wave_or_404
from survey.campaigns.forms import ConfirmForm
from survey.db import db
from survey.models._columns import utcnow
from survey.releases.build import next_interim_problem
from survey.releases.store import release_wave


@bp.route("/<int:assessment_id>/waves/<int:wave_id>/release", methods=["GET", "POST"])
@login_required
def release(organisation_id: int, assessment_id: int, wave_id: int):
    """Confirm (GET) and make (POST) an interim release of an open wave."""
    organisation = organisation_or_404(db.session, organisation_id)
    assessment = assessment_or_404(db.session, organisation, assessment_id)
    wave = wave_or_404(db.session, assessment, wave_id)
    problem = (
        None
        if wave.is_open(utcnow())
        else f"{wave.name} is not open: a wave's results are released in full when it closes."
    ) or next_interim_problem(db.session, wave)
    form = ConfirmForm()
    page = {
        "organisation": organisation,
        "assessment": assessment,
        "wave": wave,
        "problem": problem,
        "form": form,
    }
    if problem is not None:
        return render_template("campaigns/release.html", **page), 409
    if not form.validate_on_submit():
        return render_template("campaigns/release.html", **page)
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
        flash(f"Interim results of {wave.name} are released: managers now see them.")
    else:
        flash("Another release of this wave was made at the same moment; nothing more was done.")
    return redirect(
        url_for(
            "campaigns.assessment", organisation_id=organisation.id, assessment_id=assessment.id
        )
    )
