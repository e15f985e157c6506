"""The plans of the teams in scope after one wave, as CSV: one row per action, with a header
row even when there is none, and every cell safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from sqlalchemy.orm import Session

from survey.action_plans import dimension_names
from survey.aggregates.export import safe_cell
from survey.models import Assessment, PlannedAction, Wave
from survey.models.organisation import team_paths, teams_of

HEADER = (
    "Team",
    "After wave",
    "Dimension",
    "Action",
    "From the action library",
    "Owner",
    "Done by",
    "Last changed (UTC)",
)


def plans_csv(
    session: Session, assessment: Assessment, wave: Wave, planned: Sequence[PlannedAction]
) -> str:
    """``planned`` (actions after ``wave``) as CSV, teams named by their path in the tree."""
    paths = team_paths(list(session.scalars(teams_of(assessment.organisation_id))))
    names = dimension_names(wave)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for action in planned:
        writer.writerow(
            [
                safe_cell(value)
                for value in (
                    paths.get(action.team_id, action.team.name),
                    wave.name,
                    names.get(action.dimension, action.dimension),
                    action.text,
                    action.practice_id or "no: the manager's own words",
                    action.owner,
                    action.due_on.isoformat(),
                    action.updated_at.strftime("%Y-%m-%d %H:%M"),
                )
            ]
        )
    return out.getvalue()
