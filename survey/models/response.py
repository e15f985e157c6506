"""Submitted responses: answers packed one byte per item, the WHY ladder and cooperation links.

A response keeps no link to an invitation or a person, no IP address, no user agent and no time
finer than its wave; its id is random, so ids do not give away the order of submissions. Its
rungs and cooperation links are keyed by that id and, on SQLite, stored WITHOUT ROWID, so no
hidden sequential rowid gives their order away either. In confidential mode it carries the
person's pseudonym, so that waves can be paired; that key is never shown. ``channel`` says
whether it came through a personal invitation or a team link (they are counted apart).
"""

from __future__ import annotations

import secrets

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String, event, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db import Base
from survey.models.assessment import Wave
from survey.models.organisation import Team

MISSING = 255  # the byte stored for an unanswered item; scale points lie in 0..254


def pack_values(values: list[int | None]) -> bytes:
    """Answers in questionnaire order as bytes; ``None`` becomes ``MISSING``."""
    return bytes(MISSING if value is None else value for value in values)


def new_response_id() -> int:
    """A random id, so that neither ids nor row order reveal the order of submissions."""
    return secrets.randbits(62) + 1


def unpack_values(packed: bytes) -> list[int | None]:
    return [None if byte == MISSING else byte for byte in packed]


RandomId = BigInteger().with_variant(Integer, "sqlite")
CHANNELS = ("personal", "team_link")
# Tables keyed by a response's id hold no sequential rowid on SQLite, whose hidden rowid would
# otherwise number their rows in the order they were written.
WITHOUT_ROWID = {"sqlite_with_rowid": False}


class Response(Base):
    __tablename__ = "response"

    id: Mapped[int] = mapped_column(
        RandomId, primary_key=True, autoincrement=False, default=new_response_id
    )
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="rep")
    questionnaire_key: Mapped[str] = mapped_column(String(100))
    questionnaire_version: Mapped[int]
    values: Mapped[bytes] = mapped_column(LargeBinary)
    respondent_key: Mapped[str | None] = mapped_column(String(32), index=True)
    # Where the WHY ladder ends (the target of its highest rung; None while that rung is not
    # sorted), set from the rungs on insert and when a consultant sorts the top rung: the
    # dashboards read it with the answers instead of scanning every rung.
    ladder_top: Mapped[str | None] = mapped_column(String(40))
    # "personal" (a single-use invitation) or "team_link" (a reusable team link); see CHANNELS.
    channel: Mapped[str] = mapped_column(String(10), default="personal", server_default="personal")
    # The language the questionnaire was answered in; None for answers from before languages.
    language: Mapped[str | None] = mapped_column(String(10))
    # The seq of the first release of its wave that included it (None until one does): which
    # responses each release covered, for the disclosure auditor. No finer time is kept.
    released_in: Mapped[int | None]
    # Flagged as careless (straight-lining and the like, analysis.response_quality) when a
    # release first considered it; None before. Never shown for one response.
    careless: Mapped[bool | None]

    wave: Mapped[Wave] = relationship()
    team: Mapped[Team] = relationship()
    ladder: Mapped[list[LadderRung]] = relationship(
        order_by="LadderRung.position", cascade="all, delete-orphan"
    )
    cooperation: Mapped[list[CooperationLink]] = relationship(cascade="all, delete-orphan")


# Everything a release reads, in one index: a wave's rows come out of it in order, without
# visiting table rows that random ids scatter across the file.
Index(
    "ix_response_scan",
    Response.wave_id,
    Response.role,
    Response.questionnaire_key,
    Response.questionnaire_version,
    Response.team_id,
    Response.ladder_top,
    Response.values,
    Response.respondent_key,
    Response.channel,
    Response.released_in,
)


@event.listens_for(Response, "before_insert")
def _set_ladder_top(_mapper, _connection, response: Response) -> None:
    if response.ladder:
        response.ladder_top = max(response.ladder, key=lambda rung: rung.position).target


class LadderRung(Base):
    """One step of the WHY ladder: the rep's words, and which kind of answer they are.

    ``target`` is a category key of the questionnaire's ladder, ``"none"`` (none of them), or
    None (left to be sorted later). Rungs stored before words came first may have no words.
    ``held_back``: a consultant keeps these words from managers and reports (counted only).
    """

    __tablename__ = "ladder_rung"
    __table_args__ = WITHOUT_ROWID

    response_id: Mapped[int] = mapped_column(
        RandomId, ForeignKey("response.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    target: Mapped[str | None] = mapped_column(String(40))
    words: Mapped[str | None] = mapped_column(String(500))
    held_back: Mapped[bool] = mapped_column(default=False, server_default=false())


class CooperationLink(Base):
    """A team the respondent got help from (``received``) or gave help to (``given``)."""

    __tablename__ = "cooperation_link"
    __table_args__ = WITHOUT_ROWID

    response_id: Mapped[int] = mapped_column(
        RandomId, ForeignKey("response.id", ondelete="CASCADE"), primary_key=True
    )
    other_team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), primary_key=True)
    direction: Mapped[str] = mapped_column(String(10), primary_key=True)
