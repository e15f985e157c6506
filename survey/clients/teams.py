"""An organisation's team tree: reading it with counts, and changing it.

A team that anything refers to (people, responses, invitations, links, logins, other teams) is
archived, never deleted; only a team that nothing refers to may be deleted. Every change writes
an audit event in the caller's transaction; nothing here commits.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.privacy import DEFAULT_K
from survey.audit import record
from survey.clients.names import MAX_TEAM_DEPTH, same_name, team_name_problem
from survey.db import Base
from survey.i18n import valid_zone
from survey.models import Assessment, Organisation, Person, Response, Team
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
class OutlineRow:
    """One team of the tree as the page lists it: ``depth`` 0 at the top; ``closes`` is how many
    levels end after this team (its own list item apart), so that the page can nest the lists
    without a recursive template."""

    node: TeamNode
    depth: int
    closes: int


@dataclass(frozen=True)
class TeamTree:
    roots: list[TeamNode]
    archived: list[TeamNode]
    people: int
    responses: int

    def nodes(self) -> list[TeamNode]:
        """The active teams, depth first, in the order the tree shows them."""
        return [node for node, _depth in self._walk()]

    def outline(self) -> list[OutlineRow]:
        """The active teams in the order the tree shows them, each with its depth."""
        walked = self._walk()
        rows = []
        for index, (node, depth) in enumerate(walked):
            following = walked[index + 1][1] if index + 1 < len(walked) else 0
            rows.append(OutlineRow(node, depth, 0 if node.children else depth - following))
        return rows

    def _walk(self) -> list[tuple[TeamNode, int]]:
        found, stack = [], [(root, 0) for root in reversed(self.roots)]
        while stack:
            node, depth = stack.pop()
            found.append((node, depth))
            stack.extend((child, depth + 1) for child in reversed(node.children))
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


def count_step(session: Session, organisation_id: int) -> int:
    """The step response counts are shown in on the organisation's page: the largest minimum
    group size of its assessments (5 without any), so that the live count of a small team never
    shows that one particular person has just answered (``analysis.privacy.coarse_count``)."""
    largest = session.scalar(
        select(func.max(Assessment.min_group_size)).where(
            Assessment.organisation_id == organisation_id
        )
    )
    return largest or DEFAULT_K


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
    tree = TeamTree(roots, [], sum(people.values()), sum(responses.values()))
    for node in reversed(tree.nodes()):  # children before their parents
        node.total_people = node.people + sum(child.total_people for child in node.children)
        node.total_responses = node.responses + sum(
            child.total_responses for child in node.children
        )
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
    time_zone: str | None = None,
) -> Team:
    """A new team at the root or under an active team of the same organisation; ``time_zone``
    its own zone (None: the zone above applies)."""
    name = _valid_name(name)
    _check_department(department)
    _check_zone(time_zone)
    parent = _destination(session, organisation.id, parent_id)
    if parent is not None:
        _check_depth(session, organisation.id, parent, 1)
    _check_free(session, organisation.id, parent_id, name)
    team = Team(
        organisation_id=organisation.id,
        name=name,
        department=department,
        parent=parent,
        time_zone=time_zone,
    )
    session.add(team)
    session.flush()
    details = {"time_zone": time_zone} if time_zone else {}
    _record(
        session,
        "team.create",
        team,
        name=name,
        department=department,
        parent_id=parent_id,
        **details,
    )
    return team


def rename_team(session: Session, team: Team, name: str) -> None:
    name = _valid_name(name)
    if name == team.name:
        return
    _check_free(session, team.organisation_id, team.parent_id, name, team.id)
    _record(session, "team.rename", team, old_name=team.name, new_name=name)
    team.name = name


def set_department(session: Session, team: Team, department: str) -> None:
    _check_department(department)
    if department == team.department:
        return
    _record(
        session, "team.department", team, old_department=team.department, new_department=department
    )
    team.department = department


def set_team_zone(session: Session, team: Team, time_zone: str | None) -> None:
    """Give ``team`` its own zone, which the teams below it inherit, or none (None: the zone of
    the team above, or the organisation's, applies)."""
    _check_zone(time_zone)
    if time_zone == team.time_zone:
        return
    _record(session, "team.time_zone", team, before=team.time_zone, after=time_zone)
    team.time_zone = time_zone


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
            raise TeamChangeRefused(_("A team cannot move under itself or under one of its teams."))
    parent = _destination(session, team.organisation_id, parent_id)
    if parent is not None:
        _check_depth(session, team.organisation_id, parent, _levels_from(session, team))
    _check_free(session, team.organisation_id, parent_id, team.name, team.id)
    _record(session, "team.move", team, old_parent_id=team.parent_id, new_parent_id=parent_id)
    team.parent_id = parent_id


def archive_team(session: Session, team: Team, now: datetime) -> list[Team]:
    """Archive ``team`` and every active team below it; returns them (``team`` first)."""
    affected = teams_below(session, team)
    for each in affected:
        each.archived_at = now
    _record(session, "team.archive", team, name=team.name, teams=len(affected))
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
            _(
                "%(name)s has people, responses, links or teams of its own, so it can only be "
                "archived.",
                name=team.name,
            )
        )
    _record(session, "team.delete", team, name=team.name)
    session.delete(team)


def _record(session: Session, action: str, team: Team, **details) -> None:
    """The audit event of a change to ``team``, in the caller's transaction."""
    record(
        session,
        action,
        organisation_id=team.organisation_id,
        target=f"team {team.id}",
        **details,
    )


def _parents(session: Session, organisation_id: int) -> dict[int, int | None]:
    """Each team's parent id, archived teams included."""
    rows = session.execute(
        select(Team.id, Team.parent_id).where(Team.organisation_id == organisation_id)
    )
    return dict(rows.all())


def _level(parents: dict[int, int | None], team_id: int) -> int:
    """How many levels down a team sits: 1 at the top. Walks up, stopping at a loop."""
    level, seen, current = 0, set(), team_id
    while current is not None and current not in seen:
        seen.add(current)
        level += 1
        current = parents.get(current)
    return level


def _levels_from(session: Session, team: Team) -> int:
    """How many levels ``team`` and the teams below it take: 1 for a team with none below."""
    children: dict[int | None, list[int]] = {}
    for team_id, parent_id in _parents(session, team.organisation_id).items():
        children.setdefault(parent_id, []).append(team_id)
    deepest, seen, stack = 0, set(), [(team.id, 1)]
    while stack:
        team_id, level = stack.pop()
        if team_id in seen:
            continue
        seen.add(team_id)
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children.get(team_id, ()))
    return deepest


def _check_depth(session: Session, organisation_id: int, parent: Team, levels: int) -> None:
    """Refuse to put ``levels`` levels of teams under ``parent`` past ``MAX_TEAM_DEPTH``."""
    depth = _level(_parents(session, organisation_id), parent.id) + levels
    if depth > MAX_TEAM_DEPTH:
        raise TeamChangeRefused(
            _(
                "That would put a team %(depth)s levels down; a team path has at most "
                "%(max)s levels. Choose a team higher up.",
                depth=depth,
                max=MAX_TEAM_DEPTH,
            )
        )


def _valid_name(name: str) -> str:
    name = name.strip()
    problem = team_name_problem(name)
    if problem:
        raise TeamChangeRefused(problem)
    return name


def _check_department(department: str) -> None:
    if department not in DEPARTMENTS:
        raise TeamChangeRefused(
            _("The department must be one of %(departments)s.", departments=", ".join(DEPARTMENTS))
        )


def _check_zone(time_zone: str | None) -> None:
    if time_zone is not None and not valid_zone(time_zone):
        raise TeamChangeRefused(
            _("%(zone)s is not a time zone we know; choose one from the list.", zone=time_zone)
        )


def _destination(session: Session, organisation_id: int, parent_id: int | None) -> Team | None:
    if parent_id is None:
        return None
    parent = session.get(Team, parent_id)
    if parent is None or parent.organisation_id != organisation_id:
        raise TeamChangeRefused(_("A team can only go under a team of the same organisation."))
    if parent.archived_at is not None:
        raise TeamChangeRefused(_("%(name)s is archived; choose an active team.", name=parent.name))
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
            raise TeamChangeRefused(_taken(sibling.name, parent_id is None, sibling.archived_at))


def _taken(name: str, top: bool, archived: object) -> str:
    """Why a sibling's name cannot be used again, as a whole sentence."""
    if top:
        if archived:
            return _("A team named %(name)s (archived) exists at the top level already.", name=name)
        return _("A team named %(name)s exists at the top level already.", name=name)
    if archived:
        return _("A team named %(name)s (archived) exists there already.", name=name)
    return _("A team named %(name)s exists there already.", name=name)
