"""Assessments for a client: waves, invitations by link and e-mail, and live response rates."""

from flask import Blueprint

bp = Blueprint("campaigns", __name__, url_prefix="/clients/<int:organisation_id>/assessments")

from survey.campaigns import (  # noqa: E402, F401
    invitation_routes,
    rate_routes,
    release_routes,
    routes,
)
