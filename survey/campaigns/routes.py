"""Assessment and wave pages: list, create and edit assessments; schedule, open and close waves.

Every view is for a logged-in admin or a consultant of the organisation; everything else is the
same 404 (``survey.access``). Each change is one transaction with its audit event.
"""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from survey import i18n
from survey.access import assessment_or_404, organisation_or_404, wave_or_404
from survey.audit import record
from survey.campaigns import bp
from survey.campaigns.forms import COMMENT_GROUP_SIZE, AssessmentForm, WaveForm
from survey.campaigns.schedule import (
    Schedule,
    close_now_problem,
    midnight_defaults,
    open_now_problem,
    reminder_days,
    reminders_problem,
    schedule_problems,
    wave_status,
    when,
)
from survey.campaigns.setup import (
    NO_MANAGER_VERSION,
    Settings,
    apply_settings,
    chosen,
    current_settings,
    first_opened_wave,
    locked_changes,
    questionnaire_choices,
)
from survey.campaigns.wave_versions import (
    ROLES,
    asks_managers,
    installed_versions,
    lowest_version,
    order_problems,
    set_version,
    version_choices,
)
from survey.db import db
from survey.errors import error_page
from survey.forms import ConfirmForm, form_page
from survey.i18n import to_local, to_utc
from survey.instruments import all_questionnaires
from survey.models import Assessment, Wave
from survey.models._columns import utcnow
from survey.models.organisation import team_paths, teams_of
from survey.pagination import page_number, paginate
from survey.releases.store import latest_releases, release_closed_waves
from survey.share_back import share_url

ASSESSMENTS_PER_PAGE = 20


@bp.get("/")
def index(organisation_id: int):
    organisation = organisation_or_404(db.session, current_user, organisation_id)
    query = (
        select(Assessment)
        .where(Assessment.organisation_id == organisation.id)
        .options(selectinload(Assessment.waves))
        .order_by(Assessment.created_at.desc(), Assessment.id.desc())
    )
    page = paginate(db.session, query, page_number(request.args.get("page")), ASSESSMENTS_PER_PAGE)
    return render_template("campaigns/assessments.html", organisation=organisation, page=page)


@bp.route("/new", methods=["GET", "POST"])
def new(organisation_id: int):
    organisation = organisation_or_404(db.session, current_user, organisation_id)
    form = _assessment_form()
    if form.validate_on_submit() and _name_free(form, organisation.id, None):
        assessment = Assessment(organisation_id=organisation.id)
        apply_settings(assessment, _settings(form))
        _set_comment_threshold(assessment, form.comment_min_group_size.data)
        db.session.add(assessment)
        db.session.flush()
        record(
            db.session,
            "assessment.create",
            organisation_id=organisation.id,
            target=f"assessment {assessment.id}",
            name=assessment.name,
            mode=assessment.mode,
            min_group_size=assessment.min_group_size,
            comment_min_group_size=assessment.comment_min_group_size,
            questionnaire=form.rep_questionnaire.data,
            manager_questionnaire=form.manager_questionnaire.data or None,
        )
        db.session.commit()
        flash(
            _(
                "Created the assessment %(name)s. Schedule its first wave next.",
                name=repr(assessment.name),
            )
        )
        return redirect(assessment_url(assessment))
    return form_page("campaigns/assessment_form.html", form, organisation=organisation)


@bp.get("/<int:assessment_id>")
def assessment(organisation_id: int, assessment_id: int):
    organisation = organisation_or_404(db.session, current_user, organisation_id)
    found = assessment_or_404(db.session, current_user, assessment_id, organisation)
    now = utcnow()
    releases = latest_releases(db.session, found)
    return render_template(
        "campaigns/assessment.html",
        organisation=organisation,
        assessment=found,
        questionnaires=all_questionnaires(),
        locked_by=first_opened_wave(found, now),
        waves=[
            (wave, wave_status(wave, now), when(wave), releases.get(wave.id))
            for wave in found.waves
        ],
        share_links=_share_links(found),
    )


def _share_links(assessment) -> list[tuple[str, str]]:
    """Each active team's path and share-back link, by path: one link per team, for its reps."""
    paths = team_paths(list(db.session.scalars(teams_of(assessment.organisation_id))))
    links = [(path, share_url(assessment.id, team_id)) for team_id, path in paths.items()]
    return sorted(links)


@bp.route("/<int:assessment_id>/edit", methods=["GET", "POST"])
def edit(organisation_id: int, assessment_id: int):
    organisation = organisation_or_404(db.session, current_user, organisation_id)
    found = assessment_or_404(db.session, current_user, assessment_id, organisation)
    now = utcnow()
    form = _assessment_form(
        data={
            **current_settings(found),
            "comment_min_group_size": found.comment_min_group_size,
        }
    )
    if form.validate_on_submit() and _name_free(form, organisation.id, found.id):
        settings = _settings(form)
        locked = locked_changes(found, settings, now)
        for field, message in locked.items():
            form[field].errors.append(message)
        if not locked:
            changed = apply_settings(found, settings)
            changed += _set_comment_threshold(found, form.comment_min_group_size.data)
            record(
                db.session,
                "assessment.update",
                organisation_id=organisation.id,
                target=f"assessment {found.id}",
                changed=changed,
            )
            db.session.commit()
            flash(_("Saved the assessment's settings."))
            return redirect(assessment_url(found))
    return form_page(
        "campaigns/assessment_form.html",
        form,
        organisation=organisation,
        assessment=found,
        locked_by=first_opened_wave(found, now),
    )


@bp.route("/<int:assessment_id>/waves/new", methods=["GET", "POST"])
def new_wave(organisation_id: int, assessment_id: int):
    organisation = organisation_or_404(db.session, current_user, organisation_id)
    found = assessment_or_404(db.session, current_user, assessment_id, organisation)
    name = _("Wave %(number)s", number=len(found.waves) + 1)
    last_close = max((wave.closes_at for wave in found.waves), default=None)
    times = midnight_defaults(utcnow(), _zone(found), after=last_close)
    form = _wave_form(found, None, {"name": name, **times})
    if (
        form.validate_on_submit()
        and _schedule_fits(form, found, None)
        and _versions_fit(form, found, None)
    ):
        wave = Wave(
            assessment=found,
            name=form.name.data,
            opens_at=_utc(form.opens_at.data, found),
            closes_at=_utc(form.closes_at.data, found),
        )
        _set_versions(wave, form)
        _set_schedule(wave, form)
        db.session.add(wave)
        db.session.flush()
        record(
            db.session,
            "wave.create",
            organisation_id=organisation.id,
            target=f"wave {wave.id}",
            assessment=found.id,
            name=wave.name,
            opens_at=wave.opens_at.isoformat(),
            closes_at=wave.closes_at.isoformat(),
            versions=_versions(wave),
            **_scheduled(wave),
        )
        db.session.commit()
        flash(_("Scheduled %(wave)s: %(when)s.", wave=wave.name, when=when(wave)))
        return redirect(assessment_url(found))
    _offer_versions(form, found, None)
    return form_page(
        "campaigns/wave_form.html", form, organisation=organisation, assessment=found, wave=None
    )


@bp.route("/<int:assessment_id>/waves/<int:wave_id>/edit", methods=["GET", "POST"])
def edit_wave(organisation_id: int, assessment_id: int, wave_id: int):
    organisation = organisation_or_404(db.session, current_user, organisation_id)
    found = assessment_or_404(db.session, current_user, assessment_id, organisation)
    wave = wave_or_404(db.session, current_user, found, wave_id)
    status = wave_status(wave, utcnow())
    if status == "closed":
        return error_page(409, f"{wave.name} has closed; a closed wave cannot be changed.")
    form = _wave_form(
        found,
        wave,
        {
            "name": wave.name,
            "opens_at": to_local(wave.opens_at, _zone(found)),
            "closes_at": to_local(wave.closes_at, _zone(found)),
            "invite_on_open": wave.invite_on_open,
            "reminders": ", ".join(str(day) for day in wave.reminder_days or []),
        },
        locked=status == "open",
    )
    if (
        form.validate_on_submit()
        and _schedule_fits(form, found, wave)
        and _versions_fit(form, found, wave)
    ):
        before = (wave.name, wave.opens_at, wave.closes_at, _versions(wave), _scheduled(wave))
        wave.name = form.name.data
        if status == "scheduled":
            wave.opens_at = _utc(form.opens_at.data, found)
            _set_versions(wave, form)
        wave.closes_at = _utc(form.closes_at.data, found)
        _set_schedule(wave, form)
        record(
            db.session,
            "wave.update",
            organisation_id=organisation.id,
            target=f"wave {wave.id}",
            before={
                "name": before[0],
                "opens_at": before[1].isoformat(),
                "closes_at": before[2].isoformat(),
                "versions": before[3],
                **before[4],
            },
            after={
                "name": wave.name,
                "opens_at": wave.opens_at.isoformat(),
                "closes_at": wave.closes_at.isoformat(),
                "versions": _versions(wave),
                **_scheduled(wave),
            },
        )
        db.session.commit()
        flash(_("Saved %(wave)s: %(when)s.", wave=wave.name, when=when(wave)))
        return redirect(assessment_url(found))
    _offer_versions(form, found, wave)
    return form_page(
        "campaigns/wave_form.html",
        form,
        organisation=organisation,
        assessment=found,
        wave=wave,
        opened=status == "open",
    )


@bp.route("/<int:assessment_id>/waves/<int:wave_id>/open", methods=["GET", "POST"])
def open_wave(organisation_id: int, assessment_id: int, wave_id: int):
    return _open_or_close(organisation_id, assessment_id, wave_id, "open")


@bp.route("/<int:assessment_id>/waves/<int:wave_id>/close", methods=["GET", "POST"])
def close_wave(organisation_id: int, assessment_id: int, wave_id: int):
    return _open_or_close(organisation_id, assessment_id, wave_id, "close")


def _open_or_close(organisation_id: int, assessment_id: int, wave_id: int, action: str):
    """The confirmation page (GET) and the change itself (POST) for Open now and Close now."""
    organisation = organisation_or_404(db.session, current_user, organisation_id)
    found = assessment_or_404(db.session, current_user, assessment_id, organisation)
    wave = wave_or_404(db.session, current_user, found, wave_id)
    now = utcnow()
    problem = (
        open_now_problem(wave, found.waves, now)
        if action == "open"
        else close_now_problem(wave, now)
    )
    page = confirmation_page(
        "campaigns/confirm.html",
        problem,
        organisation=organisation,
        assessment=found,
        wave=wave,
        action=action,
        locks=action == "open" and first_opened_wave(found, now) is None,
    )
    if page is not None:
        return page
    if action == "open":
        wave.opens_at = now
    else:
        wave.closes_at = now
    record(
        db.session,
        f"wave.{action}",
        organisation_id=organisation.id,
        target=f"wave {wave.id}",
        at=now.isoformat(),
    )
    db.session.commit()
    if action == "close":
        release_closed_waves(db.session, found)
    flash(
        _("%(wave)s is open until %(closes)s.", wave=wave.name, closes=i18n.when(wave.closes_at))
        if action == "open"
        else _(
            "%(wave)s is closed: its links no longer accept answers, and its results are released.",
            wave=wave.name,
        )
    )
    return redirect(assessment_url(found))


def confirmation_page(template: str, problem: str | None, **context):
    """A confirmation page, or ``None`` when its form was sent and the change may go ahead.

    The page says ``problem`` with 409 when there is one; otherwise it asks (a GET, or a POST
    whose form has expired).
    """
    form = ConfirmForm()
    if problem is None and form.validate_on_submit():
        return None
    page = render_template(template, problem=problem, form=form, **context)
    return (page, 409) if problem is not None else page


def _assessment_form(**kwargs) -> AssessmentForm:
    questionnaires = all_questionnaires()
    form = AssessmentForm(**kwargs)
    form.rep_questionnaire.choices = [
        SelectChoice(value, label) for value, label in questionnaire_choices(questionnaires, "rep")
    ]
    form.manager_questionnaire.choices = [
        SelectChoice(NO_MANAGER_VERSION, _("None: managers answer the reps' questionnaire")),
        *(
            SelectChoice(value, label)
            for value, label in questionnaire_choices(questionnaires, "manager")
        ),
    ]
    return form


def _settings(form: AssessmentForm) -> Settings:
    questionnaires = all_questionnaires()
    return Settings(
        name=form.name.data,
        rep=chosen(questionnaires, form.rep_questionnaire.data),
        manager=chosen(questionnaires, form.manager_questionnaire.data or ""),
        mode=form.mode.data,
        min_group_size=form.min_group_size.data,
    )


def _set_comment_threshold(assessment: Assessment, wanted: int | None) -> list[str]:
    """Store the least group for reps' words: ``wanted``, else the current one (10 for a new
    assessment), raised to the minimum group size when that is larger (the database checks it).

    Returns ``["comment_min_group_size"]`` when it changed, else ``[]``.
    """
    before = assessment.comment_min_group_size
    value = wanted or before or COMMENT_GROUP_SIZE
    assessment.comment_min_group_size = max(value, assessment.min_group_size)
    return ["comment_min_group_size"] if assessment.comment_min_group_size != before else []


def _name_free(form: AssessmentForm, organisation_id: int, assessment_id: int | None) -> bool:
    """False (with a message on the field) when another assessment has this name."""
    query = select(func.count()).where(
        Assessment.organisation_id == organisation_id,
        func.lower(Assessment.name) == form.name.data.lower(),
        Assessment.id != (assessment_id or 0),
    )
    if db.session.scalar(query):
        form.name.errors.append(_("This organisation already has an assessment with that name."))
        return False
    return True


def _wave_form(assessment: Assessment, wave: Wave | None, data: dict, locked=False) -> WaveForm:
    """The wave form with a version field per role; an opened wave's versions stay as they are.

    Any installed version passes the field's own check, so that one out of order gets the
    plain words of ``_versions_fit``; ``_offer_versions`` narrows what the page offers.
    """
    for role in ROLES:
        data[f"{role}_version"] = (
            wave.instrument(role)[1] if wave else lowest_version(assessment, None, role)
        )
    form = WaveForm(data=data)
    if locked:  # the wave has opened: its opening's mailing happened, or never will
        del form["invite_on_open"]
    zone = _zone(assessment)
    form.opens_at.label.text = _("Opens (%(zone)s)", zone=zone)
    form.closes_at.label.text = _("Closes (%(zone)s)", zone=zone)
    questionnaires = all_questionnaires()
    for role in ROLES:
        field = form[f"{role}_version"]
        if locked or (role == "manager" and not asks_managers(assessment)):
            del form[field.name]
        else:
            field.choices = installed_versions(questionnaires, assessment, role)
    return form


def _offer_versions(form: WaveForm, assessment: Assessment, wave: Wave | None) -> None:
    """Offer the versions that keep the order where the wave opens (the time sent, if any),
    and the one the field holds (the wave's, or the one sent beside its error)."""
    opens_at = _utc(form.opens_at.data, assessment) or (wave.opens_at if wave else None)
    questionnaires = all_questionnaires()
    for role in ROLES:
        if f"{role}_version" not in form:
            continue
        field = form[f"{role}_version"]
        offered = version_choices(questionnaires, assessment, wave, opens_at, role)
        held = [choice for choice in field.choices if choice[0] == field.data]
        field.choices = sorted({*offered, *held})


def _versions_fit(form: WaveForm, assessment: Assessment, wave: Wave | None) -> bool:
    """False (with a message) when the versions asked would break the order of the waves.

    The message goes on the opening time when the wave asked the same versions at its old time
    without a problem (the new time breaks the order), on the version otherwise.
    """
    versions = {role: form[f"{role}_version"].data for role in ROLES if f"{role}_version" in form}
    if not versions:
        return True
    questionnaires = all_questionnaires()
    name, opens_at = form.name.data, _utc(form.opens_at.data, assessment)
    problems = order_problems(questionnaires, assessment, wave, name, opens_at, versions)
    moved = wave is not None and opens_at != wave.opens_at
    before = (
        order_problems(questionnaires, assessment, wave, name, wave.opens_at, versions)
        if moved and problems
        else {}
    )
    for role, message in problems.items():
        field = form.opens_at if moved and role not in before else form[f"{role}_version"]
        field.errors.append(message)
    return not problems


def _set_versions(wave: Wave, form: WaveForm) -> None:
    for role in ROLES:
        if f"{role}_version" in form:
            set_version(wave, all_questionnaires(), role, form[f"{role}_version"].data)


def _set_schedule(wave: Wave, form: WaveForm) -> None:
    if "invite_on_open" in form:
        wave.invite_on_open = form.invite_on_open.data
    wave.reminder_days = reminder_days(form.reminders.data)


def _scheduled(wave: Wave) -> dict:
    """The scheduler's part of a wave, for the audit log."""
    return {"invite_on_open": wave.invite_on_open, "reminder_days": list(wave.reminder_days)}


def _versions(wave: Wave) -> dict[str, int]:
    return {
        role: wave.instrument(role)[1]
        for role in ROLES
        if role == "rep" or asks_managers(wave.assessment)
    }


def _zone(assessment: Assessment) -> str:
    """The zone a wave's times are typed in: the organisation's."""
    return assessment.organisation.time_zone


def _utc(local: datetime | None, assessment: Assessment) -> datetime | None:
    """A time typed on the wave form (the organisation's wall clock) as stored (UTC)."""
    return to_utc(local, _zone(assessment)) if local is not None else None


def _schedule_fits(form: WaveForm, assessment: Assessment, wave: Wave | None) -> bool:
    """False (with messages on the fields) when the schedule breaks a rule."""
    opens_at, closes_at = (
        _utc(form.opens_at.data, assessment),
        _utc(form.closes_at.data, assessment),
    )
    schedule = Schedule(form.name.data, opens_at, closes_at)
    problems = schedule_problems(schedule, list(assessment.waves), utcnow(), editing=wave)
    start = opens_at or (wave.opens_at if wave else closes_at)
    late = reminders_problem(reminder_days(form.reminders.data), start, closes_at)
    if late and "closes_at" not in problems:
        problems["reminders"] = late
    for field, message in problems.items():
        form[field].errors.append(message)
    return not problems


def assessment_url(assessment: Assessment) -> str:
    return url_for(
        "campaigns.assessment",
        organisation_id=assessment.organisation_id,
        assessment_id=assessment.id,
    )
