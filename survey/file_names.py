"""File names of everything the app hands over: ``<organisation>-<assessment>-<wave>-<kind>``."""

from __future__ import annotations

import re
import unicodedata

FILE_PART_CHARACTERS = 40  # of each of organisation, assessment and wave in a file's name


def file_name(organisation: str, assessment: str, wave: str, ending: str) -> str:
    """``<organisation>-<assessment>-<wave>-<ending>`` in letters, digits and hyphens only.

    >>> file_name("Zénith Solar", "Mindset 2026/27", "all-waves", "spss.sav")
    'zenith-solar-mindset-2026-27-all-waves-spss.sav'
    >>> file_name("Øst", "==", "Wave 1", "r.zip")
    'st-x-wave-1-r.zip'
    """
    return "-".join([*(_safe(part) for part in (organisation, assessment, wave)), ending])


def _safe(part: str) -> str:
    folded = unicodedata.normalize("NFKD", part)
    ascii_only = folded.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")[:FILE_PART_CHARACTERS].strip("-")
    return slug or "x"
