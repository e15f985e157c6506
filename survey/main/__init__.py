"""Public pages: the home page and the health check."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from survey.main import routes  # noqa: E402, F401
