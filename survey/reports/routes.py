"""Export downloads and the report, for consultants and admins; scope checked on every route.

A manager, or a consultant asking for another organisation's assessment, gets the same 404 as
for something that does not exist, and the refusal is logged and audited (``survey.access``).
"""

from __future__ import annotations

from pathlib import Path

from flask import (
    Response,
    abort,
    current_app,
    render_template,
    request,
    stream_with_context,
)
from flask_babel import gettext as _
from flask_login import current_user

from survey.access import (
    assessment_or_404,
    chosen_team,
    chosen_wave,
    organisation_or_404,
    scope_root_teams,
)
from survey.aggregates.export import table_csv
from survey.audit import record
from survey.db import db
from survey.models import Assessment
from survey.models.organisation import team_paths, teams_of
from survey.params import parse_id
from survey.releases.store import released_payloads
from survey.reports import bp
from survey.reports.export_csv import BOM, FORMATS, aggregate_table, stream_export
from survey.reports.exports import export_plan, rep_versions
from survey.reports.pdf import html_to_pdf
from survey.reports.report import build_report
from survey.spreadsheet import requested_style

AGGREGATES = "aggregates"


@bp.get("/<int:assessment_id>/exports/")
def exports(organisation_id: int, assessment_id: int):
    assessment = _assessment(organisation_id, assessment_id)
    teams = list(db.session.scalars(teams_of(organisation_id)))
    paths = team_paths(teams)
    return render_template(
        "reports/exports.html",
        assessment=assessment,
        organisation_name=assessment.organisation.name,
        waves=list(assessment.waves),
        formats=FORMATS.values(),
        versions=rep_versions(assessment),
        teams=sorted(teams, key=lambda team: paths[team.id]),
        paths=paths,
    )


@bp.get("/<int:assessment_id>/exports/<name>.csv")
def export_csv(organisation_id: int, assessment_id: int, name: str):
    assessment = _assessment(organisation_id, assessment_id)
    versions = rep_versions(assessment)
    version = parse_id(request.args.get("version", str(versions[-1])))
    if (name != AGGREGATES and name not in FORMATS) or version not in versions:
        abort(404)
    record(
        db.session,
        "export.download",
        organisation_id=organisation_id,
        target=f"assessment {assessment.id}",
        export=name,
        mode=assessment.mode,
        version=version,
    )
    db.session.commit()
    named = f"-version{version}" if len(versions) > 1 and name != AGGREGATES else ""
    filename = f"{name}-assessment{assessment.id}{named}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if name == AGGREGATES:
        table = aggregate_table(released_payloads(db.session, assessment))
        text = BOM + table_csv(table, requested_style())
        return Response(text, mimetype="text/csv", headers=headers)
    plan = export_plan(db.session, assessment, current_app.config["SECRET_KEY"], version)
    lines = stream_export(db.engine, FORMATS[name], plan, requested_style())
    return Response(stream_with_context(lines), mimetype="text/csv", headers=headers)


def _assessment(organisation_id: int, assessment_id: int) -> Assessment:
    organisation = organisation_or_404(db.session, current_user, organisation_id)
    return assessment_or_404(db.session, current_user, assessment_id, organisation)


def _report(organisation_id: int, assessment_id: int):
    assessment = _assessment(organisation_id, assessment_id)
    team = chosen_team(db.session, current_user, assessment, request.args.get("team"))
    wave = chosen_wave(db.session, current_user, assessment, request.args.get("wave"))
    if wave is None:
        return assessment, team, None
    if team is None:
        teams = scope_root_teams(db.session, current_user, organisation_id)
        label = _(
            "%(organisation)s, the whole organisation", organisation=assessment.organisation.name
        )
    else:
        teams = [team]
        label = team_paths(list(db.session.scalars(teams_of(organisation_id))))[team.id]
    return (
        assessment,
        team,
        build_report(db.session, assessment, teams, wave, label, whole=team is None),
    )


@bp.get("/<int:assessment_id>/report")
def report(organisation_id: int, assessment_id: int):
    assessment, team, built = _report(organisation_id, assessment_id)
    return render_template("reports/report.html", assessment=assessment, team=team, report=built)


@bp.get("/<int:assessment_id>/report.pdf")
def report_pdf(organisation_id: int, assessment_id: int):
    assessment, team, built = _report(organisation_id, assessment_id)
    if built is None:
        abort(404, _("This assessment has no wave yet, so there is no report to download."))
    record(
        db.session,
        "report.download",
        organisation_id=organisation_id,
        target=f"assessment {assessment.id}",
        team_id=team.id if team else None,
        wave_id=built.wave.id,
    )
    db.session.commit()
    html = render_template("reports/report_document.html", report=built)
    stylesheet = (Path(current_app.static_folder) / "css" / "app.css").read_text(encoding="utf-8")
    scope_part = f"-team{team.id}" if team else ""
    filename = f"report-assessment{assessment.id}{scope_part}-wave{built.wave.id}.pdf"
    return Response(
        html_to_pdf(html, stylesheet),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
