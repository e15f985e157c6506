"""The reading in words: which sentences are chosen for given released results."""

from __future__ import annotations

import math

import pytest

from analysis.reading import (
    Change,
    DimensionMean,
    Standing,
    hidden,
    highest_and_lowest,
    how_sure,
    reading,
    suggestions,
    what_changed,
    where_it_sits,
)

SIX = [
    DimensionMean("motivation", "Motivation", 57.0),
    DimensionMean("responsibility", "Scope of responsibility", 52.0),
    DimensionMean("cooperation", "Cooperation", 39.0),
    DimensionMean("management", "Management style", 55.0),
    DimensionMean("change", "Change and complexity", 44.0),
    DimensionMean("incentives", "Incentives", 48.0),
]
LISTS = {
    (key, pole): [f"{key}-{pole}-{i}" for i in range(3)]
    for key in ("motivation", "responsibility", "cooperation", "management", "change", "incentives")
    for pole in ("contractual", "purpose")
}
SOLID = Standing(40, 62.0, 58.0, 66.0)


@pytest.mark.parametrize(
    ("standing", "side"),
    [
        (Standing(40, 62.0, 58.0, 66.0), "leans towards management by values"),
        (Standing(40, 38.0, 34.0, 42.0), "leans towards management by objectives"),
        (Standing(40, 53.0, 47.0, 59.0), "not clearly on either side"),
        (Standing(40, 58.0, 50.0, 66.0), "not clearly on either side"),  # 50 is not above 50
    ],
)
def test_the_side_comes_from_the_whole_interval_never_the_mean_alone(standing, side):
    sentence = where_it_sits("France", "Wave 2", standing)
    assert side in sentence
    assert sentence.startswith("In Wave 2, France ")
    assert f"index is {standing.mean:.0f}" in sentence


def test_the_essays_vocabulary_names_each_side():
    values = where_it_sits("T", "W", SOLID)
    assert "giving the why, trust, teams, embracing change" in values
    objectives = where_it_sits("T", "W", Standing(40, 30.0, 25.0, 35.0))
    assert "targets cut per territory" in objectives


def test_highest_and_lowest_are_a_ranking_not_a_tested_difference():
    sentence = highest_and_lowest(SIX)
    assert "closest to management by values on motivation (57)" in sentence
    assert "furthest from it on cooperation (39)" in sentence
    assert "sharing best practices and working with product and marketing" in sentence
    assert "not a tested difference" in sentence
    # nothing compared with other teams or with the last wave: no test says so
    for claim in ("organisation", "last wave", "than before", "significant", "real"):
        assert claim not in sentence


def test_no_ranking_when_means_round_alike_or_too_few_dimensions():
    alike = [DimensionMean("motivation", "Motivation", 34.2), DimensionMean("change", "C", 33.8)]
    assert highest_and_lowest(alike) == "Its six dimensions have about the same mean (34)."
    assert highest_and_lowest(SIX[:1]) is None
    assert highest_and_lowest([]) is None
    nan = [SIX[0], DimensionMean("change", "Change and complexity", math.nan)]
    assert highest_and_lowest(nan) is None


def test_first_wave_says_baseline_and_no_change():
    sentences = reading("France", "Wave 1", SOLID, SIX, None)
    assert len(sentences) == 4
    assert "first released wave" in sentences[2] and "baseline" in sentences[2]
    assert "in a first wave" in sentences[3]
    assert not any("moved" in sentence for sentence in sentences)


def test_a_change_larger_than_chance_gives_its_direction_in_the_essays_words():
    up = Change("Wave 1", 3.8, "moved towards purpose, larger than chance variation", 3.0)
    assert what_changed(up) == (
        "Since Wave 1 it has moved towards management by values (+3.8 points), more than "
        "chance variation would explain."
    )
    down = Change("Wave 1", -6.0, "moved towards contractual, larger than chance variation")
    assert "moved towards management by objectives (-6.0 points)" in what_changed(down)


def test_no_likely_real_change_is_never_called_no_change_nor_a_direction():
    within = Change("Wave 1", 4.1, "moved towards purpose, not distinguishable from chance", 14.2)
    sentence = what_changed(within)
    assert "cannot tell from chance variation" in sentence
    assert "not the same as no change" in sentence
    assert "about 14 points" in sentence
    assert "towards management by" not in sentence
    unknown_size = Change("Wave 1", 0.0, "no change, not distinguishable from chance")
    assert "likely show" not in what_changed(unknown_size)


def test_too_few_untestable_and_hidden_changes():
    few = what_changed(Change("Wave 1", 2.0, "too few answers to tell"))
    assert few == "Since Wave 1, too few answers in one of the two waves to tell whether it moved."
    untested = what_changed(Change("Wave 1", 2.0, "moved towards purpose, cannot be tested"))
    assert "cannot be tested" in untested and "towards management" not in untested
    gone = what_changed(Change("Wave 1", hidden="fewer than 5 answers in Wave 1"))
    assert gone == "The change since Wave 1 cannot be read: fewer than 5 answers in Wave 1."


def test_a_verdict_it_does_not_know_is_refused():
    with pytest.raises(ValueError):
        what_changed(Change("Wave 1", 2.0, "moved sideways, who knows"))
    with pytest.raises(ValueError):
        what_changed(Change("Wave 1", 0.0, "no change, larger than chance variation"))


def test_tiny_groups_and_wide_intervals_are_said():
    tiny = how_sure(Standing(6, 49.0, 37.0, 61.0), first_wave=False)
    assert (
        tiny
        == "How sure we are: this rests on only 6 answers, with a wide 95% interval of 37 to 61."
    )
    solid = how_sure(SOLID, first_wave=False)
    assert solid == "How sure we are: this rests on 40 answers, with a 95% interval of 58 to 66."
    no_interval = how_sure(Standing(12, 50.0, math.nan, math.nan), first_wave=False)
    assert no_interval == "How sure we are: this rests on 12 answers."


def test_a_hidden_group_is_too_small_and_nothing_is_inferred():
    sentences = hidden("Spain", "Wave 2", "fewer than 5 answers")
    assert sentences[0].startswith(
        "Spain's results for Wave 2 are not shown (fewer than 5 answers)"
    )
    assert "too small" in sentences[0]
    assert "nothing is inferred" in sentences[1]
    assert not any(char.isdigit() for char in sentences[1])


def test_suggestions_follow_the_lowest_dimensions_and_their_side():
    chosen = suggestions(SIX, LISTS)
    assert [s.practice for s in chosen] == [
        "cooperation-contractual-0",
        "cooperation-contractual-1",
        "change-contractual-0",
    ]
    assert chosen[0].because == "suggested because cooperation is the team's lowest"
    assert (
        chosen[2].because == "suggested because change and complexity is the team's second lowest"
    )
    high = [DimensionMean("management", "Management style", 71.0), *SIX[:1]]
    assert suggestions(high, LISTS)[0].practice == "motivation-purpose-0"  # 57: purpose side


def test_no_suggestion_without_released_dimensions():
    assert suggestions([], LISTS) == []
    assert suggestions([DimensionMean("change", "Change", math.nan)], LISTS) == []
    one = suggestions(SIX[:1], LISTS)
    assert len(one) == 2 and {s.dimension for s in one} == {"motivation"}
