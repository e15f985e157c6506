"""The consultancy's name and logo that a consultant's slide decks carry (set on their account)."""

from __future__ import annotations

from dataclasses import dataclass

from survey.models import User


@dataclass(frozen=True)
class Branding:
    """A consultancy's name and its logo as a clean PNG; either may be missing."""

    name: str | None
    logo_png: bytes | None


def branding_of(user: User | None) -> Branding:
    """The branding ``user`` set on their account; none for nobody (a deleted account)."""
    if user is None:
        return Branding(None, None)
    return Branding(user.brand_name, user.brand_logo)
