"""Consultants' exports (pseudonymised CSV) and the printable report of an assessment.

For admins and the organisation's consultants only (``survey.access.consultants_only``).
"""

from flask import Blueprint

from survey.access import consultants_only

bp = Blueprint("reports", __name__, url_prefix="/clients/<int:organisation_id>/assessments")
consultants_only(bp)

from survey.reports import routes  # noqa: E402, F401
