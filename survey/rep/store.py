"""Drafts kept between pages, and the one-time, all-or-nothing submission of a response."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from questionnaires import Questionnaire
from survey.models import CooperationLink, Draft, Invitation, LadderRung, Response
from survey.models.response import pack_values
from survey.rep.access import Entry


def find_draft(session: Session, entry: Entry, draft_id: int | None) -> Draft | None:
    """The draft of a personal invitation, or of a team link in this browser."""
    if entry.invitation is not None:
        return entry.invitation.draft  # loaded with the invitation
    if draft_id is None:
        return None
    return session.scalar(
        select(Draft).where(Draft.id == draft_id, Draft.team_link_id == entry.team_link.id)
    )


def was_submitted(session: Session, entry: Entry, draft_id: int | None) -> bool:
    """Whether the draft this request expected has just been submitted by another request."""
    if entry.invitation is not None:
        used_on = select(Invitation.used_on).where(Invitation.id == entry.invitation.id)
        return session.scalar(used_on) is not None
    return draft_id is not None


def save_draft(session: Session, entry: Entry, draft: Draft | None, state: dict) -> Draft:
    if draft is None:
        draft = Draft(
            invitation_id=entry.invitation.id if entry.invitation else None,
            team_link_id=entry.team_link.id if entry.team_link else None,
        )
        session.add(draft)
    draft.state = state
    session.commit()
    return draft


def submit_response(
    session: Session,
    entry: Entry,
    draft: Draft | None,
    state: dict,
    questionnaire: Questionnaire,
    today: date,
) -> bool:
    """Store the response once; ``False`` if this invitation or draft was already submitted.

    The first statement is the guarding write, so concurrent submissions queue on the database's
    write lock and exactly one of them finds the invitation unused (or the draft present).
    """
    if entry.invitation is not None:
        claimed = session.execute(
            update(Invitation)
            .where(Invitation.id == entry.invitation.id, Invitation.used_on.is_(None))
            .values(used_on=today)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed == 1:
            session.execute(
                delete(Draft)
                .where(Draft.invitation_id == entry.invitation.id)
                .execution_options(synchronize_session=False)
            )
    elif draft is not None:
        claimed = session.execute(
            delete(Draft).where(Draft.id == draft.id).execution_options(synchronize_session=False)
        ).rowcount
    else:
        claimed = 1
    if claimed != 1:
        session.rollback()
        return False
    answers = state.get("answers", {})
    response = Response(
        wave_id=entry.wave.id,
        team_id=entry.team_id,
        role=entry.role,
        questionnaire_key=questionnaire.key,
        questionnaire_version=questionnaire.version,
        values=pack_values([answers.get(item.id) for item in questionnaire.items]),
        submitted_on=today,
        respondent_key=_respondent_key(entry),
        ladder=[
            LadderRung(position=position, target=rung["target"], words=rung["words"] or None)
            for position, rung in enumerate(state.get("ladder") or [], start=1)
        ],
        cooperation=[
            CooperationLink(other_team_id=team_id, direction=direction)
            for direction, team_ids in (state.get("cooperation") or {}).items()
            for team_id in team_ids
        ],
    )
    session.add(response)
    session.commit()
    return True


def _respondent_key(entry: Entry) -> str | None:
    """The person's pseudonym in confidential mode; nothing at all in anonymous mode."""
    if entry.assessment.mode != "confidential" or entry.invitation is None:
        return None
    person = entry.invitation.person
    return person.pseudonym if person is not None else None
