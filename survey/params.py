"""Whole numbers from URLs and forms: ASCII digits only.

Python's ``str.isdigit()`` and ``int()`` accept other scripts' digits ("²", "١٢", "٣"), signs,
spaces and underscores, and ``isdigit()`` accepts characters that ``int()`` then refuses; so a
parameter checked one way and read the other could answer 500, or name another id than the
one written. Every id, page number or count that a request sends is read here instead: one to
18 ASCII digits (below 10**18, so within a 64-bit integer), nothing else.

Path parameters go through :class:`AsciiIntegerConverter`, which ``create_app`` installs as
Flask's ``int`` converter; werkzeug's own matches ``\\d+``, which takes "١٢" for 12.
"""

from __future__ import annotations

import re

from werkzeug.routing import IntegerConverter

MAX_DIGITS = 18
ASCII_ID = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")


def parse_id(value: object) -> int | None:
    """The whole number ``value`` spells in ASCII digits, or ``None`` for anything else.

    >>> parse_id("42"), parse_id("007")
    (42, 7)
    >>> [parse_id(text) for text in ("²", "١٢", " 1", "+1", "-1", "1e3", "", None)]
    [None, None, None, None, None, None, None, None]
    """
    if not isinstance(value, str) or not ASCII_ID.fullmatch(value):
        return None
    return int(value)


def coerce_id(value: object) -> int:
    """For a form field's ``coerce``: an int as it is, a string through :func:`parse_id`.

    Raises ``ValueError`` for anything else, which WTForms reports as an invalid choice.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = parse_id(value)
    if number is None:
        raise ValueError("Not a whole number.")
    return number


class AsciiIntegerConverter(IntegerConverter):
    """``<int:...>`` in routes: 1 to 18 ASCII digits; anything else does not match (404)."""

    regex = rf"[0-9]{{1,{MAX_DIGITS}}}"
