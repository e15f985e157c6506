"""What a parsed roster would change, and making that change in one transaction.

Team paths are matched part by part against the organisation's tree, ignoring case; missing
parts become new teams (in the sales department). People are matched by e-mail: new ones are
added, those whose team, role or language differs are updated, the rest are left as they are, so
importing the same file twice changes nothing. People missing from the file stay on the roster.

A file with a language column sets each person's language, an empty cell clearing it (their
browser decides); a file without one leaves the languages on the roster as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.audit import record
from survey.clients.names import PATH_SEPARATOR, same_name
from survey.clients.roster import RosterError, RosterRow
from survey.clients.teams import all_teams
from survey.models import Organisation, Person, Team, User
from survey.models.organisation import team_paths

Key = tuple[str, ...]  # a team path with each part folded by ``same_name``


@dataclass(frozen=True)
class PersonUpdate:
    """Someone on the roster already, whose team, role or language the file changes (a
    language ``None``: none, their browser decides)."""

    line: int
    email: str
    old_path: str
    old_role: str
    new_path: str
    new_role: str
    old_language: str | None = None
    new_language: str | None = None


@dataclass
class ImportPlan:
    """The preview: new team paths (parents first), new people, updates, and what stays."""

    new_teams: list[str] = field(default_factory=list)
    new_people: list[RosterRow] = field(default_factory=list)
    updates: list[PersonUpdate] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RosterError] = field(default_factory=list)
    languages: bool = False  # whether the file has a language column
    _existing: dict[Key, Team] = field(default_factory=dict, repr=False)
    _new: dict[Key, str] = field(default_factory=dict, repr=False)
    _people: dict[str, Person] = field(default_factory=dict, repr=False)
    _keys: dict[int, Key] = field(default_factory=dict, repr=False)
    _updated_rows: list[RosterRow] = field(default_factory=list, repr=False)

    @property
    def changes(self) -> bool:
        return bool(self.new_teams or self.new_people or self.updates)


def plan_import(session: Session, organisation_id: int, rows: list[RosterRow]) -> ImportPlan:
    """Compare ``rows`` with the organisation's teams and roster; writes nothing.

    A path that runs through an archived team is an error of its line.
    """
    plan = ImportPlan(languages=any(row.language is not None for row in rows))
    teams = all_teams(session, organisation_id)
    paths = team_paths(teams)
    usable, archived = _team_keys(teams)
    plan._existing = usable
    people = session.scalars(select(Person).where(Person.organisation_id == organisation_id))
    plan._people = {person.email.lower(): person for person in people}
    shown: dict[Key, str] = {key: paths[team.id] for key, team in usable.items()}
    for row in rows:
        key = tuple(same_name(part) for part in row.path)
        blocked = next((key[:n] for n in range(1, len(key) + 1) if key[:n] in archived), None)
        if blocked is not None:
            plan.errors.append(
                RosterError(
                    row.line,
                    _(
                        "The team path %(path)s runs through the archived team %(archived)s; "
                        "use an active team.",
                        path=row.path_text,
                        archived=paths[archived[blocked].id],
                    ),
                )
            )
            continue
        for depth in range(1, len(key) + 1):
            part = key[:depth]
            if part not in shown:
                name = row.path[depth - 1]
                shown[part] = PATH_SEPARATOR.join((shown[part[:-1]], name)) if depth > 1 else name
                plan._new[part] = name
                plan.new_teams.append(shown[part])
        plan._keys[row.line] = key
        _compare_person(plan, row, key, shown, paths)
    return plan


def apply_import(
    session: Session,
    organisation: Organisation,
    plan: ImportPlan,
    *,
    actor: User | None = None,
    job_id: int | None = None,
) -> None:
    """Create the new teams and people and update the others, as ``plan`` says; no commit.

    The ``roster.import`` audit event names ``actor`` when given (a job has no logged-in user:
    the one who confirmed the import) and the job that made the import.

    Raises
    ------
    ValueError
        When the plan has errors.
    """
    if plan.errors:
        raise ValueError("A roster with errors cannot be imported.")
    teams = dict(plan._existing)
    for key, name in plan._new.items():  # parents come before their children
        teams[key] = Team(
            organisation_id=organisation.id,
            name=name,
            department="sales",
            parent=teams.get(key[:-1]),
        )
        session.add(teams[key])
    for row in plan.new_people:
        person = Person(
            organisation_id=organisation.id,
            team=teams[plan._keys[row.line]],
            email=row.email,
            role=row.role,
            language=row.language or None,
        )
        session.add(person)
    for row in plan._updated_rows:
        person = plan._people[row.email]
        person.team = teams[plan._keys[row.line]]
        person.role = row.role
        person.language = _language(person, row)
    session.flush()
    event = record(
        session,
        "roster.import",
        organisation_id=organisation.id,
        target=f"organisation {organisation.id}",
        new_teams=len(plan.new_teams),
        new_people=len(plan.new_people),
        updated_people=len(plan.updates),
        unchanged_people=plan.unchanged,
        **({"job": job_id} if job_id is not None else {}),
    )
    if actor is not None:
        event.user_id, event.user_email = actor.id, actor.email


def _team_keys(teams: list[Team]) -> tuple[dict[Key, Team], dict[Key, Team]]:
    """Each team's key, split into usable teams and archived ones (or below an archived one).

    When two teams share a key (names differing only in case), a usable one wins.
    """
    by_id = {team.id: team for team in teams}
    keys: dict[int, Key] = {}
    blocked: dict[int, bool] = {}

    def key_of(team: Team) -> Key:
        """The team's key, and those of the teams above it, walking up (not recursively)."""
        above: list[Team] = []
        current: Team | None = team
        while current is not None and current.id not in keys and current not in above:
            above.append(current)
            current = by_id.get(current.parent_id) if current.parent_id else None
        for each in reversed(above):  # from the top down
            parent = by_id.get(each.parent_id) if each.parent_id else None
            parent = parent if parent is not None and parent.id in keys else None
            keys[each.id] = (*(keys[parent.id] if parent else ()), same_name(each.name))
            blocked[each.id] = each.archived_at is not None or (
                parent is not None and blocked[parent.id]
            )
        return keys[team.id]

    usable: dict[Key, Team] = {}
    archived: dict[Key, Team] = {}
    for team in sorted(teams, key=lambda team: team.id):
        key = key_of(team)
        (archived if blocked[team.id] else usable).setdefault(key, team)
    return usable, {key: team for key, team in archived.items() if key not in usable}


def _compare_person(
    plan: ImportPlan, row: RosterRow, key: Key, shown: dict[Key, str], paths: dict[int, str]
) -> None:
    person = plan._people.get(row.email)
    if person is None:
        plan.new_people.append(row)
        return
    team = plan._existing.get(key)
    language = _language(person, row)
    if (
        team is not None
        and person.team_id == team.id
        and person.role == row.role
        and person.language == language
    ):
        plan.unchanged += 1
        return
    plan.updates.append(
        PersonUpdate(
            row.line,
            row.email,
            paths[person.team_id],
            person.role,
            shown[key],
            row.role,
            person.language,
            language,
        )
    )
    plan._updated_rows.append(row)


def _language(person: Person, row: RosterRow) -> str | None:
    """The language ``person`` has after the import of ``row``: the row's (an empty cell none),
    or their own when the file has no language column."""
    if row.language is None:
        return person.language
    return row.language or None
