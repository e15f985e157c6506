"""Response rates per team for one wave: invited, answered, the rate, and subtree totals.

Counts only: which invitation was answered is never shown, so nobody learns who answered.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.dashboard.service import invitation_counts
from survey.models import Response, Team


@dataclass(frozen=True)
class RateRow:
    """One team: its own personal invitations and answers, and those of its whole subtree.

    ``responses`` counts every answer of the subtree, through team links too.
    """

    team_id: int
    name: str
    depth: int
    invited: int
    answered: int
    subtree_invited: int
    subtree_answered: int
    responses: int

    @property
    def rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None

    @property
    def subtree_rate(self) -> float | None:
        return self.subtree_answered / self.subtree_invited if self.subtree_invited else None


def rate_rows(
    teams: list[Team], counts: dict[int, tuple[int, int]], responses: dict[int, int]
) -> list[RateRow]:
    """Every team in tree order (children by name under their parent), with subtree totals.

    Parameters
    ----------
    teams
        The organisation's active teams.
    counts
        ``{team id: (invited, answered)}`` of personal invitations.
    responses
        ``{team id: submitted responses}``, through any kind of link.
    """
    children: dict[int | None, list[Team]] = {}
    known = {team.id for team in teams}
    for team in teams:
        parent = team.parent_id if team.parent_id in known else None
        children.setdefault(parent, []).append(team)
    for siblings in children.values():
        siblings.sort(key=lambda team: team.name.casefold())

    def visit(team: Team, depth: int) -> tuple[list[RateRow], tuple[int, int, int]]:
        invited, answered = counts.get(team.id, (0, 0))
        below: list[RateRow] = []
        sums = (invited, answered, responses.get(team.id, 0))
        for child in children.get(team.id, []):
            child_rows, child_sums = visit(child, depth + 1)
            below.extend(child_rows)
            sums = tuple(a + b for a, b in zip(sums, child_sums, strict=True))
        return [RateRow(team.id, team.name, depth, invited, answered, *sums), *below], sums

    rows: list[RateRow] = []
    for root in children.get(None, []):
        rows.extend(visit(root, 0)[0])
    return rows


def response_counts(session: Session, wave_id: int) -> dict[int, int]:
    """Submitted responses per team in one wave."""
    rows = session.execute(
        select(Response.team_id, func.count())
        .where(Response.wave_id == wave_id)
        .group_by(Response.team_id)
    ).all()
    return dict(rows)


def wave_rates(session: Session, teams: list[Team], wave_id: int) -> list[RateRow]:
    """The rate rows of one wave, read with two grouped queries."""
    return rate_rows(teams, invitation_counts(session, wave_id), response_counts(session, wave_id))


def totals(rows: list[RateRow]) -> dict[str, float | int | None]:
    """The whole organisation: the sum over the root teams."""
    roots = [row for row in rows if row.depth == 0]
    invited = sum(row.subtree_invited for row in roots)
    answered = sum(row.subtree_answered for row in roots)
    return {
        "invited": invited,
        "answered": answered,
        "rate": answered / invited if invited else None,
        "responses": sum(row.responses for row in roots),
    }
