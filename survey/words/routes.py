"""The words review page of a wave, and its buttons: hold back, show again and sort.

Every button posts the key of one step (``survey.words.review``), never a response's id, and
comes back to the same page of the same list. Each change is audited without the words.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from survey.access import assessment_or_404, organisation_or_404, wave_or_404
from survey.audit import record
from survey.db import db
from survey.errors import error_page
from survey.jobs.files import drop_files
from survey.models import Assessment, LadderRung, Organisation, Release, Wave
from survey.pagination import page_number, paginate_list
from survey.words import bp
from survey.words.forms import SortForm, StepForm
from survey.words.review import (
    FILTERS,
    categories,
    count,
    find_rung,
    shown,
    sort_rung,
    wave_steps,
)

PER_PAGE = 50
UNKNOWN_STEP = _l(
    "No words of this wave have that key: they may have been erased since the page was shown. "
    "Nothing was changed; go back to the list of words."
)


def _place(
    organisation_id: int, assessment_id: int, wave_id: int
) -> tuple[Organisation, Assessment, Wave]:
    """The organisation, assessment and wave of the URL, in the user's scope (else 404)."""
    organisation = organisation_or_404(db.session, current_user, organisation_id)
    assessment = assessment_or_404(db.session, current_user, assessment_id, organisation)
    return organisation, assessment, wave_or_404(db.session, current_user, assessment, wave_id)


def _wanted() -> str:
    """The list asked for in ``?show=``; anything unknown is every step."""
    show = request.args.get("show")
    return show if show in FILTERS else "all"


@bp.get("")
def review(organisation_id: int, assessment_id: int, wave_id: int):
    organisation, assessment, wave = _place(organisation_id, assessment_id, wave_id)
    steps = wave_steps(db.session, wave.id)
    wanted = _wanted()
    number = page_number(request.args.get("page"))
    return render_template(
        "words/review.html",
        organisation=organisation,
        assessment=assessment,
        wave=wave,
        labels=categories(wave),
        counts=count(steps),
        show=wanted,
        filters=FILTERS,
        page=paginate_list(shown(steps, wanted), number, PER_PAGE),
    )


@bp.post("/hold-back")
def hold_back(organisation_id: int, assessment_id: int, wave_id: int):
    return _hold(_place(organisation_id, assessment_id, wave_id)[2], held=True)


@bp.post("/show-again")
def show_again(organisation_id: int, assessment_id: int, wave_id: int):
    return _hold(_place(organisation_id, assessment_id, wave_id)[2], held=False)


@bp.post("/sort")
def sort(organisation_id: int, assessment_id: int, wave_id: int):
    _organisation, _assessment, wave = _place(organisation_id, assessment_id, wave_id)
    labels = categories(wave)
    form = SortForm(labels)
    _check(form)
    rung = _rung_or_404(wave, form.step.data)
    if rung.target is not None:
        return error_page(
            409,
            _(
                "These words already have a category (%(category)s): a rep's own choice, or an "
                "earlier sorting, is never changed. Nothing was stored.",
                category=labels.get(rung.target, rung.target),
            ),
        )
    top = sort_rung(db.session, rung, form.category.data)
    _record(wave, "words.sort", form.step.data, category=form.category.data, top=top)
    flash(_sorted_message(wave, top, labels[form.category.data]))
    return _back(wave)


def _sorted_message(wave: Wave, top: bool, label: str) -> str:
    """What sorting a step says, with what sorting a ladder's top step changes in the released
    results."""
    if not top:
        return _("Sorted these words as “%(category)s”.", category=label)
    finished = db.session.scalar(
        select(Release.id).where(Release.wave_id == wave.id, Release.final.is_(True))
    )
    if finished:
        return _(
            "Sorted these words as “%(category)s”. They end their ladder; the wave's final "
            "release is made and never changes, so its ladder counts stay as they are.",
            category=label,
        )
    return _(
        "Sorted these words as “%(category)s”. They end their ladder, so the wave's next "
        "release counts it there.",
        category=label,
    )


def _hold(wave: Wave, held: bool):
    """Hold back (or show again) the words of the step the form names."""
    form = StepForm()
    _check(form)
    rung = _rung_or_404(wave, form.step.data)
    if rung.held_back == held:
        flash(
            _("Nothing changed: these words were already held back.")
            if held
            else _("Nothing changed: these words were already shown.")
        )
        return _back(wave)
    rung.held_back = held
    if held:  # a report made before would still show them
        drop_files(db.session, wave.assessment.organisation_id)
    _record(wave, "words.hold_back" if held else "words.show_again", form.step.data)
    flash(
        _(
            "Held back these words: they are counted, but never shown to managers, in reports or "
            "to reps."
        )
        if held
        else _(
            "These words will appear in released views again: to managers, in reports and to "
            "reps, wherever their group pools enough people's words."
        )
    )
    return _back(wave)


def _check(form: FlaskForm) -> None:
    """Answer 400 with the form's first message when it is not valid; nothing is stored."""
    if not form.validate_on_submit():
        first = next(iter(form.errors.values()), [""])[0]
        abort(400, _("%(problem)s Nothing was changed.", problem=first).strip())


def _rung_or_404(wave: Wave, key: str) -> LadderRung:
    rung = find_rung(db.session, wave.id, key)
    if rung is None:
        abort(404, UNKNOWN_STEP)
    return rung


def _record(wave: Wave, action: str, key: str, **details) -> None:
    """Audit a change of one step (by its key, never its words) and commit it."""
    record(
        db.session,
        action,
        organisation_id=wave.assessment.organisation_id,
        target=f"wave {wave.id}",
        step=key,
        **details,
    )
    db.session.commit()


def _back(wave: Wave):
    """Back to the page and list the button was on."""
    return redirect(
        url_for(
            "words.review",
            organisation_id=wave.assessment.organisation_id,
            assessment_id=wave.assessment_id,
            wave_id=wave.id,
            page=page_number(request.args.get("page")),
            show=_wanted(),
        )
    )
