"""The shipped instruments: they load, and their items are balanced and plainly worded."""

import hashlib
import re
from collections import Counter
from dataclasses import replace
from itertools import pairwise

import pytest

from questionnaires import (
    DEFAULT_DIRECTORY,
    DIMENSION_KEYS,
    POLES,
    Questionnaire,
    load_directory,
)

SHIPPED = load_directory()
REP = SHIPPED["rep-mindset", 1]
MANAGER = SHIPPED["manager-mindset", 1]
NEGATIONS = re.compile(r"\b(not|no|never|nobody|nothing|none|neither|nor)\b|n't\b", re.IGNORECASE)


def test_the_directory_holds_exactly_the_two_instruments():
    assert set(SHIPPED) == {("rep-mindset", 1), ("manager-mindset", 1)}
    assert sorted(path.name for path in DEFAULT_DIRECTORY.glob("*.toml")) == [
        "manager-mindset-v1.toml",
        "rep-mindset-v1.toml",
    ]


@pytest.mark.parametrize("questionnaire", SHIPPED.values(), ids=lambda q: q.key)
def test_file_name_sha256_and_audience_match_the_file(questionnaire: Questionnaire):
    path = DEFAULT_DIRECTORY / questionnaire.source
    assert questionnaire.source == f"{questionnaire.key}-v{questionnaire.version}.toml"
    assert questionnaire.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert questionnaire.audience == questionnaire.key.removesuffix("-mindset")


@pytest.mark.parametrize("questionnaire", SHIPPED.values(), ids=lambda q: q.key)
def test_every_item_belongs_to_one_dimension(questionnaire: Questionnaire):
    assert tuple(dimension.key for dimension in questionnaire.dimensions) == DIMENSION_KEYS
    grouped = [item for dimension in questionnaire.dimensions for item in dimension.items]
    assert sorted(grouped, key=lambda item: item.id) == sorted(
        questionnaire.items, key=lambda item: item.id
    )
    for dimension in questionnaire.dimensions:
        assert all(item.dimension == dimension.key for item in dimension.items)
        assert dimension.sources


@pytest.mark.parametrize("questionnaire", SHIPPED.values(), ids=lambda q: q.key)
def test_ids_are_unique_across_the_file(questionnaire: Questionnaire):
    ids = [item.id for item in questionnaire.items]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("questionnaire", SHIPPED.values(), ids=lambda q: q.key)
def test_seven_point_agreement_scale(questionnaire: Questionnaire):
    assert questionnaire.scale.points == (1, 2, 3, 4, 5, 6, 7)
    assert questionnaire.scale.labels[0] == "Strongly disagree"
    assert questionnaire.scale.labels[-1] == "Strongly agree"
    assert 0 < questionnaire.min_answered_share <= 1


@pytest.mark.parametrize("questionnaire", SHIPPED.values(), ids=lambda q: q.key)
def test_items_interleave_dimensions(questionnaire: Questionnaire):
    dimensions = [item.dimension for item in questionnaire.items]
    assert all(first != second for first, second in pairwise(dimensions))


@pytest.mark.parametrize("questionnaire", SHIPPED.values(), ids=lambda q: q.key)
def test_no_item_has_a_double_negative(questionnaire: Questionnaire):
    for item in questionnaire.items:
        assert len(NEGATIONS.findall(item.text)) <= 1, item.id


def test_rep_dimensions_have_four_to_six_balanced_self_items():
    for dimension in REP.dimensions:
        poles = Counter(item.keyed for item in dimension.items)
        assert 4 <= len(dimension.items) <= 6, dimension.key
        assert abs(poles["purpose"] - poles["contractual"]) <= 1, dimension.key
        assert {item.perspective for item in dimension.items} == {"self"}


def test_manager_dimensions_have_a_few_balanced_items_per_perspective():
    for dimension in MANAGER.dimensions:
        for perspective in ("self", "team"):
            poles = Counter(
                item.keyed for item in dimension.items if item.perspective == perspective
            )
            assert 2 <= poles.total() <= 6, (dimension.key, perspective)
            assert abs(poles["purpose"] - poles["contractual"]) <= 1, (dimension.key, perspective)


def test_manager_answers_about_themselves_first_then_about_the_team():
    perspectives = [item.perspective for item in MANAGER.items]
    assert perspectives == sorted(perspectives)


def test_team_items_say_so():
    for item in MANAGER.items:
        assert item.text.startswith("In my team, ") == (item.perspective == "team"), item.id


def test_both_instruments_share_the_dimensions():
    assert [dimension.key for dimension in REP.dimensions] == [
        dimension.key for dimension in MANAGER.dimensions
    ]
    for rep, manager in zip(REP.dimensions, MANAGER.dimensions, strict=True):
        assert rep == replace(manager, items=rep.items)


def test_rep_ladder_targets_and_cooperation_map():
    assert REP.ladder is not None
    assert REP.ladder.question == "Why does reaching your sales target matter?"
    assert 1 <= REP.ladder.min_rungs <= REP.ladder.max_rungs <= 5
    assert [(target.key, target.pole) for target in REP.ladder.targets] == [
        ("pay", "contractual"),
        ("team_target", "contractual"),
        ("company_target", "contractual"),
        ("shareholders", "contractual"),
        ("customers", "purpose"),
        ("society", "purpose"),
    ]
    assert REP.ladder.targets[-1].label == "Society and the planet"
    assert REP.cooperation is not None
    assert REP.cooperation.directions == (
        ("received", "I got help from"),
        ("given", "I gave help to"),
    )


def test_scoring_arrays_follow_presentation_order():
    mask = REP.reversed_mask()
    index = REP.item_dimension_index()
    assert len(mask) == len(index) == len(REP.items) == 36
    for position, item in enumerate(REP.items):
        assert mask[position] == (item.keyed == POLES[0])
        assert REP.dimensions[index[position]].key == item.dimension
        assert REP.item_index[item.id] == position
