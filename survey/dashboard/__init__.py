"""Manager and consultant dashboards: aggregate mindset of a part of the organisation."""

from flask import Blueprint

from survey.releases.labels import shown_value

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
# Stored English words of a release (verdicts, measures, tests) in the reader's language, on
# every page that shows a section (the dashboard, the reps' share-back page, the report).
bp.add_app_template_filter(shown_value, "release_word")

from survey.dashboard import routes  # noqa: E402, F401
