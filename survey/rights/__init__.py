"""Data rights and the audit log: delete a person, set the retention period, read the log.

For admins and consultants only (``survey.access.consultants_only``).
"""

from flask import Blueprint

from survey.access import consultants_only

bp = Blueprint("rights", __name__)
consultants_only(bp)

from survey.rights import routes  # noqa: E402, F401
