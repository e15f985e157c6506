"""What a team or an organisation may be called; shared by the forms and the roster import."""

from __future__ import annotations

import unicodedata

from flask_babel import gettext as _

MAX_NAME = 200
PATH_SEPARATOR = "/"
# Levels a team path may have (``Global/France/Paris`` has 3): roster imports and the team forms
# refuse deeper trees, so that every page that walks the tree stays small.
MAX_TEAM_DEPTH = 15


def name_problem(name: str, what: str = "team") -> str | None:
    """Why a trimmed ``name`` cannot be used, or ``None`` when it can.

    Parameters
    ----------
    name
        The name, already stripped of surrounding white space.
    what
        Whose name it is: ``"team"`` or ``"organisation"`` (each message is a whole sentence,
        for the translators).
    """
    team = what == "team"
    if not name:
        return (
            _("A team name cannot be empty.")
            if team
            else _("An organisation's name cannot be empty.")
        )
    if len(name) > MAX_NAME:
        return (
            _("A team name has at most %(max)s characters.", max=MAX_NAME)
            if team
            else _("An organisation's name has at most %(max)s characters.", max=MAX_NAME)
        )
    if any(unicodedata.category(char) == "Cc" for char in name):
        return (
            _("A team name cannot contain control characters such as tabs or line breaks.")
            if team
            else _(
                "An organisation's name cannot contain control characters such as tabs or "
                "line breaks."
            )
        )
    return None


def team_name_problem(name: str) -> str | None:
    """As ``name_problem``, and a team name cannot hold the path separator ``/``."""
    if PATH_SEPARATOR in name:
        return _("A team name cannot contain '/', which separates the parts of a team path.")
    return name_problem(name)


def same_name(name: str) -> str:
    """The key under which two names count as the same: case and width folded."""
    return unicodedata.normalize("NFKC", name).casefold()
