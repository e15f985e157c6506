"""The rep's journey: intro, pages of items, the WHY ladder, the cooperation map, the result,
and the team's released results through its share-back link."""

from flask import Blueprint

bp = Blueprint("rep", __name__)

from survey.rep import forms, results, routes  # noqa: E402, F401
