"""What the pages' forms are made of: an item's radios, the cooperation page's team choices.

The answers are read by ``survey.rep.answers`` and the button pressed by ``survey.rep.routes``:
WTForms' radio widgets cost about 50 us per input, which a page of 56 radios cannot afford; even
a Jinja loop over them costs a good part of the page, so each item's radio group is made here
once per scale, item and answer, and kept.
"""

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from survey.rep import bp

RADIO = (
    '<label><input type="radio" name="{name}" value="{value}"\n'
    "        {checked}><span>{label}</span></label>"
)
RADIO_GROUPS_KEPT = 16_384  # questionnaires x languages x items x 8 possible answers, and more


@bp.app_template_global("rep_radios")
@lru_cache(maxsize=RADIO_GROUPS_KEPT)
def radios(item_id: str, scale: tuple[tuple[int, str], ...], chosen: object) -> Markup:
    """An item's radio group: one radio per ``(value, label)`` of ``scale``, ``chosen`` checked."""
    name = escape(f"q-{item_id}")
    return Markup("\n      ").join(
        Markup(
            RADIO.format(
                name=name,
                value=value,
                checked="checked" if chosen == value else "",
                label=escape(label),
            )
        )
        for value, label in scale
    )


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
