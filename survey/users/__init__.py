"""Users pages: admins (everyone) and consultants (their organisations' managers) list, invite,
disable and re-enable users, change a role or a scope, and remove a consultant's assignment.
Every change is audited."""

from flask import Blueprint

from survey.access import consultants_only

bp = Blueprint("users", __name__, url_prefix="/users")
consultants_only(bp)

from survey.users import routes  # noqa: E402, F401
