"""Client organisations for consultants: the list, the team tree and the roster import.

For admins and consultants only (``survey.access.consultants_only``).
"""

from flask import Blueprint

from survey.access import consultants_only

bp = Blueprint("clients", __name__, url_prefix="/clients")
consultants_only(bp)

from survey.clients import job_routes, routes  # noqa: E402, F401
