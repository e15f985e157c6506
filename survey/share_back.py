"""Share-back links: one link per (assessment, team) through which reps see their team's
released results without an account, exactly as a manager of that team sees them.

The token is the pair (assessment id, team id) signed with the app's secret by itsdangerous
(Flask's own dependency) under a salt of its own, so it cannot be forged or turned into a survey
link. The link is the same for every rep of the team: it says nothing about who holds it.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

SALT = "survey.share-back"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=SALT)


def share_token(assessment_id: int, team_id: int) -> str:
    """The token of the team's share-back link."""
    return _serializer().dumps([assessment_id, team_id])


def share_url(assessment_id: int, team_id: int) -> str:
    """The full address of the team's share-back link, on the public address (``PUBLIC_URL``)
    like the survey links."""
    public_url = current_app.config["PUBLIC_URL"].rstrip("/")
    return f"{public_url}/results/{share_token(assessment_id, team_id)}"


def share_target(token: str) -> tuple[int, int] | None:
    """The (assessment id, team id) a token names, or None for a forged or malformed one."""
    try:
        value = _serializer().loads(token)
    except (BadData, UnicodeError, ValueError):
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(type(each) is int and each > 0 for each in value)
    ):
        return None
    return value[0], value[1]
