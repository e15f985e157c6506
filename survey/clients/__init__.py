"""Client organisations for consultants: the list, the team tree and the roster import."""

from flask import Blueprint

bp = Blueprint("clients", __name__, url_prefix="/clients")

from survey.clients import routes  # noqa: E402, F401
