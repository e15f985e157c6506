"""Which team a response is exported under, so that no export shows a group the dashboard hides.

Response-level rows follow the latest release of their wave (responses no release has taken in
are not exported): a row keeps its team's path when that team's subtree cell is visible in the
release, takes the path of the nearest visible ancestor when it is hidden, and is left out when
no ancestor is visible. The rows exported under a visible team are then exactly that cell's
residual block (its answers minus those of the visible cells nearest below it), which the
privacy rule keeps at zero or at least ``k`` (see :mod:`analysis.privacy`), so every team path
in an export stands for ``k`` or more answers in that wave, or for none.

Not covered: in confidential mode the pseudonym links one person's rows across waves, so a row
coarsened in one wave can be placed by the same person's row in a wave where their team is shown
(the paired-change caveat of :mod:`analysis.privacy`).
"""

from __future__ import annotations


def export_team_paths(release: dict) -> dict[int, str | None]:
    """For every team of a release's tree: the path its rows carry, or None.

    ``release`` is a release's payload (see :mod:`survey.releases.payload`). None means the rows
    are left out: neither the team nor any team above it is shown in that release.
    """
    tree, cells = release["tree"], release["cells"]
    exported: dict[int, str | None] = {}
    for team_id in tree:
        node = team_id
        while node is not None and not cells[node]["visible"]:
            parent = tree[node]["parent_id"]
            node = str(parent) if parent is not None else None
        exported[int(team_id)] = tree[node]["path"] if node is not None else None
    return exported
