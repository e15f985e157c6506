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
from flask_babel import gettext as _

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
        reasons = "; ".join(str(reason) for _label, reason in headline.hidden) or _("no answers")
        return [
            _(
                "No figures are shown for %(team)s in %(wave)s: %(reasons)s.",
                team=name,
                wave=wave,
                reasons=reasons,
            )
        ]
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
        _("on the purpose-driven side of the midpoint")
        if low > MIDPOINT
        else _("on the contractual side of the midpoint")
        if high < MIDPOINT
        else _("not clearly on either side of the midpoint (50)")
    )
    named = {"wave": wave, "team": name, "mean": format(row["mean"], ".0f"), "n": row["n"]}
    if math.isnan(low):
        return _(
            "In %(wave)s, %(team)s scores %(mean)s on the mindset index, from 0 (contractual) "
            "to 100 (purpose-driven), from %(n)s answers: %(where)s.",
            where=where,
            **named,
        )
    return _(
        "In %(wave)s, %(team)s scores %(mean)s on the mindset index, from 0 (contractual) "
        "to 100 (purpose-driven), 95%% interval %(low)s to %(high)s, from %(n)s answers: "
        "%(where)s.",
        where=where,
        low=format(low, ".0f"),
        high=format(high, ".0f"),
        **named,
    )


def _change(board: Dashboard) -> list[str]:
    view = board.view
    released = [wave for wave in view.waves if view.released(wave.id)]
    before = previous_released(released, board.wave.id)
    if before is None:
        return [_("This is the first released wave, so there is no change to report yet.")]
    change = board.sections["change"]
    if change.table.empty or change.table.iloc[0]["group"] != board.team.name:
        reason = next(
            (why for label, why in change.hidden if label == board.team.name), _("not released")
        )
        return [
            _(
                "The change since %(wave)s is not shown: %(reason)s.",
                wave=before.name,
                reason=reason,
            )
        ]
    row = change.table.iloc[0]  # the team itself comes first, then the teams below it
    measure = str(change.figures.get("measure", _("index")))
    sentences = [
        _(
            "Since %(wave)s, the %(measure)s %(verdict)s: %(difference)s points (from %(before)s "
            "to %(after)s, 95%% interval of the change %(low)s to %(high)s).",
            wave=before.name,
            measure=measure[0].lower() + measure[1:],
            verdict=row["verdict"],
            difference=format(row["difference"], "+.1f"),
            before=format(row["mean_before"], ".0f"),
            after=format(row["mean_after"], ".0f"),
            low=format(row["ci_low"], "+.1f"),
            high=format(row["ci_high"], "+.1f"),
        )
    ]
    below = [
        _(
            "%(team)s: %(verdict)s (%(difference)s)",
            team=r.group,
            verdict=r.verdict,
            difference=format(r.difference, "+.1f"),
        )
        for r in change.table.iloc[1:].itertuples()
    ]
    below += [
        _("%(team)s: not shown, %(reason)s", team=label, reason=why)
        for label, why in change.hidden
        if label != board.team.name
    ]
    if below:
        sentences.append(_("Teams below: %(teams)s.", teams="; ".join(below)))
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
        return _("Every dimension has the same mean (%(mean)s).", mean=format(means[top], ".0f"))
    poles = _(
        "Closest to the purpose-driven pole: %(top)s (%(top_mean)s). "
        "Closest to the contractual pole: %(bottom)s (%(bottom_mean)s).",
        top=top,
        top_mean=format(means[top], ".0f"),
        bottom=bottom,
        bottom_mean=format(means[bottom], ".0f"),
    )
    return f"{poles} {_gap(stored, top, bottom)}"


def _gap(stored: dict | None, top: str, bottom: str) -> str:
    """What the paired test of the gap between ``top`` and ``bottom`` says, in words."""
    if stored is None:
        return _(
            "Whether the gap between them is more than chance was not computed for this release."
        )
    if stored["p_adjusted"] is None:
        return _(
            "Whether the gap between them is more than chance cannot be tested: %(reason)s.",
            reason=stored["undefined_reason"] or _("no p-value"),
        )
    difference, p = stored["difference"], stored["p_adjusted"]
    named = {
        "top": top,
        "bottom": bottom,
        "difference": format(difference, ".1f"),
        "low": format(stored["ci_low"], ".1f"),
        "high": format(stored["ci_high"], ".1f"),
        "comparisons": stored["comparisons"],
        "p": _p_value(p),
    }
    if p < SIGNIFICANCE:
        return _(
            "Within the same people, %(top)s is %(difference)s points above %(bottom)s on average "
            "(95%% interval %(low)s to %(high)s, for this pair alone): a gap larger than chance "
            "alone would explain among the %(comparisons)s comparisons between dimensions "
            "(paired t-test, Holm-adjusted p %(p)s).",
            **named,
        )
    return _(
        "Within the same people, %(top)s is %(difference)s points above %(bottom)s on average "
        "(95%% interval %(low)s to %(high)s, for this pair alone): given the %(comparisons)s "
        "comparisons between dimensions, the gap could be chance (paired t-test, Holm-adjusted "
        "p %(p)s).",
        **named,
    )


def _p_value(p: float) -> str:
    if p < 0.001:
        return "< 0.001"
    shown = f"{p:.3f}"
    if p < SIGNIFICANCE <= float(shown):  # 0.0496 would read "0.050"
        return f"< {SIGNIFICANCE}"
    return f"= {shown}"
