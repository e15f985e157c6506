"""A team's plan page (add, change, remove an action), the plans of every team in scope, and
their CSV. Every route checks the scope on the server; every change is audited and committed
with its audit event."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from survey.access import (
    assessment_or_404,
    by_id,
    chosen_wave,
    selection_or_404,
    team_ids_in_scope,
    team_or_404,
)
from survey.action_plans import (
    PlanFull,
    add_action,
    change_action,
    dimension_names,
    may_change,
    plans_of_teams,
    team_plan,
    why_closed,
)
from survey.audit import record
from survey.db import db
from survey.errors import error_page
from survey.file_names import file_name
from survey.forms import ConfirmForm, form_page
from survey.models import Assessment, PlannedAction, Team, Wave
from survey.models._columns import utcnow
from survey.models.organisation import team_paths, teams_of
from survey.models.plan import MOST_ACTIONS
from survey.pagination import page_number, paginate
from survey.plans import bp
from survey.plans.export import plans_csv
from survey.plans.forms import ActionForm
from survey.releases.store import latest_released_wave
from survey.spreadsheet import requested_style

PER_PAGE = 50


@bp.get("/<int:assessment_id>")
@login_required
def overview(assessment_id: int):
    """The plans of every team in the user's scope after one wave, a page at a time."""
    assessment, wave = _assessment_and_wave(assessment_id)
    teams = team_ids_in_scope(db.session, current_user, assessment.organisation_id)
    page = paginate(
        db.session,
        plans_of_teams(teams, wave.id),
        page_number(request.args.get("page")),
        PER_PAGE,
    )
    return render_template(
        "plans/overview.html",
        assessment=assessment,
        wave=wave,
        page=page,
        waves=list(assessment.waves),
        names=dimension_names(wave),
        paths=team_paths(list(db.session.scalars(teams_of(assessment.organisation_id)))),
    )


@bp.get("/<int:assessment_id>/plans.csv")
@login_required
def export(assessment_id: int):
    """Every plan of the teams in scope after one wave, as CSV."""
    assessment, wave = _assessment_and_wave(assessment_id)
    teams = team_ids_in_scope(db.session, current_user, assessment.organisation_id)
    planned = list(db.session.scalars(plans_of_teams(teams, wave.id)))
    record(
        db.session,
        "export.download",
        organisation_id=assessment.organisation_id,
        target=f"assessment {assessment.id}",
        export="plans",
        wave_id=wave.id,
        rows=len(planned),
    )
    db.session.commit()
    filename = file_name(assessment.organisation.name, assessment.name, wave.name, "plans.csv")
    return Response(
        plans_csv(db.session, assessment, wave, planned, requested_style()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/<int:assessment_id>/<int:team_id>", methods=["GET", "POST"])
@login_required
def team(assessment_id: int, team_id: int):
    """The team's plan after a wave; a POST adds an action."""
    assessment, team, wave = _team_selection(assessment_id, team_id)
    closed = why_closed(db.session, assessment, wave)
    changeable = closed is None and may_change(current_user, team)
    planned = team_plan(db.session, team.id, wave.id)
    form = _form(wave, practice=request.args.get("practice"))
    if request.method == "POST":
        _refuse_unless(changeable, closed)
        if len(planned) >= MOST_ACTIONS:
            return error_page(409, _full())
        if form.validate_on_submit():
            try:
                added = add_action(db.session, team, wave, form.action(), current_user)
            except PlanFull:
                return error_page(409, _full())
            _record("plan.add", added)
            db.session.commit()
            flash(_("Added to the plan."))
            return redirect(_plan_url(added))
    return _page(assessment, team, wave, planned, form, closed, changeable)


@bp.route("/<int:assessment_id>/<int:team_id>/<int:action_id>/edit", methods=["GET", "POST"])
@login_required
def edit(assessment_id: int, team_id: int, action_id: int):
    """Change one action of the plan."""
    assessment, team, planned = _action(assessment_id, team_id, action_id)
    wave = planned.wave
    closed = why_closed(db.session, assessment, wave)
    _refuse_unless(closed is None and may_change(current_user, team), closed)
    form = _form(wave, obj=planned, practice=planned.practice_id or "")
    if request.method == "GET":
        form.due_on.data = planned.due_on
        form.text.data = "" if planned.practice_id else planned.text
    if form.validate_on_submit():
        change_action(planned, form.action())
        _record("plan.change", planned)
        db.session.commit()
        flash(_("Changed the action."))
        return redirect(_plan_url(planned))
    return form_page(
        "plans/edit.html", form, assessment=assessment, team=team, wave=wave, planned=planned
    )


@bp.route("/<int:assessment_id>/<int:team_id>/<int:action_id>/remove", methods=["GET", "POST"])
@login_required
def remove(assessment_id: int, team_id: int, action_id: int):
    """Ask first (GET), then remove one action of the plan (POST)."""
    assessment, team, planned = _action(assessment_id, team_id, action_id)
    closed = why_closed(db.session, assessment, planned.wave)
    _refuse_unless(closed is None and may_change(current_user, team), closed)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400, _("The form expired: open the plan again and retry. Nothing was removed."))
        url = _plan_url(planned)
        _record("plan.remove", planned)
        db.session.delete(planned)
        db.session.commit()  # the removal and its audit event together
        flash(_("Removed the action from the plan."))
        return redirect(url)
    return render_template(
        "plans/remove.html", assessment=assessment, team=team, planned=planned, form=form
    )


def _assessment_and_wave(assessment_id: int) -> tuple[Assessment, Wave]:
    assessment = assessment_or_404(db.session, current_user, assessment_id)
    wave = chosen_wave(db.session, current_user, assessment, request.args.get("wave"))
    if wave is None:
        abort(404, _("This assessment has no wave yet, so there is no plan to show."))
    return assessment, _released_unless_asked(assessment, wave)


def _team_selection(assessment_id: int, team_id: int) -> tuple[Assessment, Team, Wave]:
    """The assessment, team and wave of the URL, in scope."""
    assessment, team, wave = selection_or_404(
        db.session, current_user, assessment_id, team_id, request.args.get("wave")
    )
    return assessment, team, _released_unless_asked(assessment, wave)


def _released_unless_asked(assessment: Assessment, wave: Wave) -> Wave:
    """Without ``?wave=``, the latest released wave (a plan answers released results)."""
    if request.args.get("wave"):
        return wave
    return latest_released_wave(db.session, assessment) or wave


def _action(
    assessment_id: int, team_id: int, action_id: int
) -> tuple[Assessment, Team, PlannedAction]:
    """The assessment, team and action of the URL; an action of another team is a 404."""
    assessment = assessment_or_404(db.session, current_user, assessment_id)
    team = team_or_404(db.session, current_user, team_id, assessment.organisation)
    planned = by_id(db.session, PlannedAction, action_id)
    if planned is None or planned.team_id != team.id or planned.wave.assessment_id != assessment.id:
        abort(404, _("This action is not in the plan: it may have been removed meanwhile."))
    return assessment, team, planned


def _refuse_unless(allowed: bool, closed: str | None) -> None:
    """403 with the reason when the user may not change this plan now."""
    if allowed:
        return
    if closed:
        abort(409, _("%(reason)s Nothing was changed.", reason=closed))
    abort(
        403,
        _(
            "Only the team's own manager, or a consultant, can change its plan. "
            "Nothing was changed."
        ),
    )


def _full() -> str:
    """Why an action cannot be added: the plan is full."""
    return _(
        "This plan already has %(most)d actions: change or remove one to add another. "
        "Nothing was stored.",
        most=MOST_ACTIONS,
    )


def _form(wave: Wave, **kwargs) -> ActionForm:
    return ActionForm(dimension_names(wave), utcnow().date(), **kwargs)


def _page(assessment, team, wave, planned, form, closed, changeable):
    return form_page(
        "plans/team.html",
        form,
        assessment=assessment,
        team=team,
        wave=wave,
        planned=planned,
        closed=closed,
        changeable=changeable,
        full=len(planned) >= MOST_ACTIONS,
        names=dimension_names(wave),
    )


def _plan_url(planned: PlannedAction) -> str:
    return url_for(
        "plans.team",
        assessment_id=planned.wave.assessment_id,
        team_id=planned.team_id,
        wave=planned.wave_id,
    )


def _record(action: str, planned: PlannedAction) -> None:
    """Audit a change of the plan with what the action says now (the caller commits both)."""
    db.session.flush()
    record(
        db.session,
        action,
        organisation_id=planned.team.organisation_id,
        target=f"team {planned.team_id}",
        wave=planned.wave_id,
        action_id=planned.id,
        dimension=planned.dimension,
        practice=planned.practice_id,
        text=planned.text,
        owner=planned.owner,
        due_on=planned.due_on.isoformat(),
    )
