"""Response rates per team for one wave: invited, answered, the rate, and subtree totals.

Counts only, and coarse: which invitation was answered is never shown, and every count of
answers is shown rounded down to a multiple of the assessment's minimum group size ``k``, or as
"fewer than k" (``analysis.privacy.coarse_count``), so that watching the page never tells that
one particular person has just answered. Answers through personal invitations and through team
links are counted apart (the response's ``channel``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.privacy import coarse_count
from survey.aggregates.loading import invitation_counts
from survey.models import Response, Team

CHANNELS = ("personal", "team_link")


@dataclass(frozen=True)
class RateRow:
    """One team: its own personal invitations and answers, and those of its whole subtree.

    ``responses`` counts every answer of the subtree; ``personal`` and ``team_link`` split them
    by the channel they came through.
    """

    team_id: int
    name: str
    depth: int
    invited: int
    answered: int
    subtree_invited: int
    subtree_answered: int
    responses: int
    personal: int = 0
    team_link: int = 0

    @property
    def rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None

    @property
    def subtree_rate(self) -> float | None:
        return self.subtree_answered / self.subtree_invited if self.subtree_invited else None


def rate_rows(
    teams: list[Team],
    counts: dict[int, tuple[int, int]],
    responses: dict[int, dict[str, int]],
) -> list[RateRow]:
    """Every team in tree order (children by name under their parent), with subtree totals.

    Parameters
    ----------
    teams
        The organisation's active teams.
    counts
        ``{team id: (invited, answered)}`` of personal invitations.
    responses
        ``{team id: {channel: submitted responses}}``, channel ``personal`` or ``team_link``.
    """
    children: dict[int | None, list[Team]] = {}
    known = {team.id for team in teams}
    for team in teams:
        parent = team.parent_id if team.parent_id in known else None
        children.setdefault(parent, []).append(team)
    for siblings in children.values():
        siblings.sort(key=lambda team: team.name.casefold())

    # Depth first, as the page lists them; a stack, not recursion, so any depth is walked.
    order: list[tuple[Team, int]] = []
    stack = [(root, 0) for root in reversed(children.get(None, []))]
    while stack:
        team, depth = stack.pop()
        order.append((team, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(team.id, [])))
    sums: dict[int, tuple[int, ...]] = {}
    for team, _depth in reversed(order):  # each team after the teams below it
        invited, answered = counts.get(team.id, (0, 0))
        own = responses.get(team.id, {})
        total: tuple[int, ...] = (
            invited,
            answered,
            own.get("personal", 0),
            own.get("team_link", 0),
        )
        for child in children.get(team.id, []):
            total = tuple(a + b for a, b in zip(total, sums[child.id], strict=True))
        sums[team.id] = total
    rows: list[RateRow] = []
    for team, depth in order:
        invited, answered = counts.get(team.id, (0, 0))
        subtree_invited, subtree_answered, personal, team_link = sums[team.id]
        rows.append(
            RateRow(
                team.id,
                team.name,
                depth,
                invited,
                answered,
                subtree_invited,
                subtree_answered,
                personal + team_link,
                personal,
                team_link,
            )
        )
    return rows


def response_counts(session: Session, wave_id: int) -> dict[int, dict[str, int]]:
    """Submitted responses per team and channel in one wave."""
    rows = session.execute(
        select(Response.team_id, Response.channel, func.count())
        .where(Response.wave_id == wave_id)
        .group_by(Response.team_id, Response.channel)
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for team_id, channel, count in rows:
        counts.setdefault(team_id, {})[channel] = count
    return counts


def wave_rates(session: Session, teams: list[Team], wave_id: int) -> list[RateRow]:
    """The rate rows of one wave, read with two grouped queries."""
    return rate_rows(teams, invitation_counts(session, wave_id), response_counts(session, wave_id))


def _share(part: int | None, whole: int) -> float | None:
    return part / whole if part is not None and whole else None


def shown_row(row: RateRow, k: int) -> dict:
    """A row as pages and JSON show it: invitations exact, every count of answers coarse."""
    answered = coarse_count(row.answered, k)
    subtree_answered = coarse_count(row.subtree_answered, k)
    return {
        "id": row.team_id,
        "name": row.name,
        "depth": row.depth,
        "invited": row.invited,
        "answered": answered,
        "rate": _share(answered, row.invited),
        "subtree_invited": row.subtree_invited,
        "subtree_answered": subtree_answered,
        "subtree_rate": _share(subtree_answered, row.subtree_invited),
        "responses": coarse_count(row.responses, k),
        "personal": coarse_count(row.personal, k),
        "team_link": coarse_count(row.team_link, k),
    }


def totals(rows: list[RateRow], k: int) -> dict[str, float | int | None]:
    """The whole organisation (the sum over the root teams), coarse like :func:`shown_row`."""
    roots = [row for row in rows if row.depth == 0]
    invited = sum(row.subtree_invited for row in roots)
    answered = coarse_count(sum(row.subtree_answered for row in roots), k)
    return {
        "invited": invited,
        "answered": answered,
        "rate": _share(answered, invited),
        "responses": coarse_count(sum(row.responses for row in roots), k),
        "personal": coarse_count(sum(row.personal for row in roots), k),
        "team_link": coarse_count(sum(row.team_link for row in roots), k),
    }
