"""Read-only JSON API over the dashboards' aggregates, with the same scope and suppression."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from survey.api import routes  # noqa: E402, F401
