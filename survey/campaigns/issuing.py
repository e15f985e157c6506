"""Issuing personal links: new invitations for the roster, fresh links for reminders, and the CSV.

Only a token's SHA-256 is stored, so a link can be handed out once, when it is made. A reminder
therefore gives the same invitation a fresh token (the old link stops working). A draft is sealed
under its link's token (``survey.rep.sealing``), so the fresh link cannot open the old draft: it
is deleted, and the person starts afresh. Nobody but the holder of a link can ever read a draft.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session, joinedload

from survey.db import wipe_after_commit
from survey.invitations import invite_people, link_url
from survey.models import Draft, Invitation, Person, Wave
from survey.models.organisation import subtree_ids, team_paths, teams_of
from survey.spreadsheet import COMMA, CsvStyle, safe_cell
from survey.tokens import new_token, token_hash

CSV_HEADER = ("email", "team", "role", "link")
HASH_CHUNK = 500


@dataclass(frozen=True)
class Issued:
    """An invitation and the token of its current link, known only until the response is sent."""

    invitation: Invitation
    token: str


def teams_under(session: Session, organisation_id: int, team_id: int | None) -> set[int]:
    """The active teams of ``team_id``'s subtree, or of the whole organisation for ``None``."""
    teams = list(session.scalars(teams_of(organisation_id)))
    if team_id is None:
        return {team.id for team in teams}
    return subtree_ids(teams, team_id)


def uninvited_people(wave: Wave, team_ids: set[int]) -> Select:
    """The people on the roster in ``team_ids`` with no invitation to ``wave`` yet, by e-mail."""
    invited = select(Invitation.person_id).where(
        Invitation.wave_id == wave.id, Invitation.person_id.is_not(None)
    )
    return (
        select(Person)
        .where(
            Person.organisation_id == wave.assessment.organisation_id,
            Person.team_id.in_(team_ids),
            Person.id.not_in(invited),
        )
        .order_by(Person.email)
    )


def invite_roster(
    session: Session, wave: Wave, people: list[Person], now: datetime, days: int
) -> list[Issued]:
    """One single-use invitation per person (``survey.invitations.invite_people``), flushed."""
    links = invite_people(session, wave, people, now, days)
    session.flush()
    tokens = {token_hash(link.token): link.token for link in links}
    hashes = list(tokens)
    issued = []
    for start in range(0, len(hashes), HASH_CHUNK):
        chunk = hashes[start : start + HASH_CHUNK]
        found = session.scalars(
            select(Invitation)
            .where(Invitation.token_hash.in_(chunk))
            .options(joinedload(Invitation.person))
        )
        issued.extend(Issued(invitation, tokens[invitation.token_hash]) for invitation in found)
    issued.sort(key=lambda item: item.invitation.person.email)
    return issued


def unanswered(wave: Wave, team_ids: set[int]) -> Select:
    """The roster's personal invitations to ``wave`` in ``team_ids`` not answered yet."""
    return (
        select(Invitation)
        .join(Person, Person.id == Invitation.person_id)
        .where(
            Invitation.wave_id == wave.id,
            Invitation.team_id.in_(team_ids),
            Invitation.used.is_(False),
        )
        .options(joinedload(Invitation.person))
        .order_by(Person.email)
    )


def count_of(session: Session, query: Select) -> int:
    """How many rows ``query`` selects."""
    return session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def reissue(
    session: Session, invitations: list[Invitation], wave: Wave, now: datetime, days: int
) -> list[Issued]:
    """A fresh token for each invitation: the link sent before stops working.

    The drafts saved under the old links are deleted (nobody could open them any more), and once
    the caller commits, SQLite's write-ahead log is emptied of them too (when there were any).
    """
    issued = []
    for invitation in invitations:
        token = new_token()
        invitation.token_hash = token_hash(token)
        invitation.expires_at = max(wave.closes_at, now + timedelta(days=days))
        issued.append(Issued(invitation, token))
    ids = [invitation.id for invitation in invitations]
    deleted = 0
    for start in range(0, len(ids), HASH_CHUNK):
        deleted += session.execute(
            delete(Draft)
            .where(Draft.invitation_id.in_(ids[start : start + HASH_CHUNK]))
            .execution_options(synchronize_session=False)
        ).rowcount
    if deleted:
        wipe_after_commit(session)
    return issued


def links_csv(
    issued: list[Issued], paths: dict[int, str], public_url: str, style: CsvStyle = COMMA
) -> str:
    """The links for mail-merge: e-mail, team path, role, link; with a byte-order mark for Excel
    and ``style``'s separator."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = style.writer(out)
    writer.writerow(CSV_HEADER)
    for item in issued:
        invitation = item.invitation
        writer.writerow(
            [
                safe_cell(invitation.person.email if invitation.person else ""),
                safe_cell(paths.get(invitation.team_id, "")),
                invitation.role,
                link_url(public_url, item.token),
            ]
        )
    return out.getvalue()


def path_of_teams(session: Session, organisation_id: int) -> dict[int, str]:
    """Each active team's path from the root, such as ``Global/France/South-West``."""
    return team_paths(list(session.scalars(teams_of(organisation_id))))
