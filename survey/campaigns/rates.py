"""Response rates per team for one wave, reps and managers apart, with subtree and organisation
totals, in the dashboard's words (``survey.releases.read.RATE_COLUMNS``): invited, reps answered,
managers answered, answered in all, rate.

Counts only, and coarse: which invitation was answered is never shown, and every count of
answers is shown rounded down to a multiple of the assessment's minimum group size ``k``, or as
"fewer than k" (``analysis.privacy.coarse_count``), so that watching the page never tells that
one particular person has just answered. Each count is rounded on its own, from the exact
count, so the shown reps and managers may add up to less than the shown answers in all, and the
teams' counts to less than the total; every shown count is a lower bound. Invitations (personal
links sent, to reps and managers) are exact. Reps' answers through personal invitations and
through team links are counted apart too (the response's ``channel``); managers' answers are
not, since set against the managers' own count they could tell when one manager answered.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.privacy import coarse_count
from survey.invitations import invitation_counts
from survey.models import Response, Team

ROLES = {"rep": "reps", "manager": "managers"}
"""A response's ``role`` and the column that counts it."""
CHANNELS = ("personal", "team_link")


@dataclass(frozen=True)
class Tally:
    """Exact counts of one team or subtree: personal invitations sent, answers by role, and
    reps' answers by channel."""

    invited: int = 0
    reps: int = 0
    managers: int = 0
    personal: int = 0
    team_link: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def answered(self) -> int:
        """Answers in all: reps and managers."""
        return self.reps + self.managers


@dataclass(frozen=True)
class RateRow:
    """One team: its own invitations and answers, and those of its whole subtree."""

    team_id: int
    name: str
    depth: int
    own: Tally
    subtree: Tally


def rate_rows(
    teams: list[Team],
    invited: dict[int, int],
    responses: dict[int, dict[tuple[str, str], int]],
) -> list[RateRow]:
    """Every team in tree order (children by name under their parent), with subtree totals.

    Parameters
    ----------
    teams
        The organisation's active teams.
    invited
        ``{team id: personal invitations sent}``, to reps and managers.
    responses
        ``{team id: {(role, channel): submitted responses}}``, role ``rep`` or ``manager``,
        channel ``personal`` or ``team_link``.
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
    own = {team.id: _tally(invited.get(team.id, 0), responses.get(team.id, {})) for team in teams}
    sums: dict[int, Tally] = {}
    for team, _depth in reversed(order):  # each team after the teams below it
        sums[team.id] = sum((sums[child.id] for child in children.get(team.id, [])), own[team.id])
    return [
        RateRow(team.id, team.name, depth, own[team.id], sums[team.id]) for team, depth in order
    ]


def _tally(invited: int, responses: dict[tuple[str, str], int]) -> Tally:
    by_role = {column: 0 for column in ROLES.values()}
    by_channel = dict.fromkeys(CHANNELS, 0)
    for (role, channel), count in responses.items():
        by_role[ROLES[role]] += count
        if role == "rep":  # managers' answers split by channel would bracket their count
            by_channel[channel] += count
    return Tally(invited, **by_role, **by_channel)


def response_counts(session: Session, wave_id: int) -> dict[int, dict[tuple[str, str], int]]:
    """Submitted responses per team, role and channel in one wave."""
    rows = session.execute(
        select(Response.team_id, Response.role, Response.channel, func.count())
        .where(Response.wave_id == wave_id)
        .group_by(Response.team_id, Response.role, Response.channel)
    ).all()
    counts: dict[int, dict[tuple[str, str], int]] = {}
    for team_id, role, channel, count in rows:
        counts.setdefault(team_id, {})[(role, channel)] = count
    return counts


def wave_rates(session: Session, teams: list[Team], wave_id: int) -> list[RateRow]:
    """The rate rows of one wave, read with two grouped queries."""
    invited = {team: sent for team, (sent, _used) in invitation_counts(session, wave_id).items()}
    return rate_rows(teams, invited, response_counts(session, wave_id))


def shown_tally(tally: Tally, k: int) -> dict[str, float | int | None]:
    """Counts as pages and JSON show them: invitations exact, every count of answers coarse.

    Answers in all are the sum of the shown reps and managers, never coarsened on their own:
    a total rounded apart from its parts would step up when a part still shown as "fewer than
    ``k``" (often one manager) gained one answer, and so tell that that person answered. The
    rate is that sum over invitations, as on the dashboard; none where nobody was invited,
    where the answers shown are none, or where they outnumber the invitations (answers through
    team links need no invitation).
    """
    reps, managers = coarse_count(tally.reps, k), coarse_count(tally.managers, k)
    answered = None if reps is None and managers is None else (reps or 0) + (managers or 0)
    return {
        "invited": tally.invited,
        "reps": reps,
        "managers": managers,
        "answered": answered,
        "rate": (
            answered / tally.invited
            if answered is not None and tally.invited and answered <= tally.invited
            else None
        ),
        "personal": coarse_count(tally.personal, k),
        "team_link": coarse_count(tally.team_link, k),
    }


def shown_row(row: RateRow, k: int) -> dict:
    """A row as pages and JSON show it: the team's own counts, then ``subtree_`` ones."""
    subtree = {f"subtree_{key}": value for key, value in shown_tally(row.subtree, k).items()}
    return (
        {"id": row.team_id, "name": row.name, "depth": row.depth}
        | shown_tally(row.own, k)
        | subtree
    )


def totals(rows: list[RateRow], k: int) -> dict[str, float | int | None]:
    """The whole organisation (the sum over the root teams), coarse like :func:`shown_tally`."""
    return shown_tally(sum((row.subtree for row in rows if row.depth == 0), Tally()), k)
