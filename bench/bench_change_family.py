"""How often an organisation gets a change flagged when nothing changed, and when it did.

1,000 simulated organisations of 20 teams (Global, 4 countries, 15 territories with 6 to 15
answers per wave, index ~ N(50, 15)); each team's change between two waves is tested as the app
does (:func:`survey.releases.read.changes_of_all_teams`: Welch from the released cells,
Benjamini-Hochberg over every team). Prints the share of organisations with at least one change
called "larger than chance variation", under no change and under shifts of the index, and the
same share if each page were its own family (the team and its children), as before.

    .venv/bin/python bench/bench_change_family.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.change import BEYOND_CHANCE, classify_changes
from survey.releases.read import changes_of_all_teams
from tests.dashboard.test_change_family import (
    AFTER,
    BEFORE,
    PARENTS,
    organisation,
    view_of,
)

ORGANISATIONS = 1000


def page_families(family: dict) -> bool:
    """Whether some page, testing only its team and children, would flag a change."""
    for page in PARENTS:
        members = [page] + [team for team, parent in PARENTS.items() if parent == page]
        verdicts = classify_changes([family[team][0] for team in members])
        if any(v.evidence == BEYOND_CHANCE for v in verdicts):
            return True
    return False


def main() -> None:
    view = view_of(PARENTS)
    for shift in (0.0, 5.0, 7.5):
        rng = np.random.default_rng(2026)
        whole = pages = 0
        for _ in range(ORGANISATIONS):
            family = changes_of_all_teams(view, organisation(rng, shift), BEFORE, AFTER)
            whole += any(v.evidence == BEYOND_CHANCE for _, v in family.values())
            pages += page_families(family)
        print(
            f"shift {shift:>4} points (SD 15): some team flagged in {whole / ORGANISATIONS:.1%} "
            f"of organisations with one family per organisation; "
            f"{pages / ORGANISATIONS:.1%} with one family per page"
        )


if __name__ == "__main__":
    main()
