"""Assessments for a client: waves, invitations by link and e-mail, and live response rates.

For admins and the organisation's consultants only (``survey.access.consultants_only``).
"""

from flask import Blueprint

from survey.access import consultants_only

bp = Blueprint("campaigns", __name__, url_prefix="/clients/<int:organisation_id>/assessments")
consultants_only(bp)

from survey.campaigns import (  # noqa: E402, F401
    invitation_routes,
    rate_routes,
    release_routes,
    routes,
    scheduler,
)
