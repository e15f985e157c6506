"""The plans a team's released dashboard shows: its plan, and the previous one followed up.

Apart from :mod:`survey.action_plans` because the follow-up reads the dashboard's changes, which
need the analysis libraries (README, *Workers*); the plan pages do not.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from analysis.follow_up import change_words
from survey.action_plans import dimension_names, may_change, team_plan, why_closed
from survey.models import Assessment, PlannedAction, Team, User, Wave
from survey.releases.dimensions import against_label, team_wave_label
from survey.releases.labels import reason_words
from survey.releases.read import Dashboard, previous_released
from survey.releases.reading import changes_by_dimension


@dataclass(frozen=True)
class FollowedAction:
    """An action of the plan made after the previous released wave, and what its dimension did."""

    action: PlannedAction
    dimension: str
    change: str


@dataclass(frozen=True)
class DashboardPlans:
    """The plans a team's released dashboard shows: its plan after this wave (which the viewer
    may change or not, and why), and the plan after the previous released wave followed up."""

    current: list[PlannedAction]
    changeable: bool
    closed: str | None
    before: str | None
    followed: list[FollowedAction]
    names: dict[str, str]


def dashboard_plans(
    session: Session, user: User, assessment: Assessment, board: Dashboard
) -> DashboardPlans | None:
    """The plans of ``board``'s team for its dashboard; None before the wave is released."""
    if board.release is None:
        return None
    wave = session.get(Wave, board.wave.id)
    team = session.get(Team, board.team.id)
    closed = why_closed(session, assessment, wave)
    names = dimension_names(wave)
    released = [w for w in board.view.waves if board.view.released(w.id)]
    before = previous_released(released, wave.id)
    followed = []
    if before is not None:
        changes = changes_by_dimension(board)
        for action in team_plan(session, team.id, before.id):
            name = names.get(action.dimension, action.dimension)
            change = changes.get(action.dimension)
            words = (
                change_words(name, before.name, change.difference, change.verdict)
                if change
                else change_words(
                    name, before.name, None, None, _why_not_shown(board, name, before.name)
                )
            )
            followed.append(FollowedAction(action, name, words))
    return DashboardPlans(
        current=team_plan(session, team.id, wave.id),
        changeable=closed is None and may_change(user, team),
        closed=closed,
        before=before.name if before else None,
        followed=followed,
        names=names,
    )


def _why_not_shown(board: Dashboard, dimension: str, before: str) -> str:
    """Why the dimension section shows no change of ``dimension`` since ``before``: its hidden
    note for the team, the dimension or the earlier wave, else its findings."""
    section = board.sections["dimensions"]
    name = board.team.name
    labels = (name, against_label(dimension, before), team_wave_label(name, before))
    found = [str(reason_words(why)) for label, why in section.hidden if label in labels]
    found = found or [finding for finding in section.findings if before in finding]
    return "; ".join(found) or _("not released for this team in both waves")
