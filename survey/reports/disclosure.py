"""Which team a response is exported under, so that no export shows a group the dashboard hides.

Response-level rows follow the dashboard's suppression (one decision per organisation and
wave): a row keeps its team's path when that team's subtree cell is visible in the wave, takes
the path of the nearest visible ancestor when it is hidden, and is left out when no ancestor is
visible. The rows exported under a visible team are then exactly that cell's residual block (its
answers minus those of the visible cells nearest below it), which the privacy rule keeps at zero
or at least ``k`` (see :mod:`analysis.privacy`), so every team path in an export stands for
``k`` or more answers in that wave, or for none.

Not covered: in confidential mode the pseudonym links one person's rows across waves, so a row
coarsened in one wave can be placed by the same person's row in a wave where their team is
shown (the paired-change caveat of :mod:`analysis.privacy`).
"""

from __future__ import annotations

from survey.dashboard.model import OrganisationView


def export_team_paths(view: OrganisationView, wave_id: int) -> dict[int, str | None]:
    """For every team of the organisation: the path its rows carry in ``wave_id``, or None.

    None means the rows are left out: neither the team nor any team above it may be shown.
    """
    exported: dict[int, str | None] = {}
    for team_id, team in view.teams.items():
        node = team
        while node is not None and not view.visible(node.id, wave_id):
            node = view.teams.get(node.parent_id) if node.parent_id is not None else None
        exported[team_id] = node.path if node is not None else None
    return exported
