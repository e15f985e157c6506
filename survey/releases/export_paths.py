"""Which team a response is exported under, so that no export shows a group the dashboard hides.

Response-level files hold the waves released in full (a final release), and only the answers
that release counts. A row keeps its team's path when that team's cell is visible in the final
release, takes the path of the nearest visible team above it when it is hidden, and is left out
when none is shown. The rows under a visible team are then that cell's residual block, which
the privacy rule keeps at zero or at least ``k`` (see :mod:`analysis.privacy`). A wave that had
interim releases is coarsened further (:func:`export_team_paths`): within every label, the rows
that came in with each release number at least ``k``, so nobody who kept an interim release's
figures can set a few rows apart from the rest.

Not covered: in confidential mode the pseudonym links one person's rows across waves, so a row
coarsened in one wave can be placed by the same person's row in a wave where their team is
shown (the paired-change caveat of :mod:`analysis.privacy`); and a consultant who downloads a
file before and after erasing a person can tell which rows went.
"""

from __future__ import annotations

from collections.abc import Mapping


def export_team_paths(
    release: dict, arrivals: Mapping[int, Mapping[int, int]], k: int
) -> dict[int, str | None]:
    """For every team of a final release's tree: the path its rows carry, or None.

    ``release`` is the payload (see :mod:`survey.releases.payload`); ``arrivals`` counts each
    team's exported answers by the release that first took them in. A row starts under the
    nearest team the release shows; then, while some label holds between 1 and ``k - 1`` rows
    that came in with the same release (rows someone who kept an interim release's figures could
    set apart from the rest), every team under that label moves up to the next team shown above
    it, or is left out when there is none. None means the rows are left out.
    """
    tree, cells = release["tree"], release["cells"]

    def shown_above(team: str | None) -> str | None:
        while team is not None and not cells[team]["visible"]:
            parent = tree[team]["parent_id"]
            team = str(parent) if parent is not None else None
        return team

    label = {team: shown_above(team) for team in tree}
    while True:
        by_label: dict[str, dict[int, int]] = {}
        for team, at in label.items():
            if at is not None:
                for first, count in arrivals.get(int(team), {}).items():
                    by_label.setdefault(at, {})
                    by_label[at][first] = by_label[at].get(first, 0) + count
        small = {at for at, counts in by_label.items() if any(0 < c < k for c in counts.values())}
        if not small:
            break
        for team, at in label.items():
            if at in small:
                parent = tree[at]["parent_id"]
                label[team] = shown_above(str(parent)) if parent is not None else None
    return {int(team): tree[at]["path"] if at is not None else None for team, at in label.items()}
