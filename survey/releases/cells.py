"""Reading a release's cells: one team's cell, why it is hidden, and figures cached by release."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from survey.aggregates.cache import score_cache

NOT_IN_TREE = "not part of the organisation when this wave was released"
T = TypeVar("T")


def team_cell(payload: dict, team_id: int) -> dict | None:
    """The team's cell in a release's payload; None when the team was not in its tree."""
    return payload["cells"].get(str(team_id))


def is_shown(cell: dict | None) -> bool:
    """Whether a cell shows its figures."""
    return bool(cell and cell["visible"])


def hidden_reason(cell: dict | None) -> str:
    """Why a cell shows nothing (a team missing from the tree included)."""
    return NOT_IN_TREE if cell is None else cell["reason"]


def cached(key: tuple, compute: Callable[[], T]) -> T:
    """``compute()`` once per ``key`` (which names the releases it reads) in the score cache."""
    cache = score_cache()
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.put(key, found)
    return found
