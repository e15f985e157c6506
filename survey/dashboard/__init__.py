"""Manager and consultant dashboards: aggregate mindset of a part of the organisation."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

from survey.dashboard import routes  # noqa: E402, F401
