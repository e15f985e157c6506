"""The plans of the teams in scope after one wave, as CSV: one row per action, with a header
row even when there is none, and every cell safe to open in a spreadsheet."""

from __future__ import annotations

import io
from collections.abc import Sequence

from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from survey.action_plans import dimension_names
from survey.i18n import to_local
from survey.models import Assessment, PlannedAction, Wave
from survey.models.organisation import team_paths, teams_of
from survey.spreadsheet import COMMA, CsvStyle, safe_cell

HEADER = (
    _l("Team"),
    _l("After wave"),
    _l("Dimension"),
    _l("Action"),
    _l("From the action library"),
    _l("Owner"),
    _l("Done by"),
)


def plans_csv(
    session: Session,
    assessment: Assessment,
    wave: Wave,
    planned: Sequence[PlannedAction],
    style: CsvStyle = COMMA,
) -> str:
    """``planned`` (actions after ``wave``) as CSV, teams named by their path in the tree, with
    ``style``'s separator; the time of the last change in the reader's zone, named."""
    zone = str(get_timezone())
    paths = team_paths(list(session.scalars(teams_of(assessment.organisation_id))))
    names = dimension_names(wave)
    out = io.StringIO()
    writer = style.writer(out)
    writer.writerow([*(str(head) for head in HEADER), _("Last changed (%(zone)s)", zone=zone)])
    for action in planned:
        writer.writerow(
            [
                safe_cell(value)
                for value in (
                    paths.get(action.team_id, action.team.name),
                    wave.name,
                    names.get(action.dimension, action.dimension),
                    action.text,
                    action.practice_id or _("no: the manager's own words"),
                    action.owner,
                    action.due_on.isoformat(),
                    to_local(action.updated_at, zone).strftime("%Y-%m-%d %H:%M"),
                )
            ]
        )
    return out.getvalue()
