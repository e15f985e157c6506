"""Assessments for a client: waves, invitations by link and e-mail, and live response rates."""

from flask import Blueprint

bp = Blueprint("campaigns", __name__, url_prefix="/clients/<int:organisation_id>/assessments")

from survey.campaigns import invitation_routes, rate_routes, routes  # noqa: E402, F401
