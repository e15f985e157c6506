"""Consultants' exports (pseudonymised CSV) and the printable report of an assessment."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/clients/<int:organisation_id>/assessments")

from survey.reports import routes  # noqa: E402, F401
