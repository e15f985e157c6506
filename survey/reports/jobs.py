"""The report (PDF, Excel, slides) and the exports (CSV, SPSS, R), made by background jobs.

The report and exports pages check the consultant's access as before, then ask for a job whose
parameters are ids and small values only: the assessment, the wave and team of a report, the
export, its questionnaire version and CSV style, and the language and time zone the consultant
reads in. The job makes the file from the database as that consultant would see it (their scope
checked again, in case it changed meanwhile) and keeps it in pieces (:mod:`survey.jobs.files`;
the CSV exports hand over each chunk of rows as it is written); the job's page (``clients.job``)
shows its progress and links to the file, which ``clients.job_file`` serves to the
organisation's consultants only. A job that stopped half-way named no file: run again, it makes
the whole file again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app, g, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from survey.access import organisation_ids_in_scope, team_in_scope
from survey.file_names import file_name
from survey.i18n import chosen_zone, language
from survey.jobs.files import FileWriter, keep_file
from survey.jobs.registry import JobFailed, Progress, job_kind
from survey.models import Assessment, Job, Team, User, Wave
from survey.releases.store import latest_releases, released_payloads
from survey.reports.branding import branding_of
from survey.reports.kinds import (
    AGGREGATES,
    ANALYSIS_FILES,
    DECK_KIND,
    EXPORT_KINDS,
    EXPORT_TITLES,
    REPORT_KIND,
    WORKBOOK_KIND,
)
from survey.spreadsheet import STYLES

if TYPE_CHECKING:
    from survey.reports.report import Report

PDF = "application/pdf"
CSV = "text/csv"
# The report's steps, for its progress: the figures, the page, the PDF.
REPORT_STEPS = 3
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKBOOK_STEPS = 2  # the report, the workbook
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DECK_STEPS = 2  # the report, the slides


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


def report_filename(assessment: Assessment, team: Team | None, wave: Wave, ending: str) -> str:
    """A report's file name: the wave, then the team when it is on one team (see ``file_name``),
    such as ``acme-solar-mindset-2026-autumn-france-report.pdf``."""
    where = f"{wave.name} {team.name}" if team is not None else wave.name
    return file_name(assessment.organisation.name, assessment.name, where, ending)


def export_filename(assessment: Assessment, ending: str, version: int, versions: list[int]) -> str:
    """An export's file name: of all waves, or of one questionnaire version when the waves
    asked several, such as ``acme-solar-mindset-2026-all-waves-scores.csv``."""
    waves = f"version {version}" if len(versions) > 1 else "all waves"
    return file_name(assessment.organisation.name, assessment.name, waves, ending)


@job_kind(REPORT_KIND, _l("PDF report"), makes_file=True)
def make_report_pdf(session: Session, job: Job, progress: Progress) -> None:
    """The PDF of the report on ``params["team"]`` (None: the whole organisation) in
    ``params["wave"]``, which must have released results."""
    from survey.reports.pdf import html_to_pdf  # imported here: heavy, see README 'Workers'

    with as_reader(job.params):
        progress(0, REPORT_STEPS)
        assessment, team, wave, built = _report(session, job)
        progress(1)
        html = render_template("reports/report_document.html", report=built)
        progress(2)
        stylesheet = Path(current_app.static_folder, "css", "app.css").read_text(encoding="utf-8")
        content = html_to_pdf(html, stylesheet)
    keep_file(session, job, report_filename(assessment, team, wave, "report.pdf"), PDF, content)
    progress(REPORT_STEPS)


@job_kind(WORKBOOK_KIND, _l("Report workbook (Excel)"), makes_file=True)
def make_report_xlsx(session: Session, job: Job, progress: Progress) -> None:
    """The report of ``make_report_pdf`` as an Excel workbook (:mod:`survey.reports.workbook`)."""
    # imported here: heavy, see README 'Workers'
    from survey.reports.workbook import report_workbook

    with as_reader(job.params):
        progress(0, WORKBOOK_STEPS)
        assessment, team, wave, built = _report(session, job)
        progress(1)
        content = report_workbook(built)
    keep_file(session, job, report_filename(assessment, team, wave, "report.xlsx"), XLSX, content)
    progress(WORKBOOK_STEPS)


@job_kind(DECK_KIND, _l("Report slides (PowerPoint)"), makes_file=True)
def make_report_deck(session: Session, job: Job, progress: Progress) -> None:
    """The report of ``make_report_pdf`` as slides (:mod:`survey.reports.deck`), carrying the
    branding of whoever asked."""
    from survey.reports.deck import report_deck  # imported here: heavy, see README 'Workers'

    with as_reader(job.params):
        progress(0, DECK_STEPS)
        assessment, team, wave, built = _report(session, job)
        progress(1)
        content = report_deck(built, branding_of(session.get(User, job.user_id)))
    keep_file(session, job, report_filename(assessment, team, wave, "slides.pptx"), PPTX, content)
    progress(DECK_STEPS)


def _report(session: Session, job: Job) -> tuple[Assessment, Team | None, Wave, Report]:
    """The report a job asks for (its assessment, team and wave): on ``params["team"]`` (None:
    the whole organisation) in ``params["wave"]``, which must have released results, as whoever
    asked may see it now."""
    from survey.reports.report import report_in_scope  # imported here: heavy, see README 'Workers'

    params = job.params
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
    return assessment, team, wave, report_in_scope(session, user, assessment, team, wave)


def make_export(session: Session, job: Job, progress: Progress) -> None:
    """The CSV export ``params["export"]`` of the assessment's responses to questionnaire
    version ``params["version"]`` (the aggregates: every released wave), in ``params["style"]``."""
    # imported here: heavy, see README 'Workers'
    from survey.aggregates.export import table_csv
    from survey.reports.export_csv import BOM, FORMATS, aggregate_table, export_file
    from survey.reports.exports import export_plan, rep_versions

    params = job.params
    name, version, style = params["export"], params["version"], STYLES[params["style"]]
    with as_reader(params):
        _user, assessment = _asker_and_assessment(session, job)
        versions = rep_versions(assessment)
        if version not in versions:
            raise JobFailed(_("No wave asks this version of the questionnaire any more."))
        if name == AGGREGATES:  # about a second, in one step: no progress to show
            filename = export_filename(assessment, f"{name}.csv", version, [version])
            table = aggregate_table(released_payloads(session, assessment))
            keep_file(session, job, filename, CSV, (BOM + table_csv(table, style)).encode("utf-8"))
            return
        filename = export_filename(assessment, f"{name}.csv", version, versions)
        plan = export_plan(session, assessment, current_app.config["SECRET_KEY"], version)
        writer = FileWriter(session, job)  # a piece at a time: the long file runs to 70 MB
        export_file(session.get_bind(), FORMATS[name], plan, style, progress, writer.write)
    writer.finish(filename, CSV)


for _name, _kind in EXPORT_KINDS.items():
    job_kind(_kind, _l("%(title)s (CSV)", title=EXPORT_TITLES[_name]), makes_file=True)(make_export)


def make_analysis_file(session: Session, job: Job, progress: Progress) -> None:
    """The responses to questionnaire version ``params["version"]`` with their codebook, as an
    SPSS file or an R bundle (``params["export"]``: a key of ``ANALYSIS_FILES``)."""
    # imported here: heavy, see README 'Workers'
    from survey.reports.analysis_files import r_bundle, response_table, sav_file
    from survey.reports.exports import export_plan, rep_versions

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
    name = export_filename(assessment, ending, params["version"], versions)
    keep_file(session, job, name, mimetype, content)


for _kind, _title, _ending, _type in ANALYSIS_FILES.values():
    job_kind(_kind, _title, makes_file=True)(make_analysis_file)


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
