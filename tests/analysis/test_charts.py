"""Chart builders (analysis/charts.py): every spec validates and encodes what it should."""

import re

import altair as alt
import pandas as pd
import pytest
import vl_convert

from analysis.charts import (
    FONT_SIZE,
    INDEX_TITLE,
    NEUTRAL_COLOUR,
    OKABE_ITO,
    POSITION_TITLE,
    cooperation_matrix_chart,
    dimension_profile_chart,
    index_trend_chart,
    ladder_top_rung_chart,
    perception_gap_chart,
    personal_profile_chart,
    position_distribution_chart,
    rung_colours,
    team_dimension_heatmap,
)

DIMENSIONS = [
    "Motivation",
    "Scope of responsibility",
    "Cooperation",
    "Management style",
    "Change and complexity",
    "Incentives",
]
RUNGS = [
    "My pay",
    "My team's target",
    "The company's target",
    "Shareholders",
    "Customers",
    "Society and the planet",
]
POLES = ["contractual"] * 4 + ["purpose"] * 2
TARGETS = [*zip(RUNGS, POLES, strict=True), ("None of these", "")]
"""The rep questionnaire's WHY-ladder targets as (label, pole), "None of these" last."""
RESPONDENT_COLUMNS = {"respondent_id", "token"}


def spec_of(chart):
    """Return the chart's Vega-Lite dict; to_dict() validates it against the schema."""
    return chart.to_dict()


def layers(spec):
    return spec.get("layer", [spec])


def dataset_rows(spec):
    return [row for rows in spec["datasets"].values() for row in rows]


def dataset_columns(spec):
    return {column for row in dataset_rows(spec) for column in row}


def encoded(layer, channel):
    definition = layer["encoding"][channel]
    return definition.get("field"), definition.get("type")


def tooltip_fields(layer):
    return [item["field"] for item in layer["encoding"]["tooltip"]]


def text_of(title):
    """A title or axis title as one line, whether it is wrapped into lines or not."""
    title = title["text"] if isinstance(title, dict) else title
    return " ".join(title) if isinstance(title, list) else title


def trend_table():
    rows = [
        {
            "group": group,
            "wave": wave,
            "n": 12,
            "mean": 40.0 + 10 * i + 5 * j,
            "ci_low": 33.0 + 10 * i + 5 * j,
            "ci_high": 47.0 + 10 * i + 5 * j,
            "respondent_id": 1000 + i,
            "token": "secret",
        }
        for i, group in enumerate(["North", "South"])
        for j, wave in enumerate(["2025 spring", "2025 autumn", "2026 spring"])
    ]
    return pd.DataFrame(rows)


# Trend -----------------------------------------------------------------------------------------


def test_index_trend_chart_draws_band_line_and_points_per_team():
    spec = spec_of(index_trend_chart(trend_table()))
    band, line, points = layers(spec)
    assert [band["mark"]["type"], line["mark"]["type"], points["mark"]["type"]] == [
        "area",
        "line",
        "point",
    ]
    assert encoded(band, "y") == ("ci_low", "quantitative")
    assert encoded(band, "y2") == ("ci_high", None)
    assert encoded(line, "x") == ("wave", "ordinal")
    assert line["encoding"]["x"]["sort"] == ["2025 spring", "2025 autumn", "2026 spring"]
    assert encoded(line, "y") == ("mean", "quantitative")
    assert text_of(line["encoding"]["y"]["title"]) == INDEX_TITLE
    assert line["encoding"]["y"]["scale"]["domain"] == [0, 100]
    assert encoded(line, "color") == ("group", "nominal")
    assert line["encoding"]["color"]["scale"]["range"] == list(OKABE_ITO)
    assert tooltip_fields(points) == ["group", "wave", "n", "mean", "ci_low", "ci_high"]
    assert spec["title"]["text"] == "Mindset index, wave by wave"
    assert dataset_columns(spec) == {"group", "wave", "n", "mean", "ci_low", "ci_high"}
    assert isinstance(index_trend_chart(trend_table()), alt.LayerChart)


def test_index_trend_chart_lets_the_legend_toggle_teams():
    spec = spec_of(index_trend_chart(trend_table()))
    params = spec.get("params", []) + [
        param for layer in spec["layer"] for param in layer.get("params", [])
    ]
    assert [(p["name"], p["bind"], p["select"]["fields"]) for p in params] == [
        ("team", "legend", ["group"])
    ]
    shown, chosen = spec["layer"][1]["encoding"]["opacity"]["condition"]
    assert shown == {"test": {"field": "group", "equal": "North"}, "value": 1.0}
    assert (chosen["param"], chosen["empty"], chosen["value"]) == ("team", False, 1.0)
    assert spec["layer"][1]["encoding"]["opacity"]["value"] < 0.5  # the other teams: faint


def test_index_trend_chart_draws_one_band_the_first_teams():
    """Four overlapping bands were unreadable: only the team's own band is drawn, in its blue."""
    spec = spec_of(index_trend_chart(trend_table()))
    band = layers(spec)[0]
    assert {row["group"] for row in spec["datasets"][band["data"]["name"]]} == {"North"}
    assert band["mark"]["color"] == OKABE_ITO[0]
    assert "color" not in band["encoding"]
    assert spec["layer"][1]["encoding"]["color"]["scale"]["domain"] == ["North", "South"]


def test_index_trend_chart_needs_two_waves():
    first_wave = trend_table()[lambda table: table["wave"] == "2025 spring"]
    with pytest.raises(ValueError, match=r"^a trend needs at least two waves$"):
        index_trend_chart(first_wave)


def test_index_trend_chart_leaves_out_hidden_rows_and_undefined_intervals():
    table = trend_table().drop(columns=["respondent_id", "token"])
    table.loc[0, ["ci_low", "ci_high"]] = float("nan")
    # South's two earlier waves are hidden: their figures are blank.
    hidden = table["group"].eq("South") & table["wave"].ne("2026 spring")
    shown = table.astype(object)
    shown.loc[hidden, ["n", "mean", "sd", "ci_low", "ci_high"]] = None
    spec = spec_of(index_trend_chart(shown))
    band, line, points = layers(spec)
    band_rows = spec["datasets"][band["data"]["name"]]
    point_rows = spec["datasets"][points["data"]["name"]]
    assert line["data"] == points["data"]
    assert len(band_rows) == 2  # North's two waves with an interval; no other team's band
    assert len(point_rows) == 4
    assert point_rows[0] == {
        "group": "North",
        "wave": "2025 spring",
        "n": 12.0,
        "mean": 40.0,
        "ci_low": None,
        "ci_high": None,
    }
    assert all(row["group"] == "North" for row in band_rows)
    assert "hidden_reason" not in dataset_columns(spec)


# Distribution ----------------------------------------------------------------------------------


def bins_table(counts_north=(1, 2, 3, 2, 2), counts_south=(0, 1, 2, 3, 4)):
    rows = []
    for group, counts in (("North", counts_north), ("South", counts_south)):
        for start, count in zip(range(0, 100, 20), counts, strict=True):
            rows.append({"group": group, "bin_start": start, "bin_end": start + 20, "count": count})
    return pd.DataFrame(rows)


def test_position_distribution_chart_draws_shares_per_bin_and_group():
    chart = position_distribution_chart(bins_table())
    assert isinstance(chart, alt.Chart)
    spec = spec_of(chart)
    assert spec["mark"]["type"] == "bar"
    assert encoded(spec, "x") == ("bin", "ordinal")
    assert spec["encoding"]["x"]["sort"] == ["0–20", "20–40", "40–60", "60–80", "80–100"]
    assert text_of(spec["encoding"]["x"]["title"]) == POSITION_TITLE
    assert encoded(spec, "xOffset") == ("group", "nominal")
    assert encoded(spec, "y") == ("share", "quantitative")
    assert tooltip_fields(spec) == ["group", "bin", "count", "share"]
    rows = dataset_rows(spec)
    assert {row["group"] for row in rows} == {"North", "South"}
    assert sum(row["share"] for row in rows if row["group"] == "North") == pytest.approx(1.0)
    assert next(row for row in rows if row["group"] == "South" and row["bin_start"] == 80)[
        "share"
    ] == pytest.approx(0.4)
    assert dataset_columns(spec) == {"group", "bin_start", "bin_end", "count", "share", "bin"}


def test_position_distribution_chart_refuses_groups_under_k():
    with pytest.raises(ValueError) as error:
        position_distribution_chart(bins_table(counts_north=(1, 1, 1, 1, 0)))
    assert str(error.value) == "group 'North' has 4 answers; a distribution needs at least 5"
    chart = position_distribution_chart(bins_table(counts_north=(1, 1, 1, 1, 0)), k=4)
    assert spec_of(chart)["mark"]["type"] == "bar"
    with pytest.raises(ValueError, match=r"^k must be at least 3, got 2$"):
        position_distribution_chart(bins_table(), k=2)


def test_position_distribution_chart_refuses_raw_rows_and_bad_bins():
    raw = pd.DataFrame({"group": ["North"] * 6, "position": [10, 20, 30, 40, 50, 60]})
    with pytest.raises(ValueError, match=r"^table is missing columns: bin_start, bin_end, count$"):
        position_distribution_chart(raw)
    with pytest.raises(ValueError, match=r"^column 'count' must hold non-negative whole numbers$"):
        position_distribution_chart(bins_table(counts_north=(1, 2, 3, 2, 2.5)))
    backwards = bins_table().assign(bin_end=0)
    with pytest.raises(ValueError, match=r"^every bin must have bin_start below bin_end$"):
        position_distribution_chart(backwards)
    with pytest.raises(ValueError, match=r"^column 'bin_end' must lie between 0 and 100, got 120$"):
        position_distribution_chart(bins_table().assign(bin_end=bins_table()["bin_end"] + 20))


# Profile ---------------------------------------------------------------------------------------


def profile_table():
    rows = [
        {
            "dimension": dimension,
            "wave": wave,
            "n": 30,
            "mean": 30.0 + 7 * i + 8 * j,
            "ci_low": 25.0 + 7 * i + 8 * j,
            "ci_high": 35.0 + 7 * i + 8 * j,
        }
        for i, dimension in enumerate(DIMENSIONS)
        for j, wave in enumerate(["2025 autumn", "2026 spring"])
    ]
    return pd.DataFrame(rows)


def test_dimension_profile_chart_shows_each_dimension_per_wave():
    spec = spec_of(dimension_profile_chart(profile_table()))
    intervals, dots = layers(spec)
    assert intervals["mark"]["type"] == "rule"
    assert encoded(intervals, "x") == ("ci_low", "quantitative")
    assert encoded(dots, "x") == ("mean", "quantitative")
    assert text_of(dots["encoding"]["x"]["title"]) == POSITION_TITLE
    assert encoded(dots, "y") == ("dimension", "nominal")
    assert dots["encoding"]["y"]["sort"] == DIMENSIONS
    assert encoded(dots, "yOffset") == ("wave", "nominal")
    assert encoded(dots, "color") == ("wave", "nominal")
    assert dots["encoding"]["color"]["scale"]["domain"] == ["2025 autumn", "2026 spring"]
    assert dots["encoding"]["color"]["scale"]["range"] == ["#555555", OKABE_ITO[0]]
    assert tooltip_fields(dots) == ["dimension", "wave", "n", "mean", "ci_low", "ci_high"]
    assert text_of(spec["title"]) == "The six dimensions, against the wave before"
    assert len(spec["datasets"][dots["data"]["name"]]) == 12


def test_dimension_profile_chart_of_a_first_wave_compares_with_nothing():
    first = spec_of(dimension_profile_chart(profile_table()[lambda t: t["wave"] == "2025 autumn"]))
    assert text_of(first["title"]) == "The six dimensions"
    assert first["layer"][1]["encoding"]["color"]["scale"]["range"] == [OKABE_ITO[0]]


def test_intervals_may_reach_past_the_ends_but_means_may_not():
    table = profile_table()
    table.loc[0, "ci_high"] = 103.5
    spec = spec_of(dimension_profile_chart(table))
    assert spec["layer"][0]["encoding"]["x"]["scale"] == {"domain": [0, 100], "clamp": True}
    table.loc[0, "mean"] = 101.0
    with pytest.raises(ValueError, match=r"^column 'mean' must lie between 0 and 100, got 101$"):
        dimension_profile_chart(table)


# Heatmap ---------------------------------------------------------------------------------------


def test_team_dimension_heatmap_colours_cells_on_a_diverging_scale():
    table = pd.DataFrame(
        [
            {"group": group, "dimension": dimension, "n": 10, "mean": (10 + 17 * i + 23 * j) % 100}
            for i, group in enumerate(["North", "South", "East"])
            for j, dimension in enumerate(DIMENSIONS)
        ]
    )
    spec = spec_of(team_dimension_heatmap(table))
    cells, labels = layers(spec)
    assert cells["mark"]["type"] == "rect"
    assert encoded(cells, "x") == ("dimension", "nominal")
    assert encoded(cells, "y") == ("group", "nominal")
    assert encoded(cells, "color") == ("mean", "quantitative")
    assert cells["encoding"]["color"]["scale"] == {
        "scheme": "blueorange",
        "domain": [0, 100],
        "domainMid": 50,
    }
    assert labels["mark"]["type"] == "text"
    assert encoded(labels, "text") == ("mean", "quantitative")
    assert tooltip_fields(cells) == ["group", "dimension", "n", "mean"]
    assert cells["encoding"]["x"]["title"] == "Dimension"
    assert cells["encoding"]["y"]["title"] == "Team"
    assert dataset_columns(spec) == {"group", "dimension", "n", "mean"}


# Ladder ----------------------------------------------------------------------------------------


def ladder_table():
    return pd.DataFrame(
        [
            {"wave": wave, "rung": rung, "count": (i * 3 + j * 5) % 7 + 1}
            for j, wave in enumerate(["2025 spring", "2026 spring"])
            for i, rung in enumerate(reversed(RUNGS))
        ]
    )


def test_ladder_top_rung_chart_stacks_shares_in_the_given_order():
    spec = spec_of(ladder_top_rung_chart(ladder_table(), TARGETS))
    assert spec["mark"]["type"] == "bar"
    assert encoded(spec, "x") == ("wave", "ordinal")
    assert encoded(spec, "y") == ("share", "quantitative")
    assert encoded(spec, "color") == ("rung", "nominal")
    assert spec["encoding"]["color"]["scale"]["domain"] == [*RUNGS, "None of these"]
    assert spec["encoding"]["color"]["scale"]["range"] == rung_colours(TARGETS)
    assert encoded(spec, "order") == ("rung_order", "quantitative")
    rows = dataset_rows(spec)
    for wave in ("2025 spring", "2026 spring"):
        assert sum(row["share"] for row in rows if row["wave"] == wave) == pytest.approx(1.0)
    assert {row["rung"]: row["rung_order"] for row in rows} == {r: i for i, r in enumerate(RUNGS)}


def test_each_rung_has_one_colour_whichever_rungs_a_team_has():
    """ "Customers" was orange on one team and blue on the next: the scale is now fixed by the
    questionnaire's targets, never by the rungs a team's table happens to hold."""
    full = spec_of(ladder_top_rung_chart(ladder_table(), TARGETS))
    few = ladder_table()[lambda table: table["rung"].isin(["Customers", "My pay"])]
    partial = spec_of(ladder_top_rung_chart(few, TARGETS))
    assert full["encoding"]["color"]["scale"] == partial["encoding"]["color"]["scale"]
    assert full["encoding"]["color"]["sort"] == [*RUNGS, "None of these"]


def test_rung_colours_run_from_pay_in_blues_to_society_in_oranges_with_none_grey():
    colours = rung_colours(TARGETS)
    assert len(set(colours)) == len(colours) == 7
    assert colours[-1] == NEUTRAL_COLOUR

    def hue(colour):
        red, blue = int(colour[1:3], 16), int(colour[5:7], 16)
        return "blue" if blue > red else "orange"

    assert [hue(colour) for colour in colours[:6]] == ["blue"] * 4 + ["orange"] * 2

    def lightness(colour):
        return sum(int(colour[i : i + 2], 16) for i in (1, 3, 5))

    contractual, purpose = colours[:4], colours[4:6]
    assert [lightness(c) for c in contractual] == sorted(lightness(c) for c in contractual)
    assert [lightness(c) for c in purpose] == sorted((lightness(c) for c in purpose), reverse=True)
    with pytest.raises(
        ValueError, match=r"^pole 'other' is neither contractual, purpose nor empty$"
    ):
        rung_colours([("Somewhere", "other")])


def test_ladder_top_rung_chart_refuses_small_waves_and_unknown_rungs():
    table = ladder_table()
    small = table[table["wave"] == "2025 spring"].assign(count=[1, 1, 1, 0, 0, 1])
    with pytest.raises(ValueError) as error:
        ladder_top_rung_chart(pd.concat([small, table[table["wave"] == "2026 spring"]]), TARGETS)
    assert str(error.value) == "wave '2025 spring' has 4 answers; the chart needs at least 5"
    with pytest.raises(ValueError, match=r"^rung 'Society and the planet' is not among rungs$"):
        ladder_top_rung_chart(table, TARGETS[:5])


# Cooperation -----------------------------------------------------------------------------------


def test_cooperation_matrix_chart_shows_who_helps_whom():
    teams = ["North", "South", "Marketing"]
    table = pd.DataFrame(
        [
            {"from_group": a, "to_group": b, "count": (i * 3 + j) % 5}
            for i, a in enumerate(teams)
            for j, b in enumerate(teams)
        ]
    )
    spec = spec_of(cooperation_matrix_chart(table))
    cells, labels = layers(spec)
    assert encoded(cells, "x") == ("to_group", "nominal")
    assert cells["encoding"]["x"]["title"] == "Team that got help"
    assert encoded(cells, "y") == ("from_group", "nominal")
    assert cells["encoding"]["y"]["title"] == "Team that gave help"
    assert cells["encoding"]["x"]["sort"] == teams
    assert encoded(cells, "color") == ("count", "quantitative")
    assert cells["encoding"]["color"]["scale"] == {"scheme": "blues"}
    assert encoded(labels, "text") == ("count", "quantitative")
    assert tooltip_fields(cells) == ["from_group", "to_group", "count"]
    assert text_of(spec["title"]) == "Who helps whom"
    assert dataset_columns(spec) == {"from_group", "to_group", "count"}


# Perception gap --------------------------------------------------------------------------------


def gap_table():
    return pd.DataFrame(
        {
            "dimension": DIMENSIONS,
            "manager_score": [70.0, 67, 64, 61, 58, 55],
            "team_mean": [40.0, 44, 48, 52, 56, 60],
            "ci_low": [33.0, 37, 41, 45, 49, 53],
            "ci_high": [47.0, 51, 55, 59, 63, 67],
        }
    )


def test_perception_gap_chart_sets_the_managers_view_against_the_teams_interval():
    spec = spec_of(perception_gap_chart(gap_table()))
    intervals, dots = layers(spec)
    assert encoded(intervals, "x") == ("ci_low", "quantitative")
    assert encoded(dots, "x") == ("score", "quantitative")
    assert encoded(dots, "color") == ("view", "nominal")
    assert encoded(dots, "shape") == ("view", "nominal")
    views = ["The manager's own view", "The team's view"]
    assert dots["encoding"]["color"]["scale"] == {"domain": views, "range": list(OKABE_ITO[:2])}
    rows = spec["datasets"][dots["data"]["name"]]
    manager = {row["dimension"]: row for row in rows if row["view"] == views[0]}
    team = {row["dimension"]: row for row in rows if row["view"] == views[1]}
    assert manager["Motivation"]["score"] == 70.0
    assert manager["Motivation"]["ci_low"] is None
    assert (team["Motivation"]["score"], team["Motivation"]["ci_low"]) == (40.0, 33.0)
    assert text_of(spec["title"]) == "How the manager sees it, and how the team does"


# Personal profile ------------------------------------------------------------------------------


def test_personal_profile_chart_fits_a_phone_and_speaks_plainly():
    table = pd.DataFrame({"dimension": DIMENSIONS, "position": [80, 55, 30, 20, 65, 40]})
    chart = personal_profile_chart(table, 48.3)
    assert isinstance(chart, alt.LayerChart)
    spec = spec_of(chart)
    assert spec["width"] == "container"
    # vl_convert.vegalite_to_vega compiles the spec as the page's vega-embed does: "fit-x" makes
    # the whole chart, axis labels included, as wide as the phone column.
    assert vl_convert.vegalite_to_vega(spec)["autosize"] == {"type": "fit-x", "contains": "padding"}
    assert spec["title"]["text"] == "Where you stand"
    tracks, dimension_dots, index_dot = layers(spec)
    assert tracks["mark"]["type"] == "rule"
    assert encoded(dimension_dots, "x") == ("position", "quantitative")
    assert encoded(dimension_dots, "y") == ("dimension", "nominal")
    assert dimension_dots["encoding"]["y"]["sort"] == [*DIMENSIONS, "Overall mindset"]
    axis = dimension_dots["encoding"]["x"]["axis"]
    assert axis["values"] == [0, 50, 100]
    assert "'Contractual'" in axis["labelExpr"] and "'Purpose-driven'" in axis["labelExpr"]
    assert dimension_dots["encoding"]["x"]["scale"]["domain"] == [0, 100]
    assert tooltip_fields(dimension_dots) == ["dimension", "position"]
    assert spec["datasets"][index_dot["data"]["name"]] == [
        {"dimension": "Overall mindset", "position": 48.3}
    ]
    assert index_dot["mark"]["size"] > dimension_dots["mark"]["size"]
    assert dataset_columns(spec) == {"dimension", "position", "start", "end"}


def test_personal_profile_chart_is_readable_on_a_375_px_phone():
    table = pd.DataFrame({"dimension": DIMENSIONS, "position": [80, 55, None, 20, 65, 40]})
    spec = spec_of(personal_profile_chart(table, 48.3))
    assert spec["width"] == "container"
    vega = vl_convert.vegalite_to_vega(spec)
    axes = [axis for scope in [vega, *vega.get("marks", [])] for axis in scope.get("axes", [])]
    labelled = [axis for axis in axes if axis.get("labels", True)]
    assert labelled and all(axis["labelFontSize"] >= 12 for axis in labelled)
    assert vega["title"]["fontSize"] >= 12 and vega["title"]["subtitleFontSize"] >= 12
    texts = [mark for mark in vega["marks"] if mark["type"] == "text"]
    assert texts and all(mark["encode"]["update"]["fontSize"]["value"] >= 12 for mark in texts)
    # On the thank-you page the column of a 375 px screen leaves 343 px: drawn that wide and
    # fitted as the page fits it ("fit-x", above), the whole chart, labels included, stays in it.
    phone = {**spec, "width": 343, "autosize": vega["autosize"]}
    svg = vl_convert.vegalite_to_svg(phone)
    width = float(svg.split('width="', 1)[1].split('"', 1)[0])
    assert width <= 343
    assert "responsibility" in svg and "Scope of" in svg  # the long label wraps, uncut


def test_personal_profile_chart_says_when_a_dimension_has_too_few_answers():
    table = pd.DataFrame({"dimension": DIMENSIONS, "position": [80, 55, None, 20, 65, 40]})
    spec = spec_of(personal_profile_chart(table, None))
    tracks, dots, notes = layers(spec)
    assert len(spec["datasets"][tracks["data"]["name"]]) == 7
    assert [row["dimension"] for row in spec["datasets"][dots["data"]["name"]]] == [
        "Motivation",
        "Scope of responsibility",
        "Management style",
        "Change and complexity",
        "Incentives",
    ]
    assert notes["mark"]["type"] == "text"
    assert [row["dimension"] for row in spec["datasets"][notes["data"]["name"]]] == [
        "Cooperation",
        "Overall mindset",
    ]
    assert {row["note"] for row in spec["datasets"][notes["data"]["name"]]} == {
        "Not enough answers"
    }


def test_personal_profile_chart_refuses_positions_off_the_scale():
    table = pd.DataFrame({"dimension": DIMENSIONS, "position": [80, 55, 30, 20, 65, 40]})
    with pytest.raises(ValueError, match=r"^index must lie between 0 and 100, got 101$"):
        personal_profile_chart(table, 101)
    table.loc[2, "position"] = -4
    with pytest.raises(ValueError, match=r"^column 'position' must lie between 0 and 100, got -4$"):
        personal_profile_chart(table, 50.0)
    reserved = pd.DataFrame({"dimension": ["Overall mindset"], "position": [50.0]})
    with pytest.raises(
        ValueError, match=r"^dimension 'Overall mindset' is reserved for the index$"
    ):
        personal_profile_chart(reserved, 50.0)


# Bad input shared by every builder -------------------------------------------------------------


BUILDERS = [
    (index_trend_chart, "group, wave, n, mean, ci_low, ci_high"),
    (dimension_profile_chart, "dimension, wave, n, mean, ci_low, ci_high"),
    (team_dimension_heatmap, "group, dimension, n, mean"),
    (cooperation_matrix_chart, "from_group, to_group, count"),
    (perception_gap_chart, "dimension, manager_score, team_mean, ci_low, ci_high"),
    (position_distribution_chart, "group, bin_start, bin_end, count"),
    (lambda table: ladder_top_rung_chart(table, TARGETS), "wave, rung, count"),
]


@pytest.mark.parametrize(("builder", "columns"), BUILDERS)
def test_every_builder_names_the_columns_it_needs(builder, columns):
    with pytest.raises(ValueError) as error:
        builder(pd.DataFrame({"respondent_id": [1, 2]}))
    assert str(error.value) == f"table is missing columns: {columns}"


@pytest.mark.parametrize(("builder", "columns"), BUILDERS)
def test_every_builder_refuses_a_table_with_nothing_to_draw(builder, columns):
    empty = pd.DataFrame({column: [] for column in columns.split(", ")})
    with pytest.raises(ValueError, match=r"^nothing to draw: the table has no rows with values$"):
        builder(empty)


@pytest.mark.parametrize(
    ("builder", "table"),
    [
        (index_trend_chart, trend_table),
        (dimension_profile_chart, profile_table),
        (team_dimension_heatmap, lambda: profile_table().rename(columns={"wave": "group"})),
        (
            cooperation_matrix_chart,
            lambda: ladder_table().set_axis(["from_group", "to_group", "count"], axis=1),
        ),
        (perception_gap_chart, gap_table),
        (position_distribution_chart, bins_table),
        (lambda table: ladder_top_rung_chart(table, TARGETS), ladder_table),
        (
            lambda table: personal_profile_chart(table, 50.0),
            lambda: (
                profile_table().rename(columns={"mean": "position"}).drop_duplicates("dimension")
            ),
        ),
    ],
)
def test_no_builder_lets_a_respondent_level_column_into_the_spec(builder, table):
    with_ids = table().assign(respondent_id=range(7, 7 + len(table())), token="abc123")
    spec = spec_of(builder(with_ids))
    assert not dataset_columns(spec) & RESPONDENT_COLUMNS
    assert "abc123" not in str(spec)


def test_builders_refuse_text_where_numbers_belong_and_anything_but_a_dataframe():
    table = trend_table().astype({"mean": object})
    table.loc[1, "mean"] = "high"
    with pytest.raises(ValueError, match=r"^column 'mean' must hold numbers$"):
        index_trend_chart(table)
    with pytest.raises(ValueError, match=r"^column 'mean' holds an infinite value$"):
        index_trend_chart(trend_table().assign(mean=float("inf")))
    with pytest.raises(ValueError, match=r"^table must be a pandas DataFrame, got list$"):
        team_dimension_heatmap([{"group": "North"}])


# Read on any screen ----------------------------------------------------------------------------


DASHBOARD_CHARTS = [
    lambda: index_trend_chart(trend_table()),
    lambda: position_distribution_chart(bins_table()),
    lambda: dimension_profile_chart(profile_table()),
    lambda: team_dimension_heatmap(profile_table().rename(columns={"wave": "group"})),
    lambda: ladder_top_rung_chart(ladder_table(), TARGETS),
    lambda: cooperation_matrix_chart(
        ladder_table().set_axis(["from_group", "to_group", "count"], axis=1)
    ),
    lambda: perception_gap_chart(gap_table()),
]


@pytest.mark.parametrize("build", DASHBOARD_CHARTS)
def test_every_dashboard_chart_fills_its_container(build):
    spec = spec_of(build())
    assert spec["width"] == "container"
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}


@pytest.mark.parametrize("build", DASHBOARD_CHARTS)
def test_every_text_of_every_dashboard_chart_is_12_px_or_larger(build):
    spec = spec_of(build())
    config = spec["config"]
    assert config["axis"]["labelFontSize"] >= FONT_SIZE and config["axis"]["titleFontSize"] >= 12
    assert config["legend"]["labelFontSize"] >= 12 and config["legend"]["titleFontSize"] >= 12
    assert config["title"]["fontSize"] >= 12 and config["title"]["subtitleFontSize"] >= 12
    assert config["text"]["fontSize"] >= 12
    # Drawn 343 px wide, as on a phone: every text element of the SVG says 12 px or more.
    svg = vl_convert.vegalite_to_svg({**spec, "width": 343})
    sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)px"', svg)]
    assert sizes and min(sizes) >= 12
    assert float(svg.split('width="', 1)[1].split('"', 1)[0]) <= 343


@pytest.mark.parametrize("build", DASHBOARD_CHARTS)
def test_every_title_line_fits_a_phone(build):
    spec = spec_of(build())
    title = spec["title"] if isinstance(spec["title"], dict) else {"text": spec["title"]}
    lines = [title["text"]] if isinstance(title["text"], str) else title["text"]
    subtitle = title.get("subtitle", [])
    assert all(len(line) <= 34 for line in [*lines, *subtitle])
