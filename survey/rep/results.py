"""The share-back page: a team's released results for its reps, without an account.

One link per (assessment, team), the same for every rep of the team (``survey.share_back``). The
page shows exactly what a manager of that team sees on their dashboard for a released wave,
read-only: no drill-down below the team, no downloads, no link into logged-in pages. Unknown,
forged or stale links (a team archived or moved to another organisation) get the same neutral
404 as an unknown survey link. Views are not audited: reps are anonymous.
"""

from __future__ import annotations

from flask import render_template, request

from survey.access import default_wave
from survey.db import db
from survey.models import Assessment, Team
from survey.params import parse_id
from survey.releases.store import latest_releases
from survey.rep import bp
from survey.rep.routes import LinkNotOpen
from survey.security import allow_charts
from survey.share_back import share_target

LARGEST_ID = 2**31 - 1


@bp.get("/results/<token>")
def team_results(token: str):
    from survey.aggregates.dashboards import dashboard  # imported here: heavy, see README 'Workers'

    assessment, team = _target_or_404(token)
    releases = latest_releases(db.session, assessment)
    released = [wave for wave in assessment.waves if wave.id in releases]
    if not released:
        return render_template(
            "rep/team_results.html",
            assessment=assessment,
            team=team,
            board=None,
            released=[],
            pending=default_wave(assessment),
            min_group=assessment.min_group_size,
        )
    wave = _chosen(released, request.args.get("wave"))
    board = dashboard(db.session, assessment, team.id, wave.id)
    allow_charts()
    return render_template(
        "rep/team_results.html",
        assessment=assessment,
        team=team,
        wave=wave,
        board=board,
        released=released,
        read_only=True,
        token=token,
        min_group=board.view.k,
    )


def _target_or_404(token: str) -> tuple[Assessment, Team]:
    target = share_target(token)
    if target is None or not all(0 < each <= LARGEST_ID for each in target):
        raise LinkNotOpen
    assessment = db.session.get(Assessment, target[0])
    team = db.session.get(Team, target[1])
    if (
        assessment is None
        or team is None
        or team.organisation_id != assessment.organisation_id
        or team.archived_at is not None
    ):
        raise LinkNotOpen
    return assessment, team


def _chosen(released: list, wave_arg: str | None):
    """The released wave ``?wave=`` asks for, else the latest released; any other is a 404."""
    if not wave_arg:
        return released[-1]
    wave_id = parse_id(wave_arg)
    for wave in released:
        if wave.id == wave_id:
            return wave
    raise LinkNotOpen
