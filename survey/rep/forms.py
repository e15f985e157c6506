"""The page form: it carries the CSRF token and the button pressed.

The items themselves are rendered in a Jinja loop and read by ``survey.rep.answers``: WTForms'
radio widgets cost about 50 us per input, which a page of 56 radios cannot afford.
"""

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import AnyOf

from survey.rep import bp
from survey.rep.ladder_steps import ACTIONS as LADDER_ACTIONS

ACTIONS = ("back", "next", "submit")


class PageForm(FlaskForm):
    action = StringField(validators=[AnyOf(ACTIONS)])


class LadderForm(FlaskForm):
    """A step of the WHY ladder: Back, "Ask me why again" or "That's where it ends"."""

    action = StringField(validators=[AnyOf(LADDER_ACTIONS)])


# --- The cooperation page: teams by readable name, the path above as context ----------------


@dataclass(frozen=True)
class TeamChoice:
    """One team the rep may name: its own name, the path of the teams above it, and the text the
    search box matches (name and path, lower case, without accents)."""

    id: int
    name: str
    context: str
    search: str


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@bp.app_template_global("rep_team_choices")
def team_choices(teams: Mapping[int, str]) -> list[TeamChoice]:
    """Each team once, from ``{id: "Global Sales/Germany/Berlin"}``, sorted by name then path.

    The last path segment is the team's name; the segments above are shown as muted context
    ("Global Sales › Germany"). A team id given twice is listed once.
    """
    seen: set[int] = set()
    choices: list[TeamChoice] = []
    for team_id, path in teams.items():
        if team_id in seen:
            continue
        seen.add(team_id)
        above, _slash, name = path.rpartition("/")
        context = " › ".join(part for part in above.split("/") if part)
        choices.append(TeamChoice(team_id, name, context, _folded(f"{name} {context}")))
    return sorted(choices, key=lambda choice: (_folded(choice.name), _folded(choice.context)))
