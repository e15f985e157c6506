"""Who may see and change a team's action plan, and when; reading and writing its actions.

A plan answers a wave's released results and is for the next wave: it can be made and changed
while its wave is released and no later wave is, then it is kept as it was, to be read beside
what the next release shows. Everyone who may open the team's dashboard sees its plan (its
manager's manager and the consultants included); the team's own manager, and the consultants and
admins of its organisation, may change it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from questionnaires.actions import Practice, library
from survey.access import CONSULTING_ROLES
from survey.i18n import language
from survey.instruments import questionnaire_for
from survey.models import Assessment, PlannedAction, Team, User, Wave
from survey.models.plan import MOST_ACTIONS
from survey.releases.store import latest_releases

FULL = _l(
    "This plan already has %(most)d actions: change or remove one to add another.",
    most=MOST_ACTIONS,
)


class PlanFull(Exception):
    """The team's plan for the wave already has :data:`MOST_ACTIONS` actions."""


@dataclass(frozen=True)
class Action:
    """What a form gives for one action: a library practice (by id) or the manager's words."""

    dimension: str
    practice_id: str | None
    text: str
    owner: str
    due_on: date


def dimension_names(wave: Wave) -> dict[str, str]:
    """Dimension key -> name (in the reader's language), in the order of the questionnaire
    ``wave`` asks reps."""
    questionnaire = questionnaire_for(*wave.instrument("rep")).in_language(language())
    return {dimension.key: dimension.name for dimension in questionnaire.dimensions}


def may_change(user: User, team: Team) -> bool:
    """Whether ``user`` (who may already see ``team``) may change its plans."""
    if user.role in CONSULTING_ROLES:
        return True
    return user.role == "manager" and user.team_id == team.id


def why_closed(session: Session, assessment: Assessment, wave: Wave) -> str | None:
    """Why the plan after ``wave`` cannot be changed now; None while it can."""
    released = latest_releases(session, assessment)
    if wave.id not in released:
        return _(
            "%(wave)s is not released yet: a plan answers a wave's released results, so it can "
            "be made once they are out.",
            wave=wave.name,
        )
    later = [w for w in assessment.waves if w.opens_at > wave.opens_at and w.id in released]
    if later:
        return _(
            "The plan made after %(wave)s is closed: %(later)s has been released since, and the "
            "plan is kept as it was so it can be read beside what changed.",
            wave=wave.name,
            later=later[-1].name,
        )
    return None


def team_plan(session: Session, team_id: int, wave_id: int) -> list[PlannedAction]:
    """The team's actions after ``wave_id``, in the order they were added."""
    query = select(PlannedAction).where(
        PlannedAction.team_id == team_id, PlannedAction.wave_id == wave_id
    )
    return list(session.scalars(query.order_by(PlannedAction.slot)))


def plans_of_teams(team_ids: set[int], wave_id: int) -> Select:
    """A select of the actions of ``team_ids`` after ``wave_id``, by team (id) then slot."""
    return (
        select(PlannedAction)
        .where(PlannedAction.wave_id == wave_id, PlannedAction.team_id.in_(team_ids))
        .options(selectinload(PlannedAction.team))
        .order_by(PlannedAction.team_id, PlannedAction.slot)
    )


def practice(practice_id: str) -> Practice | None:
    """The library practice with this id (in the reader's language), if any."""
    practices = library().in_language(language()).practices
    return next((p for p in practices if p.id == practice_id), None)


def add_action(
    session: Session, team: Team, wave: Wave, action: Action, user: User
) -> PlannedAction:
    """Add ``action`` in the first free slot and flush; :class:`PlanFull` when there is none.

    The unique slot per team and wave keeps the limit under concurrent requests: a slot taken
    meanwhile is rolled back to its savepoint and the next free one tried.
    """
    for slot in range(1, MOST_ACTIONS + 1):
        if slot in {planned.slot for planned in team_plan(session, team.id, wave.id)}:
            continue
        planned = PlannedAction(
            wave_id=wave.id, team_id=team.id, slot=slot, created_by_id=user.id, **_columns(action)
        )
        try:
            with session.begin_nested():
                session.add(planned)
        except IntegrityError:
            continue
        return planned
    raise PlanFull


def change_action(planned: PlannedAction, action: Action) -> None:
    """Replace what ``planned`` says with ``action`` (its slot and author stay)."""
    for name, value in _columns(action).items():
        setattr(planned, name, value)


def _columns(action: Action) -> dict:
    found = practice(action.practice_id) if action.practice_id else None
    return {
        "dimension": found.dimension if found else action.dimension,
        "practice_id": found.id if found else None,
        "text": found.title if found else action.text,
        "owner": action.owner,
        "due_on": action.due_on,
    }
