"""The rep's journey: intro, pages of items, the WHY ladder, the cooperation map, the result."""

from flask import Blueprint

bp = Blueprint("rep", __name__)

from survey.rep import routes  # noqa: E402, F401
