"""Data rights and the audit log: delete a person, set the retention period, read the log."""

from flask import Blueprint

bp = Blueprint("rights", __name__)

from survey.rights import routes  # noqa: E402, F401
