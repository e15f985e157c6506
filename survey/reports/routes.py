"""Export downloads and the report, for consultants and admins; scope checked on every route.

A manager, or a consultant asking for another organisation's assessment, gets the same 404 as
for something that does not exist, and the refusal is logged and audited (``survey.access``).
Files are made by background jobs (``survey.reports.jobs``): the buttons post here, which asks
for the job and sends the consultant to its page, where the file is downloaded once made.
"""

from __future__ import annotations

from uuid import uuid4

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from survey.access import assessment_or_404, chosen_team, chosen_wave, organisation_or_404
from survey.audit import record
from survey.db import db
from survey.jobs.queue import dispatch
from survey.jobs.runner import submit
from survey.models import Assessment
from survey.models.organisation import team_paths, teams_of
from survey.params import parse_id
from survey.reports import bp
from survey.reports.jobs import reader
from survey.reports.kinds import (
    ANALYSIS_FILES,
    CSV_EXPORTS,
    DECK_KIND,
    EXPORT_KINDS,
    REPORT_KIND,
    WORKBOOK_KIND,
)
from survey.spreadsheet import requested_style


@bp.get("/<int:assessment_id>/exports/")
def exports(organisation_id: int, assessment_id: int):
    from survey.reports.exports import rep_versions  # imported here: heavy, see README 'Workers'

    assessment = _assessment(organisation_id, assessment_id)
    teams = list(db.session.scalars(teams_of(organisation_id)))
    paths = team_paths(teams)
    return render_template(
        "reports/exports.html",
        assessment=assessment,
        organisation_name=assessment.organisation.name,
        waves=list(assessment.waves),
        formats=CSV_EXPORTS.values(),
        analysis_files={name: title for name, (_kind, title, *_rest) in ANALYSIS_FILES.items()},
        versions=rep_versions(assessment),
        teams=sorted(teams, key=lambda team: paths[team.id]),
        paths=paths,
    )


@bp.post("/<int:assessment_id>/exports/<name>.csv")
def export_csv(organisation_id: int, assessment_id: int, name: str):
    assessment = _assessment(organisation_id, assessment_id)
    if name not in EXPORT_KINDS:
        abort(404)
    return _start_export(assessment, EXPORT_KINDS[name], name, style=requested_style().key)


@bp.post("/<int:assessment_id>/exports/for/<name>")
def export_for(organisation_id: int, assessment_id: int, name: str):
    """The responses with their codebook for a statistics program (``ANALYSIS_FILES``)."""
    assessment = _assessment(organisation_id, assessment_id)
    if name not in ANALYSIS_FILES:
        abort(404)
    return _start_export(assessment, ANALYSIS_FILES[name][0], name)


def _start_export(assessment: Assessment, kind: str, name: str, **more):
    """Ask for the export ``name`` of the questionnaire version ``?version=`` (default: the
    newest the waves ask; 404 for one they do not)."""
    from survey.reports.exports import rep_versions  # imported here: heavy, see README 'Workers'

    versions = rep_versions(assessment)
    version = parse_id(request.args.get("version", str(versions[-1])))
    if version not in versions:
        abort(404)
    params = {"assessment": assessment.id, "export": name, "version": version, **more}
    return _start(
        kind,
        params | reader(),
        "export.download",
        assessment,
        export=name,
        mode=assessment.mode,
        version=version,
    )


def _assessment(organisation_id: int, assessment_id: int) -> Assessment:
    organisation = organisation_or_404(db.session, current_user, organisation_id)
    return assessment_or_404(db.session, current_user, assessment_id, organisation)


@bp.get("/<int:assessment_id>/report")
def report(organisation_id: int, assessment_id: int):
    from survey.reports.report import report_in_scope  # imported here: heavy, see README 'Workers'

    assessment = _assessment(organisation_id, assessment_id)
    team = chosen_team(db.session, current_user, assessment, request.args.get("team"))
    wave = chosen_wave(db.session, current_user, assessment, request.args.get("wave"))
    built = (
        report_in_scope(db.session, current_user, assessment, team, wave)
        if wave is not None
        else None
    )
    return render_template("reports/report.html", assessment=assessment, team=team, report=built)


@bp.post("/<int:assessment_id>/report.pdf")
def report_pdf(organisation_id: int, assessment_id: int):
    return _start_report(organisation_id, assessment_id, REPORT_KIND)


@bp.post("/<int:assessment_id>/report.pptx")
def report_pptx(organisation_id: int, assessment_id: int):
    """The report as slides: the same report as the PDF, made by its own job."""
    return _start_report(organisation_id, assessment_id, DECK_KIND, format="pptx")


@bp.post("/<int:assessment_id>/report.xlsx")
def report_xlsx(organisation_id: int, assessment_id: int):
    """The report's tables as an Excel workbook, made by its own job."""
    return _start_report(organisation_id, assessment_id, WORKBOOK_KIND, format="xlsx")


def _start_report(organisation_id: int, assessment_id: int, kind: str, **details):
    """Ask for a file of the report on ``?team=`` (default: the whole organisation as far as
    the user's scope reaches) in ``?wave=`` (default: the latest)."""
    assessment = _assessment(organisation_id, assessment_id)
    team = chosen_team(db.session, current_user, assessment, request.args.get("team"))
    wave = chosen_wave(db.session, current_user, assessment, request.args.get("wave"))
    if wave is None:
        abort(404, _("This assessment has no wave yet, so there is no report to download."))
    team_id = team.id if team else None
    params = {"assessment": assessment.id, "team": team_id, "wave": wave.id, **reader()}
    return _start(
        kind, params, "report.download", assessment, team_id=team_id, wave_id=wave.id, **details
    )


def _start(kind: str, params: dict, action: str, assessment: Assessment, **details):
    """Ask for a job making a file, audit who asked (``action``, with the job's id), have it run
    and send the consultant to its page.

    Each click asks for a job of its own: a file shows the data as it is when it is made, and
    exports give their rows new random ids every time.
    """
    organisation_id = assessment.organisation_id
    job = submit(
        db.session,
        kind,
        f"{kind}:{uuid4().hex}",
        params,
        organisation_id=organisation_id,
        user_id=current_user.id,
    )
    if job is None:  # a random key already taken: never in practice
        abort(409)
    record(
        db.session,
        action,
        organisation_id=organisation_id,
        target=f"assessment {assessment.id}",
        job=job.id,
        **details,
    )
    db.session.commit()
    dispatch(job.id)
    return redirect(url_for("clients.job", organisation_id=organisation_id, job_id=job.id), 303)
