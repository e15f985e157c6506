"""Manager and consultant dashboards: aggregate mindset of a part of the organisation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint

if TYPE_CHECKING:
    from survey.releases.read import Dashboard
    from survey.releases.reading import TeamReading

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


@bp.app_template_filter("release_word")
def release_word(value: object, column: str) -> object:
    """Stored English words of a release (verdicts, measures, tests) in the reader's language,
    on every page that shows a section (the dashboard, the reps' share-back page, the report);
    see ``survey.releases.labels.shown_value``."""
    from survey.releases.labels import shown_value  # imported here: heavy, see README 'Workers'

    return shown_value(value, column)


@bp.app_template_global("team_reading")
def team_reading(board: Dashboard) -> TeamReading:
    """The reading in words that leads a team's dashboard, its report and its share-back page
    (``survey.releases.reading.team_reading``)."""
    from survey.releases.reading import team_reading  # imported here: heavy, see README 'Workers'

    return team_reading(board)


from survey.dashboard import routes  # noqa: E402, F401
