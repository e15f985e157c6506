"""Names of the measures a release holds besides the index and the six dimensions."""

from __future__ import annotations

CLIMATE = "Management climate, as reps see it"
"""The mean of the climate items: how reps say they are managed (questionnaires with them)."""


def shared_index_name(version: int, other: int) -> str:
    """The measure of the index on the items two versions of a questionnaire share."""
    low, high = sorted((version, other))
    return f"Mindset index on the items versions {low} and {high} share"
