"""The reading's words about each dimension against the rest of the organisation and the last
wave: which sentences are chosen, and that the reading stays at four sentences."""

from __future__ import annotations

import pytest

from analysis.dimension_comparison import REST
from analysis.reading import (
    Change,
    DimensionDifference,
    DimensionMean,
    Standing,
    against_the_rest,
    dimensions_moved,
    highest_and_lowest,
    reading,
    what_changed,
)

SIX = [
    DimensionMean("motivation", "Motivation", 57.0),
    DimensionMean("cooperation", "Cooperation", 39.0),
    DimensionMean("incentives", "Incentives", 48.0),
]
SOLID = Standing(40, 62.0, 58.0, 66.0)
WITHIN = "not distinguishable from chance"
BEYOND = "larger than chance variation"
INDEX_CHANGE = Change("Spring", 1.5, f"moved towards purpose, {WITHIN}", 9.0)


def rest(key: str, difference: float, verdict: str) -> DimensionDifference:
    return DimensionDifference(key, key.capitalize(), REST, difference, verdict)


def since(key: str, difference: float, verdict: str) -> DimensionDifference:
    return DimensionDifference(key, key.capitalize(), "Spring", difference, verdict)


def test_a_first_wave_compares_with_the_rest_only_and_says_what_the_tests_cannot_tell():
    differences = [rest("cooperation", -2.0, f"further towards contractual, {WITHIN}")]
    sentences = reading("Paris", "Autumn", SOLID, SIX, None, differences)
    assert len(sentences) == 4
    assert sentences[1] == (
        highest_and_lowest(SIX)[:-1]
        + "; the tests cannot tell any of its dimensions from the rest of the organisation."
    )
    assert sentences[2] == what_changed(None)
    assert "no change" not in " ".join(sentences).replace("not the same as no change", "")


def test_nothing_beyond_chance_adds_no_word_about_the_dimensions_change():
    differences = [
        since("cooperation", 4.0, f"moved towards purpose, {WITHIN}"),
        since("incentives", -3.0, f"moved towards contractual, {WITHIN}"),
    ]
    sentences = reading("Paris", "Autumn", SOLID, SIX, INDEX_CHANGE, differences)
    assert sentences == reading("Paris", "Autumn", SOLID, SIX, INDEX_CHANGE)
    assert dimensions_moved(differences) is None
    assert against_the_rest(differences) is None


def test_hidden_groups_give_no_dimension_words():
    """A team whose dimension rows are hidden has none: the reading is the one without them."""
    hidden = Change("Spring", hidden="fewer than 5 answers in Spring")
    assert reading("Paris", "Autumn", SOLID, SIX, hidden, []) == reading(
        "Paris", "Autumn", SOLID, SIX, hidden
    )


def test_likely_real_differences_each_way_are_named_with_their_size():
    differences = [
        rest("cooperation", 8.3, f"further towards purpose, {BEYOND}"),
        rest("incentives", -6.2, f"further towards contractual, {BEYOND}"),
        rest("motivation", 1.0, f"further towards purpose, {WITHIN}"),
        since("cooperation", 6.4, f"moved towards purpose, {BEYOND}"),
        since("incentives", -5.1, f"moved towards contractual, {BEYOND}"),
        since("motivation", 0.5, f"moved towards purpose, {WITHIN}"),
    ]
    sentences = reading("Paris", "Autumn", SOLID, SIX, INDEX_CHANGE, differences)
    assert len(sentences) == 4
    assert sentences[1].endswith(
        "(a ranking of this wave's means, not a tested difference); against the rest of the "
        "organisation, it is further towards management by values on cooperation (+8 points) "
        "and nearer management by objectives on incentives (\u22126), differences larger than "
        "chance variation; on the other dimensions the tests cannot tell it from the rest."
    )
    assert sentences[2] == (
        what_changed(INDEX_CHANGE)[:-1] + "; of its dimensions, cooperation moved +6 points "
        "towards management by values and incentives moved \u22125 towards management by "
        "objectives, more than chance variation would explain."
    )


def test_one_likely_real_difference_stands_alone_without_a_ranking():
    differences = [rest("incentives", -6.2, f"further towards contractual, {BEYOND}")]
    sentences = reading("Paris", "Autumn", SOLID, SIX[:1], None, differences)
    assert sentences[1] == (
        "Against the rest of the organisation, it is nearer management by objectives on "
        "incentives (\u22126 points), a difference larger than chance variation."
    )


def test_a_difference_beyond_chance_without_a_direction_is_refused():
    with pytest.raises(ValueError, match="needs a direction"):
        against_the_rest([rest("incentives", 0.0, f"the same, {BEYOND}")])
