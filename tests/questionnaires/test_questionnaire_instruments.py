"""The shipped instruments: they load, and their items are balanced and plainly worded."""

import hashlib
import re
import tomllib
from collections import Counter
from dataclasses import replace
from itertools import groupby, pairwise

import numpy as np
import pytest

from analysis.scoring import dimension_scores
from questionnaires import (
    DEFAULT_DIRECTORY,
    DIMENSION_KEYS,
    PERSPECTIVES,
    POLES,
    Item,
    Questionnaire,
    common_items,
    load_directory,
)

SHIPPED = load_directory()
REP = SHIPPED["rep-mindset", 1]
MANAGER = SHIPPED["manager-mindset", 1]
REP_2 = SHIPPED["rep-mindset", 2]
MANAGER_2 = SHIPPED["manager-mindset", 2]
REP_3 = SHIPPED["rep-mindset", 3]
NEWER = {REP_2: REP, MANAGER_2: MANAGER, REP_3: REP_2}
"""Each newer version and the version it replaces (the one its crosswalk names)."""
NEGATIONS = re.compile(r"\b(not|no|never|nobody|nothing|none|neither|nor)\b|n't\b", re.IGNORECASE)
PUBLISHED = {
    "rep-mindset-v1.toml": "f8400d8133848cdae460ad5a764a735ff4d98c84c0c3c5af453eb5fa8c6a203c",
    "manager-mindset-v1.toml": "8ee0de59f49d0264abf4cbe52102b128705ab2481b062cb7c6d5e84911cc920e",
    "rep-mindset-v2.toml": "5110b5b59e8122f66f82f4b679f4e729496aaebd89838ff24e0c6cac97a6833f",
    "manager-mindset-v2.toml": "5d19686e93215dc5e2ca16d6ed9c65f9fdf55ca83d6da29d8b05b991ebddd993",
}
"""SHA-256 of the files that answers exist for: a published version never changes."""


def name(questionnaire: Questionnaire) -> str:
    return f"{questionnaire.key}-v{questionnaire.version}"


every_version = pytest.mark.parametrize("questionnaire", SHIPPED.values(), ids=name)
every_newer = pytest.mark.parametrize("newer", NEWER, ids=name)


def test_the_directory_holds_the_shipped_versions_of_the_two_instruments():
    assert set(SHIPPED) == {
        ("rep-mindset", 1),
        ("manager-mindset", 1),
        ("rep-mindset", 2),
        ("manager-mindset", 2),
        ("rep-mindset", 3),
    }
    sources = [path.name for path in DEFAULT_DIRECTORY.glob("*.toml") if path.stem.count(".") == 0]
    assert sorted(sources) == [
        "manager-mindset-v1.toml",
        "manager-mindset-v2.toml",
        "rep-mindset-v1.toml",
        "rep-mindset-v2.toml",
        "rep-mindset-v3.toml",
    ]


@every_version
def test_file_name_sha256_and_audience_match_the_file(questionnaire: Questionnaire):
    path = DEFAULT_DIRECTORY / questionnaire.source
    assert questionnaire.source == f"{questionnaire.key}-v{questionnaire.version}.toml"
    assert questionnaire.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert questionnaire.audience == questionnaire.key.removesuffix("-mindset")


@pytest.mark.parametrize("source", PUBLISHED)
def test_published_files_never_change(source: str):
    assert (
        hashlib.sha256((DEFAULT_DIRECTORY / source).read_bytes()).hexdigest() == (PUBLISHED[source])
    )


@pytest.mark.parametrize("questionnaire", [REP, MANAGER], ids=name)
def test_version_1_loads_into_the_objects_its_fields_describe(questionnaire: Questionnaire):
    """Fields added to the format later take their defaults on a version 1 file."""
    raw = tomllib.loads((DEFAULT_DIRECTORY / questionnaire.source).read_text(encoding="utf-8"))
    expected = tuple(
        Item(**{**fields, "text": " ".join(fields["text"].split())}) for fields in raw["items"]
    )
    assert questionnaire.items == expected
    assert not any(item.not_applicable for item in questionnaire.items)
    assert {item.perspective for item in questionnaire.items} <= {"self", "team"}
    assert questionnaire.crosswalk is None
    assert not questionnaire.has_climate


@every_version
def test_every_item_belongs_to_one_dimension(questionnaire: Questionnaire):
    assert tuple(dimension.key for dimension in questionnaire.dimensions) == DIMENSION_KEYS
    grouped = [item for dimension in questionnaire.dimensions for item in dimension.items]
    assert sorted(grouped, key=lambda item: item.id) == sorted(
        questionnaire.items, key=lambda item: item.id
    )
    for dimension in questionnaire.dimensions:
        assert all(item.dimension == dimension.key for item in dimension.items)
        assert dimension.sources


@every_version
def test_ids_are_unique_across_the_file(questionnaire: Questionnaire):
    ids = [item.id for item in questionnaire.items]
    assert len(ids) == len(set(ids))


@every_version
def test_seven_point_agreement_scale(questionnaire: Questionnaire):
    assert questionnaire.scale.points == (1, 2, 3, 4, 5, 6, 7)
    assert questionnaire.scale.labels[0] == "Strongly disagree"
    assert questionnaire.scale.labels[-1] == "Strongly agree"
    assert questionnaire.min_answered_share == 0.5


@every_version
def test_items_interleave_dimensions(questionnaire: Questionnaire):
    """Within each block of one perspective, no two neighbours share a dimension, unless the
    block has one dimension only; then no two neighbours share a pole."""
    for perspective, block in groupby(questionnaire.items, key=lambda item: item.perspective):
        items = list(block)
        if len({item.dimension for item in items}) == 1:
            assert all(a.keyed != b.keyed for a, b in pairwise(items)), perspective
        else:
            assert all(a.dimension != b.dimension for a, b in pairwise(items)), perspective


@every_version
def test_poles_take_turns_within_each_dimension(questionnaire: Questionnaire):
    for dimension in questionnaire.dimensions:
        for perspective in PERSPECTIVES:
            poles = [item.keyed for item in dimension.items if item.perspective == perspective]
            assert all(a != b for a, b in pairwise(poles)), (dimension.key, perspective)


@every_version
def test_each_perspective_comes_in_one_block(questionnaire: Questionnaire):
    blocks = [perspective for perspective, _ in groupby(i.perspective for i in questionnaire.items)]
    assert len(blocks) == len(set(blocks))
    assert blocks[0] == "self"


@every_version
def test_no_item_has_a_double_negative(questionnaire: Questionnaire):
    for item in questionnaire.items:
        assert len(NEGATIONS.findall(item.text)) <= 1, item.id


def test_rep_dimensions_have_four_to_six_balanced_self_items():
    for questionnaire in (REP, REP_2, REP_3):
        for dimension in questionnaire.dimensions:
            poles = Counter(item.keyed for item in dimension.items if item.perspective == "self")
            assert 4 <= poles.total() <= 6, dimension.key
            assert abs(poles["purpose"] - poles["contractual"]) <= 1, dimension.key
    assert {item.perspective for item in REP.items} == {"self"}


@pytest.mark.parametrize("rep", [REP_2, REP_3], ids=name)
def test_rep_has_six_self_items_per_dimension_and_a_climate_block_on_management(rep):
    counts = Counter((item.dimension, item.perspective, item.keyed) for item in rep.items)
    expected = {(key, "self", pole): 3 for key in DIMENSION_KEYS for pole in POLES}
    expected |= {("management", "climate", pole): 3 for pole in POLES}
    assert counts == expected
    assert rep.has_climate
    assert [item.perspective for item in rep.items] == ["self"] * 36 + ["climate"] * 6


@pytest.mark.parametrize("rep", [REP_2, REP_3], ids=name)
def test_climate_items_are_about_my_manager(rep):
    for item in rep.items_of("climate"):
        assert "my manager" in item.text.lower(), item.id
    for item in rep.items_of("self"):
        assert "my manager" not in item.text.lower(), item.id


def test_rep_version_3_is_version_2_with_dont_know_on_every_climate_item():
    """Same items in the same order; the climate items that gained "don't know" got new ids."""
    renamed = {"clm1": "clm7", "clm2": "clm8", "clm3": "clm9", "clm5": "clm10", "clm6": "clm11"}
    assert [item.id for item in REP_3.items] == [
        renamed.get(item.id, item.id) for item in REP_2.items
    ]
    for old, new in zip(REP_2.items, REP_3.items, strict=True):
        climate = old.perspective == "climate"
        assert new == replace(old, id=new.id, not_applicable=old.not_applicable or climate)
    assert all(item.not_applicable for item in REP_3.items_of("climate"))
    assert REP_3.minutes == REP_2.minutes
    assert "Where you do not know" in REP_3.intro


def test_manager_dimensions_have_a_few_balanced_items_per_perspective():
    for questionnaire in (MANAGER, MANAGER_2):
        for dimension in questionnaire.dimensions:
            for perspective in ("self", "team"):
                poles = Counter(
                    item.keyed for item in dimension.items if item.perspective == perspective
                )
                assert 2 <= poles.total() <= 6, (dimension.key, perspective)
                assert poles["purpose"] == poles["contractual"], (dimension.key, perspective)


@pytest.mark.parametrize("questionnaire", [MANAGER, MANAGER_2], ids=name)
def test_manager_answers_about_themselves_first_then_about_the_team(questionnaire):
    perspectives = [item.perspective for item in questionnaire.items]
    assert perspectives == sorted(perspectives)
    assert not questionnaire.has_climate


@pytest.mark.parametrize("questionnaire", [MANAGER, MANAGER_2], ids=name)
def test_team_items_say_so(questionnaire: Questionnaire):
    for item in questionnaire.items:
        assert item.text.startswith("In my team, ") == (item.perspective == "team"), item.id


@pytest.mark.parametrize(("rep", "manager"), [(REP, MANAGER), (REP_2, MANAGER_2)], ids=name)
def test_both_instruments_share_the_dimensions(rep: Questionnaire, manager: Questionnaire):
    assert [dimension.key for dimension in rep.dimensions] == [
        dimension.key for dimension in manager.dimensions
    ]
    for ours, theirs in zip(rep.dimensions, manager.dimensions, strict=True):
        assert ours == replace(theirs, items=ours.items)


@every_newer
def test_a_newer_version_keeps_the_dimensions_scale_and_title(newer: Questionnaire):
    older = NEWER[newer]
    for ours, theirs in zip(newer.dimensions, older.dimensions, strict=True):
        assert ours == replace(theirs, items=ours.items)
    assert (newer.key, newer.title, newer.audience, newer.scale) == (
        older.key,
        older.title,
        older.audience,
        older.scale,
    )


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
    assert (REP_2.ladder, REP_2.cooperation) == (REP.ladder, REP.cooperation)
    assert (MANAGER_2.ladder, MANAGER_2.cooperation) == (None, None)


def test_rep_version_3_ladder_starts_from_the_goal_and_quotes_the_previous_answer():
    assert REP_3.ladder is not None and REP.ladder is not None
    assert REP_3.ladder.question == "What is the goal of your work?"
    assert REP_3.ladder.follow_up == "Why does “{previous}” matter to you?"
    assert REP_3.ladder.ask_after("serving my customers") == (
        "Why does “serving my customers” matter to you?"
    )
    assert replace(REP_3.ladder, question="", follow_up="") == replace(
        REP.ladder, question="", follow_up=""
    )
    assert REP_3.cooperation == REP.cooperation


def test_scoring_arrays_follow_presentation_order():
    for questionnaire, n_items in ((REP, 36), (REP_2, 42), (REP_3, 42)):
        mask = questionnaire.reversed_mask()
        index = questionnaire.item_dimension_index()
        assert len(mask) == len(index) == len(questionnaire.items) == n_items
        for position, item in enumerate(questionnaire.items):
            assert mask[position] == (item.keyed == POLES[0])
            assert questionnaire.dimensions[index[position]].key == item.dimension
            assert questionnaire.item_index[item.id] == position


@every_newer
def test_a_newer_version_estimates_its_minutes_at_the_pace_of_the_older(newer: Questionnaire):
    older = NEWER[newer]
    pace = older.minutes / len(older.items)
    assert newer.minutes == pytest.approx(pace * len(newer.items), abs=0.5)


# Items that may not apply


def test_items_that_may_not_apply():
    assert [item.id for item in REP_2.items if item.not_applicable] == [
        "mot8",
        "inc7",
        "coo8",
        "mot10",
        "coo9",
        "clm4",
    ]
    assert [item.id for item in REP_3.items if item.not_applicable] == [
        "mot8",
        "inc7",
        "coo8",
        "mot10",
        "coo9",
        "clm7",
        "clm8",
        "clm9",
        "clm4",
        "clm10",
        "clm11",
    ]
    assert [item.id for item in MANAGER_2.items if item.not_applicable] == [
        "inc_self5",
        "mot_self5",
        "inc_self6",
        "coo_self5",
        "mot_team5",
    ]


@every_version
def test_answering_every_item_that_applies_scores_every_dimension(questionnaire: Questionnaire):
    """The loader's limit agrees with the scoring, in every perspective of every dimension but
    the climate, which is never the respondent's own result and has no limit."""
    scale = questionnaire.scale
    for perspective in ("self", "team"):
        items = questionnaire.items_of(perspective)
        if not items:
            continue
        keys = [dimension.key for dimension in questionnaire.dimensions]
        present = sorted({keys.index(item.dimension) for item in items})
        codes = [present.index(keys.index(item.dimension)) for item in items]
        answers = np.array([[np.nan if item.not_applicable else 4.0 for item in items]])
        scores = dimension_scores(
            answers,
            codes,
            len(present),
            [item.reversed for item in items],
            scale.min,
            scale.max,
            questionnaire.min_answered_share,
        )
        assert not np.isnan(scores).any(), perspective


# The crosswalk to the version before


@every_newer
def test_crosswalk_points_to_the_older_version_with_identical_items(newer: Questionnaire):
    older = NEWER[newer]
    assert newer.crosswalk is not None
    assert newer.crosswalk.version == older.version
    pairs = common_items(newer, older)
    assert len(pairs) == len(newer.crosswalk.items)
    for new_id, old_id in pairs:
        ours, theirs = newer.item(new_id), older.item(old_id)
        assert replace(ours, id=old_id) == theirs


@every_newer
def test_ids_shared_with_the_older_version_name_the_same_item(newer: Questionnaire):
    """An id of the older version is reused only for the identical item, never for a new one."""
    older = NEWER[newer]
    shared = {item.id for item in newer.items} & {item.id for item in older.items}
    assert newer.crosswalk is not None
    assert {new_id: new_id for new_id in shared} == dict(newer.crosswalk.items)


@every_newer
def test_crosswalk_keeps_at_least_two_items_per_dimension_but_rep_management(
    newer: Questionnaire,
):
    kept = Counter(newer.item(new_id).dimension for new_id, _ in common_items(newer, NEWER[newer]))
    for key in DIMENSION_KEYS:
        if newer is REP_2 and key == "management":
            assert kept[key] == 0, "version 1 measured the rep's manager, not the rep"
        else:
            assert kept[key] >= 2, key


def test_an_id_names_one_item_in_every_version():
    """Across all versions of an instrument, an id never changes its meaning."""
    seen: dict[tuple[str, str], Item] = {}
    for questionnaire in SHIPPED.values():
        for item in questionnaire.items:
            assert seen.setdefault((questionnaire.key, item.id), item) == item, item.id


def test_crosswalk_pairs():
    assert common_items(REP_2, REP) == (
        ("mot1", "mot1"),
        ("coo1", "coo1"),
        ("chg1", "chg1"),
        ("inc1", "inc1"),
        ("res2", "res2"),
        ("chg2", "chg2"),
        ("inc2", "inc2"),
        ("mot3", "mot3"),
        ("coo3", "coo3"),
        ("chg3", "chg3"),
        ("inc3", "inc3"),
        ("coo4", "coo4"),
        ("chg5", "chg5"),
        ("res6", "res6"),
        ("inc6", "inc6"),
    )
    assert len(common_items(MANAGER_2, MANAGER)) == 26
    assert common_items(REP_2, MANAGER) == ()


def test_rep_version_3_shares_every_own_item_and_one_climate_item_with_version_2():
    assert common_items(REP_3, REP_2) == tuple(
        (item.id, item.id) for item in REP_2.items if item.id in REP_3.item_index
    )
    assert [new for new, _ in common_items(REP_3, REP_2) if new.startswith("clm")] == ["clm4"]
    assert len(common_items(REP_3, REP_2)) == 37
    assert common_items(REP_3, REP) == ()  # no crosswalk links version 3 to version 1
