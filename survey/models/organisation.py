"""Client organisations and their team tree (global -> country -> territory, plus departments)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db import Base
from survey.models._columns import utcnow

DEPARTMENTS = ("sales", "product", "marketing", "other")


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Days after its last wave closes that a person's identity is kept; None keeps it until
    # deleted (see survey/retention.py and `flask purge-identities`).
    retention_days: Mapped[int | None]
    # The IANA zone its people read times in, and whose midnight opens and closes its waves.
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")

    teams: Mapped[list[Team]] = relationship(back_populates="organisation")


class Team(Base):
    """A node of an organisation's team tree; any depth. Archived, never deleted, once used."""

    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("organisation_id", "parent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(20), default="sales")
    archived_at: Mapped[datetime | None]
    # Overrides the organisation's zone for this team and the teams below it.
    time_zone: Mapped[str | None] = mapped_column(String(64))

    organisation: Mapped[Organisation] = relationship(back_populates="teams")
    parent: Mapped[Team | None] = relationship(remote_side=[id])

    @property
    def zone(self) -> str:
        """The zone this team reads times in: its own, the nearest team above's, or the
        organisation's."""
        node: Team | None = self
        for _ in range(64):  # a tree is never that deep; a cycle must not hang a request
            if node is None:
                break
            if node.time_zone:
                return node.time_zone
            node = node.parent
        return self.organisation.time_zone


def teams_of(organisation_id: int):
    """All active teams of an organisation, as a select."""
    return select(Team).where(Team.organisation_id == organisation_id, Team.archived_at.is_(None))


def team_paths(teams: list[Team]) -> dict[int, str]:
    """Each team's path from the root, such as ``Global/France/South-West`` (no recursion)."""
    by_id = {team.id: team for team in teams}
    paths: dict[int, str] = {}
    for team in teams:
        chain, node = [], team
        while node is not None and node.id not in paths and len(chain) <= len(by_id):
            chain.append(node)
            node = by_id.get(node.parent_id) if node.parent_id else None
        above = paths[node.id] if node is not None and node.id in paths else None
        for member in reversed(chain):
            above = f"{above}/{member.name}" if above is not None else member.name
            paths[member.id] = above
    return paths


def subtree_ids(teams: list[Team], root_id: int) -> set[int]:
    """The ids of ``root_id`` and every team below it."""
    children: dict[int | None, list[int]] = {}
    for team in teams:
        children.setdefault(team.parent_id, []).append(team.id)
    found, stack = set(), [root_id]
    while stack:
        team_id = stack.pop()
        found.add(team_id)
        stack.extend(children.get(team_id, ()))
    return found
