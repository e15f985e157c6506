"""The PDF report and the CSV exports, made by background jobs (:mod:`survey.jobs`).

The report and exports pages check the consultant's access as before, then ask for a job whose
parameters are ids and small values only: the assessment, the wave and team of a report, the
export, its questionnaire version and CSV style, and the language and time zone the consultant
reads in. The job makes the file from the database as that consultant would see it (their scope
checked again, in case it changed meanwhile) and keeps it on the job row; the job's page
(``clients.job``) shows its progress and links to the file, which ``clients.job_file`` serves to
the organisation's consultants only. A job that stopped half-way kept nothing: run again, it
makes the whole file again.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import current_app, g, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from survey.access import organisation_ids_in_scope, team_in_scope
from survey.aggregates.export import table_csv
from survey.i18n import chosen_zone, language
from survey.jobs.registry import JobFailed, Progress, job_kind
from survey.models import Assessment, Job, Team, User, Wave
from survey.releases.store import latest_releases, released_payloads
from survey.reports.analysis_files import r_bundle, response_table, sav_file
from survey.reports.export_csv import BOM, FORMATS, aggregate_table, export_file
from survey.reports.exports import export_plan, rep_versions
from survey.reports.pdf import html_to_pdf
from survey.reports.report import report_in_scope
from survey.spreadsheet import STYLES

REPORT_KIND = "report_pdf"
AGGREGATES = "aggregates"
# One kind per export, so that the jobs pages say which file is being made.
EXPORT_KINDS = {name: f"export_{name}" for name in [*FORMATS, AGGREGATES]}
EXPORT_TITLES = {
    **{name: csv_format.title for name, csv_format in FORMATS.items()},
    AGGREGATES: _l("Aggregates per team and wave"),
}
PDF = "application/pdf"
CSV = "text/csv"
# Files for statistics programs: name -> (job kind, title, file kind and extension, type).
ANALYSIS_FILES = {
    "spss": ("export_spss", _l("Responses for SPSS"), "spss.sav", "application/x-spss-sav"),
    "r": ("export_r", _l("Responses for R"), "r.zip", "application/zip"),
}
FILE_PART_CHARACTERS = 40  # of each of organisation, assessment and wave in a file's name
# The report's steps, for its progress: the figures, the page, the PDF.
REPORT_STEPS = 3


def reader() -> dict[str, str]:
    """The language and time zone of the current request's reader, as job parameters."""
    return {"language": language(), "zone": chosen_zone()}


@contextmanager
def as_reader(params: dict) -> Iterator[None]:
    """Texts in the language, and times in the zone, of the consultant who asked for the job.

    Outside a request ``survey.i18n`` chooses the source language and UTC, so the job gets a
    request context of its own, whose ``g.reader_zone`` gives the zone as a request's would (the
    job's app context is fresh: nothing chose a zone in it before).
    """
    with current_app.test_request_context():
        g.reader_zone = params["zone"]
        with force_locale(params["language"]):
            yield


def report_filename(assessment_id: int, team_id: int | None, wave_id: int) -> str:
    """The PDF's file name: ``report-assessment<id>[-team<id>]-wave<id>.pdf``."""
    scope_part = f"-team{team_id}" if team_id else ""
    return f"report-assessment{assessment_id}{scope_part}-wave{wave_id}.pdf"


def export_filename(name: str, assessment_id: int, version: int, versions: list[int]) -> str:
    """The CSV's file name, with the questionnaire version when the waves asked several."""
    named = f"-version{version}" if len(versions) > 1 and name != AGGREGATES else ""
    return f"{name}-assessment{assessment_id}{named}.csv"


@job_kind(REPORT_KIND, _l("PDF report"))
def make_report_pdf(session: Session, job: Job, progress: Progress) -> None:
    """The PDF of the report on ``params["team"]`` (None: the whole organisation) in
    ``params["wave"]``, which must have released results."""
    params = job.params
    with as_reader(params):
        progress(0, REPORT_STEPS)
        user, assessment = _asker_and_assessment(session, job)
        wave = session.get(Wave, params["wave"])
        if wave is None or wave.assessment_id != assessment.id:
            raise JobFailed(_("This wave no longer exists; ask for the report again."))
        team = session.get(Team, params["team"]) if params["team"] is not None else None
        if params["team"] is not None and (
            team is None
            or team.organisation_id != assessment.organisation_id
            or not team_in_scope(session, user, team)
        ):
            raise JobFailed(_("This team no longer exists; ask for the report again."))
        if wave.id not in latest_releases(session, assessment):
            raise JobFailed(
                _(
                    "%(wave)s has no released results yet, so the report would show no figures. "
                    "Release them, then run this again.",
                    wave=wave.name,
                )
            )
        built = report_in_scope(session, user, assessment, team, wave)
        progress(1)
        html = render_template("reports/report_document.html", report=built)
        progress(2)
        stylesheet = Path(current_app.static_folder, "css", "app.css").read_text(encoding="utf-8")
        content = html_to_pdf(html, stylesheet)
    _keep(session, job, report_filename(assessment.id, params["team"], wave.id), PDF, content)
    progress(REPORT_STEPS)


def make_export(session: Session, job: Job, progress: Progress) -> None:
    """The CSV export ``params["export"]`` of the assessment's responses to questionnaire
    version ``params["version"]`` (the aggregates: every released wave), in ``params["style"]``."""
    params = job.params
    name, version, style = params["export"], params["version"], STYLES[params["style"]]
    with as_reader(params):
        _user, assessment = _asker_and_assessment(session, job)
        versions = rep_versions(assessment)
        if version not in versions:
            raise JobFailed(_("No wave asks this version of the questionnaire any more."))
        if name == AGGREGATES:  # about a second, in one step: no progress to show
            table = aggregate_table(released_payloads(session, assessment))
            content = (BOM + table_csv(table, style)).encode("utf-8")
        else:
            plan = export_plan(session, assessment, current_app.config["SECRET_KEY"], version)
            content = export_file(session.get_bind(), FORMATS[name], plan, style, progress)
    filename = export_filename(name, assessment.id, version, versions)
    _keep(session, job, filename, CSV, content)


for _name, _kind in EXPORT_KINDS.items():
    job_kind(_kind, _l("%(title)s (CSV)", title=EXPORT_TITLES[_name]))(make_export)


def make_analysis_file(session: Session, job: Job, progress: Progress) -> None:
    """The responses to questionnaire version ``params["version"]`` with their codebook, as an
    SPSS file or an R bundle (``params["export"]``: a key of ``ANALYSIS_FILES``)."""
    params = job.params
    _kind, _title, ending, mimetype = ANALYSIS_FILES[params["export"]]
    with as_reader(params):
        _user, assessment = _asker_and_assessment(session, job)
        versions = rep_versions(assessment)
        if params["version"] not in versions:
            raise JobFailed(_("No wave asks this version of the questionnaire any more."))
        plan = export_plan(session, assessment, current_app.config["SECRET_KEY"], params["version"])
        table, variables = response_table(session.get_bind(), plan, progress)
        if params["export"] == "spss":
            content = sav_file(table, variables, f"{assessment.name} ({plan.questionnaire.key})")
        else:
            content = r_bundle(table, variables)
    version = f"version{params['version']}" if len(versions) > 1 else ""
    name = file_name(assessment.organisation.name, assessment.name, version or "all-waves", ending)
    _keep(session, job, name, mimetype, content)


for _kind, _title, _ending, _type in ANALYSIS_FILES.values():
    job_kind(_kind, _title)(make_analysis_file)


def file_name(organisation: str, assessment: str, wave: str, ending: str) -> str:
    """``<organisation>-<assessment>-<wave>-<ending>`` in letters, digits and hyphens only.

    >>> file_name("Zénith Solar", "Mindset 2026/27", "all-waves", "spss.sav")
    'zenith-solar-mindset-2026-27-all-waves-spss.sav'
    >>> file_name("Øst", "==", "Wave 1", "r.zip")
    'st-x-wave-1-r.zip'
    """
    return "-".join([*(_safe(part) for part in (organisation, assessment, wave)), ending])


def _safe(part: str) -> str:
    folded = unicodedata.normalize("NFKD", part)
    ascii_only = folded.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")[:FILE_PART_CHARACTERS].strip("-")
    return slug or "x"


def _asker_and_assessment(session: Session, job: Job) -> tuple[User, Assessment]:
    """Who asked for the job, when they may still see its organisation, and its assessment."""
    user = session.get(User, job.user_id) if job.user_id is not None else None
    if (
        user is None
        or not user.is_active
        or job.organisation_id not in organisation_ids_in_scope(session, user)
    ):
        raise JobFailed(
            _("Whoever asked for this file no longer has access to the organisation; ask again.")
        )
    assessment = session.get(Assessment, job.params["assessment"])
    if assessment is None or assessment.organisation_id != job.organisation_id:
        raise JobFailed(_("This assessment no longer exists."))
    return user, assessment


def _keep(session: Session, job: Job, name: str, mimetype: str, content: bytes) -> None:
    """Keep the file the job made on the job, committed."""
    job.result_name, job.result_type, job.result = name, mimetype, content
    session.commit()
