"""Action plans: up to three actions a team's manager commits to after a released wave.

Managers, consultants and admins alike use these pages, each within their scope
(``survey.access``): everyone who may open a team's dashboard sees its plans; who may change
them, and when, is ``survey.action_plans``'s rule. Every change is audited.
"""

from flask import Blueprint

bp = Blueprint("plans", __name__, url_prefix="/plans")

from survey.plans import routes  # noqa: E402, F401
