"""The words analysis writes, in the reader's language.

Analysis stays free of Flask: its sentences go through ``_`` and ``ngettext`` here, which speak
English (the source) until the app installs its translations with :func:`install` (Flask-Babel's
``gettext`` and ``ngettext``, and Babel's list formatting). ``pybabel extract`` finds the texts
of ``_("...")`` calls here as in the app.

>>> _("%(team)s sits at %(index)s.", team="Paris", index="48")
'Paris sits at 48.'
>>> ngettext("%(num)d point", "%(num)d points", 2)
'2 points'
>>> join(["motivation", "change", "incentives"])
'motivation, change and incentives'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def _english(text: str, **values: Any) -> str:
    return text % values if values else text


def _english_plural(singular: str, plural: str, num: int, **values: Any) -> str:
    return (singular if num == 1 else plural) % {"num": num, **values}


def english_list(parts: Sequence[str]) -> str:
    """``a, b and c``: the source language's list."""
    parts = list(parts)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


_gettext: Callable[..., str] = _english
_ngettext: Callable[..., str] = _english_plural
_join: Callable[[Sequence[str]], str] = english_list


def _(text: str, **values: Any) -> str:
    """``text`` in the reader's language, with ``%(name)s`` placeholders filled from ``values``."""
    return _gettext(text, **values)


def ngettext(singular: str, plural: str, num: int, **values: Any) -> str:
    """The singular or plural form for ``num`` (``%(num)d`` in the text), translated."""
    return _ngettext(singular, plural, num, **values)


def join(parts: Sequence[str]) -> str:
    """``a, b and c`` in the reader's language."""
    return _join(parts)


def install(
    gettext: Callable[..., str],
    plural: Callable[..., str],
    join_list: Callable[[Sequence[str]], str],
) -> None:
    """Speak the app's language from now on (called once by the app factory)."""
    global _gettext, _ngettext, _join
    _gettext, _ngettext, _join = gettext, plural, join_list
