"""Everything the printable report shows, gathered from the dashboards of its teams.

A report covers one wave, for the whole organisation (each of its top teams) or for one team.
The numbers are the dashboard's, after the same suppression; the charts are the dashboard's
specs drawn as SVG; reliability is computed over the report's visible teams. The reps' own words
are the dashboard's "words" section, read when the report is made. When the release says the
reps answered in more than one language, a note says which, with the results by language the
release published (:mod:`survey.reports.languages`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from questionnaires import Questionnaire
from survey.access import scope_root_teams
from survey.aggregates.dashboards import Dashboard, dashboard
from survey.aggregates.model import Section, WaveInfo
from survey.instruments import questionnaire_for
from survey.ladder_words import words_threshold
from survey.models import Assessment, Team, User, Wave
from survey.models._columns import utcnow
from survey.models.organisation import team_paths, teams_of
from survey.releases.read import previous_released
from survey.releases.reading import TeamReading, team_reading
from survey.releases.store import payload
from survey.reports.findings import findings
from survey.reports.languages import LanguageNote, language_note
from survey.reports.scale_reliability import (
    ACCEPTABLE_ALPHA,
    MIN_ANSWERS,
    WEAK_ITEM_TOTAL,
    WaveReliability,
    pooled_alphas,
    wave_reliability,
)
from survey.reports.svg import chart_svg

CHARTS = {
    "trend": _l(
        "The index wave by wave, for this part of the organisation and each team in it, "
        "with 95% confidence bands."
    ),
    "profile": _l("Each dimension this wave and the wave before, with 95% intervals."),
    "distribution": _l(
        "How many people sit at each point between contractual (0) and purpose-driven (100)."
    ),
    "heatmap": _l("Each team's mean on each dimension this wave."),
    "ladder": _l('Where people\'s chain of "why does that matter?" ends, wave by wave.'),
    "cooperation": _l("Help given and received between teams this wave, as people reported it."),
    "perception": _l(
        "Managers' answers about their teams (pooled) against the teams' own answers."
    ),
}


@dataclass(frozen=True)
class Figure:
    """One chart of the report: the dashboard section it draws and its SVG (None if hidden)."""

    key: str
    description: str
    section: Section
    svg: str | None


CHANGE_COLUMNS = [
    "group",
    "n_before",
    "n_after",
    "mean_before",
    "mean_after",
    "difference",
    "ci_low",
    "ci_high",
    "verdict",
]


@dataclass(frozen=True)
class TeamReport:
    board: Dashboard
    findings: list[str]
    change: Section  # the dashboard's change table, without the columns a page cannot fit
    figures: list[Figure]
    reading: TeamReading  # the dashboard's reading in words, shown first


@dataclass(frozen=True)
class Report:
    assessment: Assessment
    scope: str
    wave: WaveInfo
    previous: WaveInfo | None
    teams: list[TeamReport]
    reliability: WaveReliability
    questionnaire: Questionnaire
    k: int
    words_threshold: int
    acceptable_alpha: float
    min_alpha_answers: int
    weak_item_total: float
    made_on: datetime  # stored UTC, shown as its date in the reader's zone
    # The reps' results by the language they answered in, organisation-wide, when the release
    # says answers came in more than one (survey.reports.languages); None otherwise.
    languages: LanguageNote | None = None


def report_in_scope(
    session: Session, user: User, assessment: Assessment, team: Team | None, wave: Wave
) -> Report:
    """The report ``user`` asked for: on ``team``, or on the whole organisation as far as
    their scope reaches (``team`` None), in ``wave``; titled in the current language."""
    organisation_id = assessment.organisation_id
    if team is None:
        teams = scope_root_teams(session, user, organisation_id)
        label = _(
            "%(organisation)s, the whole organisation", organisation=assessment.organisation.name
        )
    else:
        teams = [team]
        label = team_paths(list(session.scalars(teams_of(organisation_id))))[team.id]
    return build_report(session, assessment, teams, wave, label, whole=team is None)


def build_report(
    session: Session,
    assessment: Assessment,
    teams: list[Team],
    wave: Wave,
    scope: str,
    whole: bool,
) -> Report:
    """The report on ``teams`` in ``wave``: the organisation's top teams (``whole``) or one."""
    questionnaire = questionnaire_for(*wave.instrument("rep"))
    charts = {
        key: description
        for key, description in CHARTS.items()
        if key != "perception" or assessment.manager_questionnaire_key
    }
    parts = []
    for team in teams:
        board = dashboard(session, assessment, team.id, wave.id)
        change = board.sections["change"]
        if not change.table.empty:
            change = replace(change, table=change.table[CHANGE_COLUMNS])
        figures = [
            Figure(
                key,
                description,
                board.sections[key],
                chart_svg(board.specs[key]) if key in board.specs else None,
            )
            for key, description in charts.items()
            if key in board.specs or board.sections[key].hidden
        ]
        cell = _cell(session, board)
        parts.append(TeamReport(board, findings(board, cell), change, figures, team_reading(board)))
    view = parts[0].board.view if parts else None
    release = view.releases.get(wave.id) if view else None
    released_waves = [w for w in view.waves if view.released(w.id)] if view else []
    return Report(
        assessment=assessment,
        scope=scope,
        wave=WaveInfo(wave.id, wave.name),
        previous=previous_released(released_waves, wave.id),
        teams=parts,
        reliability=wave_reliability(
            payload(session, release) if release else None,
            [team.id for team in teams],
            whole=whole,
            questionnaire=questionnaire,
            pooled=pooled_alphas(session, questionnaire) if release else None,
        ),
        questionnaire=questionnaire,
        k=view.k if view else assessment.min_group_size,
        words_threshold=_words_threshold(session, assessment, release),
        acceptable_alpha=ACCEPTABLE_ALPHA,
        min_alpha_answers=MIN_ANSWERS,
        weak_item_total=WEAK_ITEM_TOTAL,
        made_on=utcnow(),
        languages=language_note(
            payload(session, release) if release else None,
            view.k if view else assessment.min_group_size,
        ),
    )


def _words_threshold(session: Session, assessment: Assessment, release) -> int:
    """The threshold the wave's release pooled words at; the assessment's for a release
    without words (interim, or made before words were released)."""
    stored = payload(session, release).get("words") if release else None
    return stored["threshold"] if stored else words_threshold(assessment)


def _cell(session: Session, board: Dashboard) -> dict | None:
    """The team's stored cell in the wave's release (None before the wave is released)."""
    if board.release is None:
        return None
    return payload(session, board.release)["cells"].get(str(board.team.id))
