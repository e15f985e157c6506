"""Instrument quality pages, for admins and consultants; an assessment's page in scope only.

The figures come from :mod:`survey.quality.pages`; while they are computed in the background,
the page says so and refreshes itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from survey.access import assessment_or_404, organisation_or_404
from survey.audit import record
from survey.db import db
from survey.forms import form_page
from survey.instruments import all_questionnaires
from survey.models import Assessment
from survey.quality import bp
from survey.quality.forms import COUNT, LEAVE_OUT, CarelessForm
from survey.releases.store import latest_releases

if TYPE_CHECKING:
    from survey.quality.computing import Failed

ASSESSMENT = "/clients/<int:organisation_id>/assessments/<int:assessment_id>/quality"
REFRESH_SECONDS = 3


@bp.get(ASSESSMENT)
def assessment(organisation_id: int, assessment_id: int):
    # imported here: heavy, see README 'Workers'
    from survey.quality import words
    from survey.quality.computing import Failed
    from survey.quality.pages import assessment_parts, careless_setting

    organisation = organisation_or_404(db.session, current_user, organisation_id)
    found = assessment_or_404(db.session, current_user, assessment_id, organisation)
    releases = latest_releases(db.session, found)
    parts = assessment_parts(db.session, found, releases)
    if parts is None or isinstance(parts, Failed):
        return _computing(_("%(name)s: instrument quality", name=found.name), parts)
    return render_template(
        "quality/assessment.html",
        organisation=organisation,
        assessment=found,
        parts=parts,
        careless=careless_setting(db.session, found, releases),
        words=words,
        thresholds=_thresholds(),
    )


@bp.route(ASSESSMENT + "/careless", methods=["GET", "POST"])
def careless(organisation_id: int, assessment_id: int):
    # imported here: heavy, see README 'Workers'
    from survey.quality.pages import careless_setting

    organisation = organisation_or_404(db.session, current_user, organisation_id)
    found = assessment_or_404(db.session, current_user, assessment_id, organisation)
    setting = careless_setting(db.session, found, latest_releases(db.session, found))
    form = CarelessForm(data={"careless": LEAVE_OUT if found.careless_left_out else COUNT})
    if not form.validate_on_submit():
        return form_page(
            "quality/careless.html",
            form,
            organisation=organisation,
            assessment=found,
            setting=setting,
        )
    wanted = form.careless.data == LEAVE_OUT
    if wanted != found.careless_left_out:
        _set_careless(found, wanted, list(setting.applies_to))
        flash(
            _(
                "Responses flagged as careless are now left out of the results of waves "
                "released from now on."
            )
            if wanted
            else _(
                "Responses flagged as careless are now counted in the results of waves "
                "released from now on."
            )
        )
    else:
        flash(_("Nothing changed."))
    return redirect(
        url_for("quality.assessment", organisation_id=organisation.id, assessment_id=found.id)
    )


@bp.get("/instruments/quality")
def instruments():
    # imported here: heavy, see README 'Workers'
    from survey.quality import words

    return render_template(
        "quality/instruments.html",
        questionnaires=sorted(all_questionnaires().values(), key=lambda q: (q.key, q.version)),
        words=words,
    )


@bp.get("/instruments/<key>/<int:version>/quality")
def pooled(key: str, version: int):
    # imported here: heavy, see README 'Workers'
    from survey.quality import words
    from survey.quality.computing import Failed
    from survey.quality.pages import pooled_part

    questionnaire = all_questionnaires().get((key, version))
    if questionnaire is None:
        abort(404)
    figures = pooled_part(db.session, questionnaire)
    if figures is None or isinstance(figures, Failed):
        title = _(
            "%(title)s, version %(version)s: instrument quality",
            title=questionnaire.title,
            version=version,
        )
        return _computing(title, figures)
    return render_template(
        "quality/pooled.html",
        questionnaire=questionnaire,
        figures=figures,
        words=words,
        thresholds=_thresholds(),
    )


def _thresholds() -> dict[str, float]:
    """The cut-offs the pages quote, by name."""
    # imported here: heavy, see README 'Workers'
    from survey.quality.figures import ACCEPTABLE_ALPHA, MIN_SCALE, WEAK_ITEM_TOTAL, WEAK_LOADING

    return {
        "scale": MIN_SCALE,
        "weak_loading": WEAK_LOADING,
        "acceptable_alpha": ACCEPTABLE_ALPHA,
        "weak_item_total": WEAK_ITEM_TOTAL,
    }


def _set_careless(assessment: Assessment, left_out: bool, applies_to: list[str]) -> None:
    record(
        db.session,
        "assessment.careless",
        organisation_id=assessment.organisation_id,
        target=f"assessment {assessment.id}",
        before=assessment.careless_left_out,
        after=left_out,
        applies_to=applies_to,
    )
    assessment.careless_left_out = left_out
    db.session.commit()


def _computing(title: str, failed: Failed | None):
    """The page while the figures are computed (refreshing itself), or once they failed."""
    if failed is not None:
        return render_template("quality/computing.html", title=title, failed=True), 500
    page = render_template("quality/computing.html", title=title, seconds=REFRESH_SECONDS)
    return page, 200, {"Refresh": str(REFRESH_SECONDS)}
