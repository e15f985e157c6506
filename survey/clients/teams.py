"""An organisation's team tree: reading it with counts, and changing it.

A team that anything refers to (people, responses, invitations, links, logins, other teams) is
archived, never deleted; only a team that nothing refers to may be deleted. Every change writes
an audit event in the caller's transaction; nothing here commits.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.audit import record
from survey.clients.names import same_name, team_name_problem
from survey.db import Base
from survey.models import Organisation, Person, Response, Team
from survey.models.organisation import DEPARTMENTS, subtree_ids, team_paths, teams_of


class TeamChangeRefused(ValueError):
    """A change to the tree that cannot be made; the message says why, for the form."""


@dataclass
class TeamNode:
    """A team with its counts: its own, and with every team below it (``total_*``)."""

    team: Team
    path: str
    people: int
    responses: int
    references: int
    children: list[TeamNode] = field(default_factory=list)
    total_people: int = 0
    total_responses: int = 0

    @property
    def deletable(self) -> bool:
        """Nothing refers to the team: no people, responses, links, logins or child teams."""
        return self.references == 0


@dataclass(frozen=True)
class TeamTree:
    roots: list[TeamNode]
    archived: list[TeamNode]
    people: int
    responses: int

    def nodes(self) -> list[TeamNode]:
        """The active teams, depth first, in the order the tree shows them."""
        found, stack = [], list(reversed(self.roots))
        while stack:
            node = stack.pop()
            found.append(node)
            stack.extend(reversed(node.children))
        return found


def all_teams(session: Session, organisation_id: int) -> list[Team]:
    """Every team of the organisation, archived ones too."""
    return list(session.scalars(select(Team).where(Team.organisation_id == organisation_id)))


def count_by_team(session: Session, column, organisation_id: int) -> Counter[int]:
    """How many rows have each of the organisation's team ids in ``column``."""
    team_ids = select(Team.id).where(Team.organisation_id == organisation_id).correlate(None)
    rows = session.execute(
        select(column, func.count()).where(column.in_(team_ids.scalar_subquery())).group_by(column)
    )
    return Counter(dict(rows.all()))


def team_references(session: Session, organisation_id: int) -> Counter[int]:
    """How many rows of any table refer to each team: people, responses, child teams, ..."""
    team_id = Team.__table__.c.id
    references: Counter[int] = Counter()
    for table in Base.metadata.tables.values():
        for foreign_key in table.foreign_keys:
            if foreign_key.column is team_id:
                references.update(count_by_team(session, foreign_key.parent, organisation_id))
    return references


def team_tree(session: Session, organisation_id: int) -> TeamTree:
    """The organisation's active teams as a tree (by name); archived ones, and active ones left
    below an archived team, are listed apart."""
    teams = sorted(all_teams(session, organisation_id), key=lambda team: same_name(team.name))
    paths = team_paths(teams)
    people = count_by_team(session, Person.team_id, organisation_id)
    responses = count_by_team(session, Response.team_id, organisation_id)
    references = team_references(session, organisation_id)
    nodes = {
        team.id: TeamNode(
            team, paths[team.id], people[team.id], responses[team.id], references[team.id]
        )
        for team in teams
    }
    roots = []
    for team in teams:
        if team.archived_at is None and team.parent_id is None:
            roots.append(nodes[team.id])
        elif team.archived_at is None:
            nodes[team.parent_id].children.append(nodes[team.id])
    for root in roots:
        _add_totals(root)
    tree = TeamTree(roots, [], sum(people.values()), sum(responses.values()))
    shown = {node.team.id for node in tree.nodes()}
    tree.archived.extend(
        sorted(
            (node for node in nodes.values() if node.team.id not in shown),
            key=lambda node: same_name(node.path),
        )
    )
    return tree


def add_team(
    session: Session,
    organisation: Organisation,
    name: str,
    department: str,
    parent_id: int | None,
) -> Team:
    """A new team at the root or under an active team of the same organisation."""
    name = _valid_name(name)
    _check_department(department)
    parent = _destination(session, organisation.id, parent_id)
    _check_free(session, organisation.id, parent_id, name)
    team = Team(organisation_id=organisation.id, name=name, department=department, parent=parent)
    session.add(team)
    session.flush()
    record(
        session,
        "team.create",
        organisation_id=organisation.id,
        target=f"team {team.id}",
        name=name,
        department=department,
        parent_id=parent_id,
    )
    return team


def rename_team(session: Session, team: Team, name: str) -> None:
    name = _valid_name(name)
    if name == team.name:
        return
    _check_free(session, team.organisation_id, team.parent_id, name, team.id)
    record(
        session,
        "team.rename",
        organisation_id=team.organisation_id,
        target=f"team {team.id}",
        old_name=team.name,
        new_name=name,
    )
    team.name = name


def set_department(session: Session, team: Team, department: str) -> None:
    _check_department(department)
    if department == team.department:
        return
    record(
        session,
        "team.department",
        organisation_id=team.organisation_id,
        target=f"team {team.id}",
        old_department=team.department,
        new_department=department,
    )
    team.department = department


def move_team(session: Session, team: Team, parent_id: int | None) -> None:
    """Put ``team`` (with everything below it) under another team, or at the root.

    Raises
    ------
    TeamChangeRefused
        When the new parent is the team itself or below it (a cycle), belongs to another
        organisation, is archived, or already has a team of the same name.
    """
    if parent_id == team.parent_id:
        return
    if parent_id is not None:
        active = list(session.scalars(teams_of(team.organisation_id)))
        if parent_id in subtree_ids(active, team.id):
            raise TeamChangeRefused("A team cannot move under itself or under one of its teams.")
    _destination(session, team.organisation_id, parent_id)
    _check_free(session, team.organisation_id, parent_id, team.name, team.id)
    record(
        session,
        "team.move",
        organisation_id=team.organisation_id,
        target=f"team {team.id}",
        old_parent_id=team.parent_id,
        new_parent_id=parent_id,
    )
    team.parent_id = parent_id


def archive_team(session: Session, team: Team, now: datetime) -> list[Team]:
    """Archive ``team`` and every active team below it; returns them (``team`` first)."""
    affected = teams_below(session, team)
    for each in affected:
        each.archived_at = now
    record(
        session,
        "team.archive",
        organisation_id=team.organisation_id,
        target=f"team {team.id}",
        name=team.name,
        teams=len(affected),
    )
    return affected


def teams_below(session: Session, team: Team) -> list[Team]:
    """``team`` and every active team below it, ``team`` first."""
    active = list(session.scalars(teams_of(team.organisation_id)))
    below = subtree_ids(active, team.id) - {team.id}
    return [team, *sorted((t for t in active if t.id in below), key=lambda t: same_name(t.name))]


def delete_team(session: Session, team: Team) -> None:
    """Delete a team that nothing refers to; otherwise refuse (archive it instead)."""
    if team_references(session, team.organisation_id)[team.id]:
        raise TeamChangeRefused(
            f"{team.name} has people, responses, links or teams of its own, so it can only be "
            "archived."
        )
    record(
        session,
        "team.delete",
        organisation_id=team.organisation_id,
        target=f"team {team.id}",
        name=team.name,
    )
    session.delete(team)


def _add_totals(node: TeamNode) -> None:
    node.total_people, node.total_responses = node.people, node.responses
    for child in node.children:
        _add_totals(child)
        node.total_people += child.total_people
        node.total_responses += child.total_responses


def _valid_name(name: str) -> str:
    name = name.strip()
    problem = team_name_problem(name)
    if problem:
        raise TeamChangeRefused(problem)
    return name


def _check_department(department: str) -> None:
    if department not in DEPARTMENTS:
        raise TeamChangeRefused(f"The department must be one of {', '.join(DEPARTMENTS)}.")


def _destination(session: Session, organisation_id: int, parent_id: int | None) -> Team | None:
    if parent_id is None:
        return None
    parent = session.get(Team, parent_id)
    if parent is None or parent.organisation_id != organisation_id:
        raise TeamChangeRefused("A team can only go under a team of the same organisation.")
    if parent.archived_at is not None:
        raise TeamChangeRefused(f"{parent.name} is archived; choose an active team.")
    return parent


def _check_free(
    session: Session,
    organisation_id: int,
    parent_id: int | None,
    name: str,
    team_id: int | None = None,
) -> None:
    """Refuse a name that a sibling (archived or not) has already, ignoring case."""
    siblings = select(Team).where(Team.organisation_id == organisation_id, Team.id != team_id)
    siblings = siblings.where(
        Team.parent_id.is_(None) if parent_id is None else Team.parent_id == parent_id
    )
    for sibling in session.scalars(siblings):
        if same_name(sibling.name) == same_name(name):
            where = "at the top level" if parent_id is None else "there"
            state = " (archived)" if sibling.archived_at else ""
            raise TeamChangeRefused(f"A team named {sibling.name}{state} exists {where} already.")
