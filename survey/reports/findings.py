"""The report's findings in words, read off one team's dashboard (already suppressed).

Nothing here computes a new statistic: the sentences restate the dashboard's figures (the index
with its interval, the change with its verdict, the dimension means), and say why a figure is
missing when it is hidden.
"""

from __future__ import annotations

import math

import pandas as pd

from survey.aggregates.model import INDEX
from survey.dashboard.service import Dashboard
from survey.releases.read import previous_released

MIDPOINT = 50.0  # halfway between contractual (0) and purpose-driven (100)


def findings(board: Dashboard) -> list[str]:
    """Sentences on where the team stands, how it moved, and its strongest and weakest scales."""
    headline = board.sections["headline"]
    name, wave = board.team.name, board.wave.name
    if headline.table.empty:
        reasons = "; ".join(reason for _, reason in headline.hidden) or "no answers"
        return [f"No figures are shown for {name} in {wave}: {reasons}."]
    index = headline.table[headline.table["measure"] == INDEX].iloc[0]
    sentences = [_standing(name, wave, index)]
    sentences += _change(board)
    extremes = _extremes(headline.table[headline.table["measure"] != INDEX])
    if extremes:
        sentences.append(extremes)
    return sentences


def _standing(name: str, wave: str, row: pd.Series) -> str:
    low, high = row["ci_low"], row["ci_high"]
    where = (
        "on the purpose-driven side of the midpoint"
        if low > MIDPOINT
        else "on the contractual side of the midpoint"
        if high < MIDPOINT
        else "not clearly on either side of the midpoint (50)"
    )
    interval = "" if math.isnan(low) else f", 95% interval {low:.0f} to {high:.0f}"
    return (
        f"In {wave}, {name} scores {row['mean']:.0f} on the mindset index, from 0 (contractual) "
        f"to 100 (purpose-driven){interval}, from {row['n']} answers: {where}."
    )


def _change(board: Dashboard) -> list[str]:
    view = board.view
    released = [wave for wave in view.waves if view.released(wave.id)]
    before = previous_released(released, board.wave.id)
    if before is None:
        return ["This is the first released wave, so there is no change to report yet."]
    change = board.sections["change"]
    if change.table.empty or change.table.iloc[0]["group"] != board.team.name:
        reason = next(
            (why for label, why in change.hidden if label == board.team.name), "not released"
        )
        return [f"The change since {before.name} is not shown: {reason}."]
    row = change.table.iloc[0]  # the team itself comes first, then the teams below it
    sentences = [
        f"Since {before.name}, the index {row['verdict']}: {row['difference']:+.1f} points "
        f"(from {row['mean_before']:.0f} to {row['mean_after']:.0f}, 95% interval of the change "
        f"{row['ci_low']:+.1f} to {row['ci_high']:+.1f})."
    ]
    below = [
        f"{r.group}: {r.verdict} ({r.difference:+.1f})" for r in change.table.iloc[1:].itertuples()
    ]
    below += [
        f"{label}: not shown, {why}" for label, why in change.hidden if label != board.team.name
    ]
    if below:
        sentences.append("Teams below: " + "; ".join(below) + ".")
    return sentences


def _extremes(dimensions: pd.DataFrame) -> str | None:
    scored = dimensions.dropna(subset=["mean"])
    if len(scored) < 2:
        return None
    top = scored.loc[scored["mean"].idxmax()]
    bottom = scored.loc[scored["mean"].idxmin()]
    overlap = top["ci_low"] <= bottom["ci_high"]
    caveat = " Their 95% intervals overlap, so the gap may be chance." if overlap else ""
    return (
        f"Closest to the purpose-driven pole: {top['measure']} ({top['mean']:.0f}). "
        f"Closest to the contractual pole: {bottom['measure']} ({bottom['mean']:.0f}).{caveat}"
    )
