"""Drafts kept between pages (sealed under the link), and the one-time, all-or-nothing submission.

A draft's answers are sealed with the key of :mod:`survey.rep.sealing`, which only the link's
holder can derive; this module never sees a token, only that key.
"""

from __future__ import annotations

from enum import Enum

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from questionnaires import Questionnaire
from survey.db import wipe_after_commit
from survey.models import CooperationLink, Draft, Invitation, LadderRung, Response, TeamLink
from survey.models.response import new_response_id, pack_values
from survey.rep.entries import Entry
from survey.rep.sealing import seal, unseal


class Outcome(Enum):
    """What a submission did."""

    STORED = "stored"
    ALREADY_SUBMITTED = "already submitted"  # the invitation or the draft was used already
    FULL = "full"  # the team link has taken as many answers as its capacity


def find_draft(session: Session, entry: Entry, draft_id: int | None) -> Draft | None:
    """The draft of a personal invitation, or of a team link in this browser."""
    if entry.invitation is not None:
        return entry.draft  # read with the invitation
    if draft_id is None:
        return None
    return session.scalar(
        select(Draft).where(Draft.id == draft_id, Draft.team_link_id == entry.team_link.id)
    )


def read_draft(draft: Draft | None, key: bytes) -> dict:
    """The answers saved in ``draft``; empty when there is none or ``key`` cannot open it (a
    draft saved under an earlier link of the same invitation)."""
    if draft is None:
        return {}
    return unseal(key, draft.id, draft.sealed) or {}


def was_submitted(session: Session, entry: Entry, draft_id: int | None) -> bool:
    """Whether the draft this request expected has just been submitted by another request."""
    if entry.invitation is not None:
        used = select(Invitation.used).where(Invitation.id == entry.invitation.id)
        return bool(session.scalar(used))
    return draft_id is not None


def save_draft(
    session: Session, entry: Entry, draft: Draft | None, state: dict, key: bytes
) -> Draft:
    """Seal ``state`` into the entry's draft (made when there is none) and commit."""
    if draft is None:
        draft = Draft(
            id=new_response_id(),
            invitation_id=entry.invitation.id if entry.invitation else None,
            team_link_id=entry.team_link.id if entry.team_link else None,
        )
        session.add(draft)
    draft.sealed = seal(key, draft.id, state)
    session.commit()
    return draft


# Built once (building a statement costs more than running it), run on the session's connection:
# Core statements, with no unit of work to flush and nothing in the session to synchronise.
_invitation, _team_link, _draft = Invitation.__table__, TeamLink.__table__, Draft.__table__
_CLAIM_INVITATION = (
    update(_invitation)
    .where(_invitation.c.id == bindparam("entry_id"), _invitation.c.used.is_(False))
    .values(used=True)
)
_CLAIM_TEAM_LINK = (
    update(_team_link)
    .where(_team_link.c.id == bindparam("entry_id"), _team_link.c.used < _team_link.c.capacity)
    .values(used=_team_link.c.used + 1)
)
_DELETE_INVITATION_DRAFT = delete(_draft).where(_draft.c.invitation_id == bindparam("entry_id"))
_DELETE_DRAFT = delete(_draft).where(_draft.c.id == bindparam("draft_id"))
_INSERT_RESPONSE = insert(Response.__table__)
_INSERT_RUNGS = insert(LadderRung.__table__)
_INSERT_LINKS = insert(CooperationLink.__table__)


def submit_response(
    session: Session,
    entry: Entry,
    draft: Draft | None,
    state: dict,
    questionnaire: Questionnaire,
) -> Outcome:
    """Store the response once, or say why not.

    The first statement is the guarding write, so concurrent submissions queue on the database's
    write lock: exactly one of them finds the invitation unused, and a team link takes no more
    answers than its capacity (``UPDATE ... WHERE used < capacity``). Then the draft is deleted;
    if another request deleted it first, everything is rolled back. The response, its rungs and
    its cooperation links are inserted in the same transaction.
    """
    connection = session.connection()
    outcome = Outcome.STORED
    if entry.invitation is not None:
        claimed = connection.execute(_CLAIM_INVITATION, {"entry_id": entry.invitation.id})
        if claimed.rowcount != 1:
            outcome = Outcome.ALREADY_SUBMITTED
        else:
            connection.execute(_DELETE_INVITATION_DRAFT, {"entry_id": entry.invitation.id})
    else:
        claimed = connection.execute(_CLAIM_TEAM_LINK, {"entry_id": entry.team_link.id})
        if claimed.rowcount != 1:
            outcome = Outcome.FULL
        elif draft is not None:
            deleted = connection.execute(_DELETE_DRAFT, {"draft_id": draft.id})
            if deleted.rowcount != 1:
                outcome = Outcome.ALREADY_SUBMITTED
    if outcome is not Outcome.STORED:
        session.rollback()
        return outcome
    response_id = new_response_id()
    answers = state.get("answers", {})
    rungs = [
        {
            "response_id": response_id,
            "position": position,
            "target": rung.get("target"),
            "words": rung.get("words") or None,
        }
        for position, rung in enumerate(state.get("ladder") or [], start=1)
    ]
    links = [
        {"response_id": response_id, "other_team_id": team_id, "direction": direction}
        for direction, team_ids in (state.get("cooperation") or {}).items()
        for team_id in team_ids
    ]
    connection.execute(
        _INSERT_RESPONSE,
        {
            "id": response_id,
            "wave_id": entry.wave.id,
            "team_id": entry.team_id,
            "role": entry.role,
            "questionnaire_key": questionnaire.key,
            "questionnaire_version": questionnaire.version,
            "values": pack_values([answers.get(item.id) for item in questionnaire.items]),
            "respondent_key": _respondent_key(entry),
            "ladder_top": rungs[-1]["target"] if rungs else None,  # the highest rung's
            "channel": entry.channel,
            "language": questionnaire.language,
        },
    )
    if rungs:
        connection.execute(_INSERT_RUNGS, rungs)
    if links:
        connection.execute(_INSERT_LINKS, links)
    wipe_after_commit(session)  # the draft's old pages leave the write-ahead log
    session.commit()
    return Outcome.STORED


def _respondent_key(entry: Entry) -> str | None:
    """The person's pseudonym in confidential mode; nothing at all in anonymous mode."""
    if entry.assessment.mode != "confidential" or entry.invitation is None:
        return None
    return entry.pseudonym
