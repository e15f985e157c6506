"""Altair chart builders: each takes a tidy aggregate table and returns a chart.

Every builder keeps only the columns it draws, so no other column of the input (a respondent id,
say) can reach the chart's data. Rows whose drawn value is missing (hidden, or undefined) are
left out rather than drawn as a
number; a table with nothing left to draw is refused. Positions and means are on the index's
scale, 0 (fully contractual) .. 100 (fully purpose-driven), and refused outside it; an interval
may reach past either end and is drawn cut at the axis, its tooltip keeping the value. Colours
come from the Okabe & Ito (2008) palette, which stays distinguishable with every common
colour-vision deficiency, and the heatmaps use Vega's blue-orange and blues schemes, which do
too, as do the WHY ladder's blues (contractual targets) and oranges (purpose targets). Groups
and waves are drawn in the order they first appear in the table.

Every chart is as wide as its container and no text on it is smaller than :data:`FONT_SIZE`
(:func:`_readable`, the one place this is set); titles are wrapped to fit a 375 px phone.
Colours mean the same on every team's page: the team itself is blue (in a profile, its wave
before is dark grey) and each WHY-ladder target has its own colour (:func:`rung_colours`).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import TypeVar

import altair as alt
import pandas as pd

from analysis._text import _
from analysis.privacy import DEFAULT_K, check_k

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
"""Okabe & Ito (2008), "Color Universal Design": blue, orange, green, pink, sky, red, yellow."""
POSITION_TITLE = "Position (0 = contractual, 100 = purpose-driven)"
INDEX_TITLE = "Mindset index (0 = contractual, 100 = purpose-driven)"
PHONE_WIDTH = "container"
"""Width of the personal chart: the phone column it sits in (340 px on the thank-you page)."""

FONT_SIZE = 12
"""The smallest text on any chart, in px: axis labels and titles, legends, subtitles, marks."""
EARLIER_COLOUR = "#555555"
"""The wave before, in a profile set against it: dark grey."""
CONTRACTUAL_COLOURS = ("#08306B", "#08519C", "#2171B5", "#4292C6", "#6BAED6", "#9ECAE1")
"""Blues, darkest at the contractual end of the WHY ladder (pay) towards the middle."""
PURPOSE_COLOURS = ("#FDAE6B", "#FD8D3C", "#F16913", "#D94801", "#A63603", "#7F2704")
"""Oranges, lightest next to the middle, darkest at the purpose end (society)."""
NEUTRAL_COLOUR = "#999999"
"""A ladder target of neither pole ("None of these")."""
CONTRACTUAL_POLE = "contractual"
PURPOSE_POLE = "purpose"

_CONTINUUM = alt.Scale(domain=[0, 100], clamp=True)
_TITLE_CHARACTERS = 34
"""Longest line of a chart title or subtitle: fits a 375 px phone's panel (about 310 px)."""
_AXIS_TITLE_CHARACTERS = 38
_FADED = 0.15
"""Opacity of a trend's other teams until one is chosen in the legend."""
_PERSONAL_FONT_SIZE = 13
"""Every text of the personal chart, in px: readable on a phone (12 px or more)."""
_PERSONAL_LABEL_LIMIT = 120
_PERSONAL_WRAP = (
    "length(datum.label) > 14 && indexof(slice(datum.label, 0, 15), ' ') > 0 ? "
    "[slice(datum.label, 0, lastindexof(slice(datum.label, 0, 15), ' ')), "
    "slice(datum.label, lastindexof(slice(datum.label, 0, 15), ' ') + 1)] : datum.label"
)
"""A dimension label longer than 14 characters breaks onto two lines at its last space within
the first 15, so "Scope of responsibility" fits uncut and leaves the track room for its three
labels (Contractual, Balanced, Purpose-driven) on a 375 px phone."""


def index_trend_chart(table: pd.DataFrame, measure: str = INDEX_TITLE) -> alt.LayerChart:
    """Draw a team's mindset index over the waves, with the teams under it to choose from.

    Parameters
    ----------
    table : DataFrame
        One row per (group, wave): ``group``, ``wave``, ``n``, ``mean``, ``ci_low``,
        ``ci_high``; rows in wave order, two waves or more, the team itself first. A row
        without an interval gets a point but no band.
    measure : str
        What the means are, for the axis and the title: the index, or (across a questionnaire
        change) the index on the items two versions share.

    Returns
    -------
    alt.LayerChart
        The team's line in blue with its 95% band, the only band drawn; each other group (a
        team under it) a faint line until it is clicked in the legend (shift-click adds
        teams). The tooltip gives n, mean and interval.
    """
    data = _tidy(table, ["group", "wave"], ["n", "mean"], ["ci_low", "ci_high"], ["mean"])
    waves = _order(data["wave"])
    if len(waves) < 2:
        raise ValueError("a trend needs at least two waves")
    groups = _order(data["group"])
    team = groups[0]
    colour = alt.Color(
        "group:N",
        title=_("Team"),
        sort=groups,
        scale=alt.Scale(domain=groups, range=list(OKABE_ITO)),
        legend=alt.Legend(symbolType="stroke", symbolOpacity=1, symbolStrokeWidth=3),
    )
    x = alt.X("wave:O", title=_("Wave"), sort=waves, axis=alt.Axis(labelAngle=0))
    chosen = alt.selection_point(fields=["group"], bind="legend", name="team")
    opacity = (
        alt.when(alt.FieldEqualPredicate(field="group", equal=team))
        .then(alt.value(1.0))
        .when(chosen, empty=False)
        .then(alt.value(1.0))
        .otherwise(alt.value(_FADED))
    )
    base = alt.Chart(data).encode(x=x, color=colour, opacity=opacity)
    band = (
        alt.Chart(data[data["group"].eq(team)].dropna(subset=["ci_low", "ci_high"]))
        .mark_area(color=OKABE_ITO[0], opacity=0.2)
        .encode(x=x, y=alt.Y("ci_low:Q", scale=_CONTINUUM), y2="ci_high:Q")
    )
    line = base.mark_line(strokeWidth=3).encode(
        y=alt.Y("mean:Q", title=_wrap(_axis(measure), _AXIS_TITLE_CHARACTERS), scale=_CONTINUUM)
    )
    points = (
        base.mark_point(filled=True, size=70)
        .add_params(chosen)
        .encode(
            y="mean:Q",
            tooltip=[
                alt.Tooltip("group:N", title=_("Team")),
                alt.Tooltip("wave:O", title=_("Wave")),
                alt.Tooltip("n:Q", title=_("Answers")),
                alt.Tooltip("mean:Q", title=_("Index"), format=".1f"),
                alt.Tooltip("ci_low:Q", title=_("95% interval from"), format=".1f"),
                alt.Tooltip("ci_high:Q", title=_("95% interval to"), format=".1f"),
            ],
        )
    )
    subtitle = [
        _(
            "%(team)s. Shaded: the range its true value lies in with 95%% confidence.",
            team=team,
        )
    ]
    if len(groups) > 1:
        subtitle.append(_("Click a team in the legend to bring its line forward."))
    name = _("Mindset index") if measure == INDEX_TITLE else measure
    # alt.LayerChart rather than alt.layer, which is typed LayerChart | FacetChart because it
    # turns layers that share row/column/facet encodings into a facet; no chart here has any.
    chart = alt.LayerChart(layer=[band, line, points]).properties(
        title=_title(_("%(measure)s, wave by wave", measure=name), *subtitle)
    )
    return _readable(chart)


def position_distribution_chart(bins: pd.DataFrame, k: int = DEFAULT_K) -> alt.Chart:
    """Draw how individual positions are spread along the continuum, per group.

    Parameters
    ----------
    bins : DataFrame
        Binned counts, never individual rows: ``group``, ``bin_start``, ``bin_end``, ``count``
        (whole numbers), bins within 0 .. 100.
    k : int, default 5
        Minimum group size: a group with fewer answers is refused.

    Returns
    -------
    alt.Chart
        Bars of each group's share per bin, side by side.
    """
    check_k(k)
    data = _tidy(bins, ["group"], ["bin_start", "bin_end", "count"], [], [])
    if ((data["count"] % 1 != 0) | (data["count"] < 0)).any():
        raise ValueError("column 'count' must hold non-negative whole numbers")
    if (data["bin_start"] >= data["bin_end"]).any():
        raise ValueError("every bin must have bin_start below bin_end")
    totals = data.groupby("group", sort=False)["count"].transform("sum")
    for group, total in data.groupby("group", sort=False)["count"].sum().items():
        if total < k:
            raise ValueError(
                f"group {group!r} has {total:.0f} answers; a distribution needs at least {k}"
            )
    data["count"] = data["count"].astype(int)
    data["share"] = data["count"] / totals
    data["bin"] = [f"{s:g}–{e:g}" for s, e in zip(data["bin_start"], data["bin_end"], strict=True)]
    bin_order = list(dict.fromkeys(data.sort_values("bin_start")["bin"]))
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "bin:O",
                title=_wrap(
                    _("Position (0 = contractual, 100 = purpose-driven)"), _AXIS_TITLE_CHARACTERS
                ),
                sort=bin_order,
                axis=alt.Axis(labelAngle=-45),
            ),
            xOffset=alt.XOffset("group:N", sort=_order(data["group"])),
            y=alt.Y("share:Q", title=_("Share of the group"), axis=alt.Axis(format="%")),
            color=_colour("group:N", _("Team"), data["group"]),
            tooltip=[
                alt.Tooltip("group:N", title=_("Team")),
                alt.Tooltip("bin:O", title=_("Position")),
                alt.Tooltip("count:Q", title=_("People")),
                alt.Tooltip("share:Q", title=_("Share"), format=".0%"),
            ],
        )
        .properties(title=_title(_("How far individual positions are spread")))
    )
    return _readable(chart)


def dimension_profile_chart(table: pd.DataFrame) -> alt.LayerChart:
    """Draw the profile on the six dimensions, this wave (against the previous one).

    Parameters
    ----------
    table : DataFrame
        One row per (dimension, wave): ``dimension``, ``wave``, ``n``, ``mean``, ``ci_low``,
        ``ci_high``; earlier wave first, dimensions in the questionnaire's order. One wave
        alone is drawn without a comparison.

    Returns
    -------
    alt.LayerChart
        A dot per dimension and wave with its 95% interval as a line: this wave blue, the one
        before dark grey.
    """
    data = _tidy(table, ["dimension", "wave"], ["n", "mean"], ["ci_low", "ci_high"], ["mean"])
    y = alt.Y("dimension:N", title=None, sort=_order(data["dimension"]))
    waves = _order(data["wave"])
    y_offset = alt.YOffset("wave:N", sort=waves)
    colour = alt.Color(
        "wave:N",
        title=_("Wave"),
        sort=waves,
        scale=alt.Scale(domain=waves, range=[EARLIER_COLOUR, OKABE_ITO[0]][-len(waves) :]),
        legend=alt.Legend(symbolType="circle", symbolOpacity=1),
    )
    intervals = (
        alt.Chart(data.dropna(subset=["ci_low", "ci_high"]))
        .mark_rule(strokeWidth=2)
        .encode(x=alt.X("ci_low:Q", scale=_CONTINUUM), x2="ci_high:Q", y=y, yOffset=y_offset)
        .encode(color=colour)
    )
    dots = (
        alt.Chart(data)
        .mark_point(filled=True, size=80)
        .encode(
            x=alt.X(
                "mean:Q",
                title=_wrap(
                    _("Position (0 = contractual, 100 = purpose-driven)"), _AXIS_TITLE_CHARACTERS
                ),
                scale=_CONTINUUM,
            ),
            y=y,
            yOffset=y_offset,
            color=colour,
            tooltip=[
                alt.Tooltip("dimension:N", title=_("Dimension")),
                alt.Tooltip("wave:N", title=_("Wave")),
                alt.Tooltip("n:Q", title=_("Answers")),
                alt.Tooltip("mean:Q", title=_("Mean"), format=".1f"),
                alt.Tooltip("ci_low:Q", title=_("95% interval from"), format=".1f"),
                alt.Tooltip("ci_high:Q", title=_("95% interval to"), format=".1f"),
            ],
        )
    )
    title = (
        _("The six dimensions, against the wave before")
        if len(waves) > 1
        else _("The six dimensions")
    )
    chart = alt.LayerChart(layer=[intervals, dots]).properties(
        title=_title(title, _("Line: the 95% confidence interval"))
    )
    return _readable(chart)


def team_dimension_heatmap(table: pd.DataFrame) -> alt.LayerChart:
    """Draw each team's mean on each dimension as a coloured grid with the values written in.

    Parameters
    ----------
    table : DataFrame
        One row per (group, dimension): ``group``, ``dimension``, ``n``, ``mean``.

    Returns
    -------
    alt.LayerChart
        Coloured cells (blue towards contractual, orange towards purpose-driven) and labels.
    """
    data = _tidy(table, ["group", "dimension"], ["n", "mean"], [], ["mean"])
    x = alt.X(
        "dimension:N",
        title=_("Dimension"),
        sort=_order(data["dimension"]),
        axis=alt.Axis(labelAngle=-30, labelAlign="right"),
    )
    y = alt.Y("group:N", title=_("Team"), sort=_order(data["group"]))
    base = alt.Chart(data).encode(x=x, y=y)
    cells = base.mark_rect().encode(
        color=alt.Color(
            "mean:Q",
            title=[_("Position"), _("0 = contractual"), _("100 = purpose-driven")],
            scale=alt.Scale(scheme="blueorange", domain=[0, 100], domainMid=50),
        ),
        tooltip=[
            alt.Tooltip("group:N", title=_("Team")),
            alt.Tooltip("dimension:N", title=_("Dimension")),
            alt.Tooltip("n:Q", title=_("Answers")),
            alt.Tooltip("mean:Q", title=_("Mean"), format=".1f"),
        ],
    )
    extreme = (alt.datum.mean < 20) | (alt.datum.mean > 80)
    labels = base.mark_text().encode(
        text=alt.Text("mean:Q", format=".0f"),
        color=alt.when(extreme).then(alt.value("white")).otherwise(alt.value("black")),
    )
    chart = alt.LayerChart(layer=[cells, labels]).properties(
        height=alt.Step(30), title=_title(_("Mindset by team and dimension"))
    )
    return _readable(chart)


def rung_colours(rungs: Sequence[tuple[str, str]]) -> list[str]:
    """Return the colour of each WHY-ladder target, given as ``(label, pole)`` in order.

    Contractual targets take blues, darkest first; purpose targets oranges, darkest last; a
    target of neither pole grey. The colours depend only on the list, so the same
    questionnaire gives each target the same colour on every team's page.
    """
    poles = [pole for _, pole in rungs]
    unknown = [pole for pole in poles if pole not in (CONTRACTUAL_POLE, PURPOSE_POLE, "")]
    if unknown:
        raise ValueError(f"pole {unknown[0]!r} is neither contractual, purpose nor empty")
    shades = {
        CONTRACTUAL_POLE: iter(_spread(CONTRACTUAL_COLOURS, poles.count(CONTRACTUAL_POLE))),
        PURPOSE_POLE: iter(_spread(PURPOSE_COLOURS, poles.count(PURPOSE_POLE))),
    }
    return [next(shades[pole]) if pole else NEUTRAL_COLOUR for pole in poles]


def ladder_top_rung_chart(
    table: pd.DataFrame, rungs: Sequence[tuple[str, str]], k: int = DEFAULT_K
) -> alt.Chart:
    """Draw where the WHY ladder ends, as shares stacked per wave.

    Parameters
    ----------
    table : DataFrame
        One row per (wave, rung): ``wave``, ``rung`` (where the last answer points), ``count``.
    rungs : sequence of (str, str)
        Every target of the ladder as ``(label, pole)``, from the contractual end to the
        purpose end, "None of these" last with an empty pole: the order of the stack and the
        legend, and the colours (:func:`rung_colours`), whichever targets the table holds.
    k : int, default 5
        Minimum answers per wave: a wave with fewer is refused.

    Returns
    -------
    alt.Chart
        One bar per wave split by rung.
    """
    check_k(k)
    data = _tidy(table, ["wave", "rung"], ["count"], [], [])
    if ((data["count"] % 1 != 0) | (data["count"] < 0)).any():
        raise ValueError("column 'count' must hold non-negative whole numbers")
    order = [label for label, _ in rungs]
    unknown = [rung for rung in _order(data["rung"]) if rung not in order]
    if unknown:
        raise ValueError(f"rung {unknown[0]!r} is not among rungs")
    for wave, total in data.groupby("wave", sort=False)["count"].sum().items():
        if total < k:
            raise ValueError(f"wave {wave!r} has {total:.0f} answers; the chart needs at least {k}")
    data["count"] = data["count"].astype(int)
    data["share"] = data["count"] / data.groupby("wave", sort=False)["count"].transform("sum")
    data["rung_order"] = data["rung"].map(order.index)
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "wave:O", title=_("Wave"), sort=_order(data["wave"]), axis=alt.Axis(labelAngle=0)
            ),
            y=alt.Y("share:Q", title=_("Share of answers"), axis=alt.Axis(format="%")),
            color=alt.Color(
                "rung:N",
                title=_("The last WHY points to"),
                sort=order,
                scale=alt.Scale(domain=order, range=rung_colours(rungs)),
            ),
            order=alt.Order("rung_order:Q"),
            tooltip=[
                alt.Tooltip("wave:O", title=_("Wave")),
                alt.Tooltip("rung:N", title=_("Last WHY")),
                alt.Tooltip("count:Q", title=_("Answers")),
                alt.Tooltip("share:Q", title=_("Share"), format=".0%"),
            ],
        )
        .properties(title=_title(_("Where the ladder of WHYs ends"), _("wave by wave")))
    )
    return _readable(chart)


def cooperation_matrix_chart(table: pd.DataFrame) -> alt.LayerChart:
    """Draw who helps whom as a team x team grid of counted links.

    Parameters
    ----------
    table : DataFrame
        One row per pair: ``from_group`` (gave help), ``to_group`` (got help), ``count``.

    Returns
    -------
    alt.LayerChart
        Cells shaded by the number of links, with the number written in.
    """
    data = _tidy(table, ["from_group", "to_group"], ["count"], [], [])
    if ((data["count"] % 1 != 0) | (data["count"] < 0)).any():
        raise ValueError("column 'count' must hold non-negative whole numbers")
    data["count"] = data["count"].astype(int)
    teams = _order(pd.concat([data["from_group"], data["to_group"]]))
    base = alt.Chart(data).encode(
        x=alt.X("to_group:N", title=_("Team that got help"), sort=teams),
        y=alt.Y("from_group:N", title=_("Team that gave help"), sort=teams),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "count:Q", title=_("Times help was given"), scale=alt.Scale(scheme="blues")
        ),
        tooltip=[
            alt.Tooltip("from_group:N", title=_("Gave help")),
            alt.Tooltip("to_group:N", title=_("Got help")),
            alt.Tooltip("count:Q", title=_("Times")),
        ],
    )
    darkest = alt.datum.count > data["count"].max() / 2
    labels = base.mark_text().encode(
        text="count:Q",
        color=alt.when(darkest).then(alt.value("white")).otherwise(alt.value("black")),
    )
    chart = alt.LayerChart(layer=[cells, labels]).properties(
        height=alt.Step(40), title=_title(_("Who helps whom"))
    )
    return _readable(chart)


def perception_gap_chart(table: pd.DataFrame) -> alt.LayerChart:
    """Draw a manager's own score on each dimension against their team's mean and interval.

    Parameters
    ----------
    table : DataFrame
        One row per dimension: ``dimension``, ``manager_score``, ``team_mean``, ``ci_low``,
        ``ci_high`` (the team mean's 95% interval).

    Returns
    -------
    alt.LayerChart
        The team's interval as a line, the team's mean and the manager's score as dots.
    """
    data = _tidy(
        table,
        ["dimension"],
        ["manager_score", "team_mean"],
        ["ci_low", "ci_high"],
        ["manager_score", "team_mean"],
    )
    views = [_("The manager's own view"), _("The team's view")]
    long = pd.concat(
        [
            data.assign(view=views[0], score=data["manager_score"]),
            data.assign(view=views[1], score=data["team_mean"]),
        ]
    )[["dimension", "view", "score", "ci_low", "ci_high"]]
    long.loc[long["view"] == views[0], ["ci_low", "ci_high"]] = None
    y = alt.Y("dimension:N", title=None, sort=_order(data["dimension"]))
    colour = alt.Color(
        "view:N", title=None, sort=views, scale=alt.Scale(domain=views, range=list(OKABE_ITO[:2]))
    )
    intervals = (
        alt.Chart(data.dropna(subset=["ci_low", "ci_high"]))
        .mark_rule(strokeWidth=2, color=OKABE_ITO[1], opacity=0.6)
        .encode(x=alt.X("ci_low:Q", scale=_CONTINUUM), x2="ci_high:Q", y=y)
    )
    dots = (
        alt.Chart(long)
        .mark_point(filled=True, size=90)
        .encode(
            x=alt.X(
                "score:Q",
                title=_wrap(
                    _("Position (0 = contractual, 100 = purpose-driven)"), _AXIS_TITLE_CHARACTERS
                ),
                scale=_CONTINUUM,
            ),
            y=y,
            color=colour,
            shape=alt.Shape("view:N", title=None, sort=views, scale=alt.Scale(domain=views)),
            tooltip=[
                alt.Tooltip("dimension:N", title=_("Dimension")),
                alt.Tooltip("view:N", title=_("Whose view")),
                alt.Tooltip("score:Q", title=_("Score"), format=".1f"),
                alt.Tooltip("ci_low:Q", title=_("95% interval from"), format=".1f"),
                alt.Tooltip("ci_high:Q", title=_("95% interval to"), format=".1f"),
            ],
        )
    )
    chart = alt.LayerChart(layer=[intervals, dots]).properties(
        title=_title(
            _("How the manager sees it, and how the team does"),
            _("Line: the team's mean with 95% confidence"),
        )
    )
    return _readable(chart)


def personal_profile_chart(table: pd.DataFrame, index: float | None) -> alt.LayerChart:
    """Draw one rep's own positions for their thank-you page, sized for a phone.

    Parameters
    ----------
    table : DataFrame
        One row per dimension: ``dimension`` (a plain label) and ``position`` (0 .. 100); a
        missing position (too few answers) is written as "Not enough answers".
    index : float or None
        The rep's mindset index (0 .. 100), None when it could not be scored.

    Returns
    -------
    alt.LayerChart
        A track per dimension and for the overall mindset, with a dot where the rep sits; as
        wide as its container (a 375 px phone's column included: long labels wrap onto two
        lines), every text 13 px.
    """
    data = _tidy(table, ["dimension"], [], ["position"], [])
    overall = _("Overall mindset")
    if index is not None and math.isnan(index):
        index = None
    if index is not None and not 0 <= index <= 100:
        raise ValueError(f"index must lie between 0 and 100, got {index}")
    if overall in set(data["dimension"]):
        raise ValueError(f"dimension {overall!r} is reserved for the index")
    index_row = pd.DataFrame({"dimension": [overall], "position": [index]}, dtype=object)
    rows = pd.concat([data.astype({"position": object}), index_row], ignore_index=True)
    rows["overall"] = rows["dimension"] == overall
    labels = _order(rows["dimension"])
    y = alt.Y(
        "dimension:N",
        title=None,
        sort=labels,
        axis=alt.Axis(
            labelLimit=_PERSONAL_LABEL_LIMIT,
            labelFontSize=_PERSONAL_FONT_SIZE,
            labelExpr=_PERSONAL_WRAP,
            domain=False,
            ticks=False,
        ),
    )
    x = alt.X(
        "position:Q",
        title=None,
        scale=_CONTINUUM,
        axis=alt.Axis(
            values=[0, 50, 100],
            labelFontSize=_PERSONAL_FONT_SIZE,
            labelExpr=(
                f"datum.value == 0 ? {_quoted(_('Contractual'))} : "
                f"datum.value == 100 ? {_quoted(_('Purpose-driven'))} : {_quoted(_('Balanced'))}"
            ),
            labelAlign=alt.ExprRef(
                expr="datum.value == 0 ? 'left' : datum.value == 100 ? 'right' : 'center'"
            ),
            grid=False,
        ),
    )
    tooltip = [
        alt.Tooltip("dimension:N", title=_("Dimension")),
        alt.Tooltip("position:Q", title=_("Your position"), format=".0f"),
    ]
    tracks = (
        alt.Chart(rows[["dimension"]].assign(start=0, end=100))
        .mark_rule(color="#BBBBBB")
        .encode(x=alt.X("start:Q", title=None, scale=_CONTINUUM), x2="end:Q", y=y)
    )
    scored = rows[rows["position"].notna()].astype({"position": float})
    layers = [tracks]
    for is_overall, colour, size in ((False, OKABE_ITO[0], 110), (True, OKABE_ITO[5], 220)):
        dots = scored[scored["overall"] == is_overall][["dimension", "position"]]
        if not dots.empty:
            layers.append(
                alt.Chart(dots)
                .mark_circle(color=colour, size=size, opacity=1)
                .encode(x=x, y=y, tooltip=tooltip)
            )
    unscored = rows[rows["position"].isna()][["dimension"]]
    if not unscored.empty:
        layers.append(
            alt.Chart(unscored.assign(note=_("Not enough answers"), middle=50))
            .mark_text(color="#555555", fontStyle="italic", fontSize=_PERSONAL_FONT_SIZE)
            .encode(x=alt.X("middle:Q", title=None, scale=_CONTINUUM), y=y, text="note:N")
        )
    chart = alt.LayerChart(layer=layers).properties(
        width=PHONE_WIDTH,
        height=36 * len(labels),
        title=alt.Title(
            _("Where you stand"),
            anchor="start",
            subtitle=[
                _("Left: work as a contract."),
                _("Right: work for a purpose beyond yourself."),
            ],
            fontSize=_PERSONAL_FONT_SIZE + 3,
            subtitleFontSize=_PERSONAL_FONT_SIZE,
            subtitleColor="#555555",
        ),
    )
    return _readable(chart)


def _tidy(
    table: pd.DataFrame,
    labels: list[str],
    numbers: list[str],
    optional: list[str],
    required: list[str],
) -> pd.DataFrame:
    """Return only the drawn columns of ``table``, checked.

    ``labels`` are category columns; ``numbers`` and ``optional`` hold numbers, on 0 .. 100
    unless they are ``n``, ``count`` or an interval bound. A row missing a label or a
    ``required`` value (any of ``numbers`` when ``required`` is empty) is left out; missing
    ``optional`` values stay missing.
    """
    if not isinstance(table, pd.DataFrame):
        raise ValueError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    columns = labels + numbers + optional
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise ValueError(f"table is missing columns: {', '.join(missing)}")
    data = table.loc[:, columns].dropna(subset=labels + (required or numbers))
    if data.empty:
        raise ValueError("nothing to draw: the table has no rows with values")
    for column in numbers + optional:
        try:
            values = pd.to_numeric(data[column].astype(object), errors="raise").astype(float)
        except (TypeError, ValueError):
            raise ValueError(f"column {column!r} must hold numbers") from None
        if values.abs().eq(math.inf).any():
            raise ValueError(f"column {column!r} holds an infinite value")
        data[column] = values
    for column in [c for c in numbers + optional if c not in ("n", "count", "ci_low", "ci_high")]:
        outside = data[column][(data[column] < 0) | (data[column] > 100)]
        if not outside.empty:
            raise ValueError(
                f"column {column!r} must lie between 0 and 100, got {outside.iloc[0]:g}"
            )
    for column in labels:
        data[column] = data[column].astype(str)
    return data.reset_index(drop=True)


def _order(values: pd.Series) -> list[str]:
    """Return the distinct values in the order they first appear."""
    return list(dict.fromkeys(values))


def _colour(field: str, title: str, values: pd.Series) -> alt.Color:
    """Return a colour channel with the Okabe-Ito palette, in order of first appearance."""
    domain = _order(values)
    return alt.Color(
        field,
        title=title,
        sort=domain,
        scale=alt.Scale(domain=domain, range=list(OKABE_ITO)),
        legend=alt.Legend(symbolType="circle", symbolOpacity=1),
    )


def _spread(colours: Sequence[str], n: int) -> list[str]:
    """Return ``n`` of ``colours`` evenly spread from the first to the last."""
    if n > len(colours):
        raise ValueError(f"at most {len(colours)} targets per pole, got {n}")
    if n <= 1:
        return list(colours[len(colours) // 2 : len(colours) // 2 + n])
    return [colours[round(i * (len(colours) - 1) / (n - 1))] for i in range(n)]


def _wrap(text: str, width: int) -> str | list[str]:
    """Return ``text`` as it is when it fits in ``width`` characters, else broken into lines
    that do (at spaces)."""
    lines = textwrap.wrap(text, width)
    return lines if len(lines) > 1 else text


def _axis(measure: str) -> str:
    """The axis title of ``measure``: the index's in the reader's language, else as given."""
    if measure == INDEX_TITLE:
        return _("Mindset index (0 = contractual, 100 = purpose-driven)")
    return measure


def _quoted(text: str) -> str:
    """``text`` as a single-quoted string of a Vega expression."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _title(text: str, *subtitle: str) -> alt.Title:
    """Return a chart title and subtitle wrapped to fit a phone's panel."""
    lines = [line for part in subtitle for line in textwrap.wrap(part, _TITLE_CHARACTERS)]
    return alt.Title(_wrap(text, _TITLE_CHARACTERS), subtitle=lines or alt.Undefined)


_Chart = TypeVar("_Chart", alt.Chart, alt.LayerChart)


def _readable(chart: _Chart) -> _Chart:
    """Return ``chart`` as wide as its container, its text :data:`FONT_SIZE` px or larger.

    The one place the dashboards' look is set: ``fit-x`` makes the whole chart, labels and
    legend included, as wide as the element it is drawn in; legends go below the plot, one
    entry a line, so they do not take a phone's width from it.
    """
    return (
        chart.properties(
            width="container", autosize=alt.AutoSizeParams(type="fit-x", contains="padding")
        )
        .configure_axis(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE)
        .configure_legend(
            labelFontSize=FONT_SIZE,
            titleFontSize=FONT_SIZE,
            orient="bottom",
            direction="vertical",
            titleLimit=0,
            labelLimit=0,
        )
        .configure_title(
            fontSize=FONT_SIZE + 2,
            subtitleFontSize=FONT_SIZE,
            anchor="start",
            subtitleColor="#444444",
        )
        .configure_text(fontSize=FONT_SIZE)
    )
