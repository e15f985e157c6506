"""Single sign-on with OpenID Connect, configured per organisation: its managers sign in with
their company's identity provider and are matched to their invited account by verified e-mail."""

from flask import Blueprint

bp = Blueprint("sso", __name__, url_prefix="/sso")

from survey.sso import routes  # noqa: E402, F401
