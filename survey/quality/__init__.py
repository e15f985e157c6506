"""Instrument quality pages: how well the questionnaire measured, per assessment and pooled.

For admins and consultants only (``survey.access.consultants_only``); an assessment's page also
checks that the assessment is in the user's scope.
"""

from flask import Blueprint

from survey.access import consultants_only

bp = Blueprint("quality", __name__)
consultants_only(bp)

from survey.quality import routes  # noqa: E402, F401
