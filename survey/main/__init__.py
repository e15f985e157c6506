"""Public pages: the home page, the health check and the language switch."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from survey.main import language_routes, routes  # noqa: E402, F401
