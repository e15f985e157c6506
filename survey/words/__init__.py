"""A consultant's review of the reps' own words on the WHY ladder, one wave at a time.

For admins and the organisation's consultants only (``survey.access.consultants_only``): they
hold back words that name or identify someone, and sort the steps reps left without a category.
"""

from flask import Blueprint

from survey.access import consultants_only

bp = Blueprint(
    "words",
    __name__,
    url_prefix=(
        "/clients/<int:organisation_id>/assessments/<int:assessment_id>/waves/<int:wave_id>/words"
    ),
)
consultants_only(bp)

from survey.words import routes  # noqa: E402, F401
