"""What a team or an organisation may be called; shared by the forms and the roster import."""

from __future__ import annotations

import unicodedata

MAX_NAME = 200
PATH_SEPARATOR = "/"
# Levels a team path may have (``Global/France/Paris`` has 3): roster imports and the team forms
# refuse deeper trees, so that every page that walks the tree stays small.
MAX_TEAM_DEPTH = 15


def name_problem(name: str, what: str = "A team name") -> str | None:
    """Why a trimmed ``name`` cannot be used, or ``None`` when it can.

    Parameters
    ----------
    name
        The name, already stripped of surrounding white space.
    what
        How the message starts, such as ``"A team name"``.
    """
    if not name:
        return f"{what} cannot be empty."
    if len(name) > MAX_NAME:
        return f"{what} has at most {MAX_NAME} characters."
    if any(unicodedata.category(char) == "Cc" for char in name):
        return f"{what} cannot contain control characters such as tabs or line breaks."
    return None


def team_name_problem(name: str) -> str | None:
    """As ``name_problem``, and a team name cannot hold the path separator ``/``."""
    if PATH_SEPARATOR in name:
        return "A team name cannot contain '/', which separates the parts of a team path."
    return name_problem(name)


def same_name(name: str) -> str:
    """The key under which two names count as the same: case and width folded."""
    return unicodedata.normalize("NFKC", name).casefold()
