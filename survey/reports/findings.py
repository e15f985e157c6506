"""The report's findings in words, read off one team's dashboard (already suppressed).

Nothing here computes a new statistic: the sentences restate the dashboard's figures (the index
with its interval, the change with its verdict, the dimension means) and the release's test of
the gap between the highest and lowest dimension (a paired t-test, Holm-adjusted over every
pair of dimensions: :func:`analysis.profile.extreme_gap`), and say why a figure is missing when
it is hidden. Overlapping intervals are never read as a test (Schenker & Gentleman 2001).
"""

from __future__ import annotations

import math

import pandas as pd

from survey.aggregates.dashboards import Dashboard
from survey.aggregates.model import INDEX
from survey.releases.read import previous_released

MIDPOINT = 50.0  # halfway between contractual (0) and purpose-driven (100)
SIGNIFICANCE = 0.05  # an adjusted p-value below this: more than chance alone would explain


def findings(board: Dashboard, cell: dict | None = None) -> list[str]:
    """Sentences on where the team stands, how it moved, and its strongest and weakest scales.

    ``cell``: the team's cell in the wave's release, whose ``extremes`` test the gap between the
    strongest and weakest scale (absent from releases made before it was stored).
    """
    headline = board.sections["headline"]
    name, wave = board.team.name, board.wave.name
    if headline.table.empty:
        reasons = "; ".join(reason for _, reason in headline.hidden) or "no answers"
        return [f"No figures are shown for {name} in {wave}: {reasons}."]
    index = headline.table[headline.table["measure"] == INDEX].iloc[0]
    sentences = [_standing(name, wave, index)]
    sentences += _change(board)
    extremes = _extremes(headline.table[headline.table["measure"] != INDEX], cell)
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
    measure = change.figures.get("measure", "index")
    sentences = [
        f"Since {before.name}, the {measure[0].lower() + measure[1:]} {row['verdict']}: "
        f"{row['difference']:+.1f} points "
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
    return sentences + list(change.findings)


def _extremes(dimensions: pd.DataFrame, cell: dict | None) -> str | None:
    scored = dimensions.dropna(subset=["mean"])
    if len(scored) < 2:
        return None
    means = dict(zip(scored["measure"], scored["mean"], strict=True))
    stored = (cell or {}).get("extremes")
    if stored and stored["highest"] in means and stored["lowest"] in means:
        top, bottom = stored["highest"], stored["lowest"]
    else:
        top = scored.loc[scored["mean"].idxmax(), "measure"]
        bottom = scored.loc[scored["mean"].idxmin(), "measure"]
    if means[top] == means[bottom]:
        return f"Every dimension has the same mean ({means[top]:.0f})."
    poles = (
        f"Closest to the purpose-driven pole: {top} ({means[top]:.0f}). "
        f"Closest to the contractual pole: {bottom} ({means[bottom]:.0f})."
    )
    return f"{poles} {_gap(stored, top, bottom)}"


def _gap(stored: dict | None, top: str, bottom: str) -> str:
    """What the paired test of the gap between ``top`` and ``bottom`` says, in words."""
    question = "Whether the gap between them is more than chance"
    if stored is None:
        return f"{question} was not computed for this release."
    if stored["p_adjusted"] is None:
        return f"{question} cannot be tested: {stored['undefined_reason'] or 'no p-value'}."
    difference, p = stored["difference"], stored["p_adjusted"]
    gap = (
        f"Within the same people, {top} is {difference:.1f} points above {bottom} on average "
        f"(95% interval {stored['ci_low']:.1f} to {stored['ci_high']:.1f}, for this pair alone)"
    )
    test = f"paired t-test, Holm-adjusted p {_p_value(p)}"
    family = f"the {stored['comparisons']} comparisons between dimensions"
    if p < SIGNIFICANCE:
        return f"{gap}: a gap larger than chance alone would explain among {family} ({test})."
    return f"{gap}: given {family}, the gap could be chance ({test})."


def _p_value(p: float) -> str:
    if p < 0.001:
        return "< 0.001"
    shown = f"{p:.3f}"
    if p < SIGNIFICANCE <= float(shown):  # 0.0496 would read "0.050"
        return f"< {SIGNIFICANCE}"
    return f"= {shown}"
