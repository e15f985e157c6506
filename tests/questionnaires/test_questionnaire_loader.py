"""The loader: what a valid file becomes, and one test per rule that rejects a bad file."""

import dataclasses
import hashlib
from pathlib import Path

import numpy as np
import pytest

from analysis.scoring import dimension_scores
from questionnaires import (
    DIMENSION_KEYS,
    Crosswalk,
    Item,
    QuestionnaireError,
    common_items,
    load_directory,
    load_questionnaire,
)

HEADER = """\
key = "tiny"
version = 1
title = "Tiny"
language = "en"
audience = "rep"
intro = "Two items per dimension."
minutes = 3
min_answered_share = 0.5

[scale]
min = 1
max = 7
labels = ["SD", "D", "sd", "N", "sa", "A", "SA"]
"""

LADDER = """
[ladder]
question = "Why does reaching your target matter?"
follow_up = "And why does that matter?"
min_rungs = 1
max_rungs = 5
max_words = 200

[[ladder.targets]]
key = "pay"
label = "My pay"
pole = "contractual"

[[ladder.targets]]
key = "customers"
label = "Customers"
pole = "purpose"

[cooperation]
question = "Who helped you?"
max_teams = 5

[[cooperation.directions]]
key = "received"
label = "I got help from"

[[cooperation.directions]]
key = "given"
label = "I gave help to"
"""


def _dimension(key: str) -> str:
    return f"""
[[dimensions]]
key = "{key}"
name = "Name of {key}"
description = "About {key}."
contractual_pole = "Contractual {key}."
purpose_pole = "Purpose {key}."
sources = ["A paper on {key}."]
"""


def _item(item_id: str, dimension: str, keyed: str, text: str) -> str:
    return f"""
[[items]]
id = "{item_id}"
dimension = "{dimension}"
keyed = "{keyed}"
text = "{text}"
"""


MINIMAL = (
    HEADER
    + "".join(_dimension(key) for key in DIMENSION_KEYS)
    + LADDER
    + "".join(
        _item(f"{key[:3]}{number}", key, keyed, f"Statement {number} on {key}.")
        for number, keyed in ((1, "purpose"), (2, "contractual"))
        for key in DIMENSION_KEYS
    )
)


def write(tmp_path: Path, text: str, name: str = "tiny-v1.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def variant(tmp_path: Path, old: str, new: str) -> Path:
    """Write MINIMAL with its one occurrence of ``old`` replaced by ``new``."""
    assert MINIMAL.count(old) == 1, old
    return write(tmp_path, MINIMAL.replace(old, new))


def rejects(path: Path, problem: str) -> None:
    """Loading ``path`` fails with exactly ``"<path>: <problem>"``."""
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path)
    assert str(caught.value) == f"{path}: {problem}"


# What a valid file becomes


def test_minimal_file_loads_into_plain_objects(tmp_path):
    path = write(tmp_path, MINIMAL)
    questionnaire = load_questionnaire(path)
    assert (questionnaire.key, questionnaire.version, questionnaire.source) == (
        "tiny",
        1,
        "tiny-v1.toml",
    )
    assert questionnaire.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert questionnaire.scale.points == (1, 2, 3, 4, 5, 6, 7)
    assert [item.id for item in questionnaire.items][:3] == ["mot1", "res1", "coo1"]
    assert questionnaire.item("mot2") == Item(
        id="mot2",
        text="Statement 2 on motivation.",
        dimension="motivation",
        keyed="contractual",
        perspective="self",
    )
    assert questionnaire.item("mot2").reversed
    assert questionnaire.dimensions[0].items == (
        questionnaire.item("mot1"),
        questionnaire.item("mot2"),
    )
    assert questionnaire.reversed_mask() == (False,) * 6 + (True,) * 6
    assert questionnaire.item_dimension_index() == (0, 1, 2, 3, 4, 5) * 2
    assert questionnaire.ladder is not None
    assert questionnaire.ladder.targets[1].pole == "purpose"
    assert questionnaire.cooperation is not None
    assert questionnaire.cooperation.directions[1] == ("given", "I gave help to")


def test_objects_are_immutable(tmp_path):
    questionnaire = load_questionnaire(write(tmp_path, MINIMAL))
    with pytest.raises(dataclasses.FrozenInstanceError):
        questionnaire.version = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        questionnaire.item_index["mot1"] = 3  # type: ignore[index]


def test_unknown_item_id_raises_key_error(tmp_path):
    questionnaire = load_questionnaire(write(tmp_path, MINIMAL))
    with pytest.raises(KeyError):
        questionnaire.item("nope")


def test_ladder_and_cooperation_are_optional(tmp_path):
    questionnaire = load_questionnaire(write(tmp_path, MINIMAL.replace(LADDER, "")))
    assert questionnaire.ladder is None
    assert questionnaire.cooperation is None


def test_whitespace_in_item_text_is_collapsed(tmp_path):
    path = variant(
        tmp_path,
        'text = "Statement 1 on motivation."',
        'text = """Statement 1\n   on motivation."""',
    )
    assert load_questionnaire(path).item("mot1").text == "Statement 1 on motivation."


def test_team_perspective_is_read(tmp_path):
    team_items = _item("mot3", "motivation", "purpose", "Team one.") + _item(
        "mot4", "motivation", "contractual", "Team two."
    )
    path = write(
        tmp_path, MINIMAL + team_items.replace("[[items]]", '[[items]]\nperspective = "team"')
    )
    assert [item.perspective for item in load_questionnaire(path).dimensions[0].items] == [
        "self",
        "self",
        "team",
        "team",
    ]


def test_sha256_changes_when_the_file_changes(tmp_path):
    before = load_questionnaire(write(tmp_path, MINIMAL)).sha256
    after = load_questionnaire(write(tmp_path, MINIMAL + "# a comment\n")).sha256
    assert before != after
    assert load_questionnaire(write(tmp_path, MINIMAL)).sha256 == before


def test_load_directory_keys_by_key_and_version(tmp_path):
    write(tmp_path, MINIMAL)
    write(tmp_path, MINIMAL.replace("version = 1", "version = 2"), name="tiny-v2.toml")
    write(tmp_path, "not toml", name="notes.txt")
    assert sorted(load_directory(tmp_path)) == [("tiny", 1), ("tiny", 2)]


# The file as a whole


def test_rejects_invalid_toml(tmp_path):
    path = write(tmp_path, MINIMAL + "key =\n")
    with pytest.raises(QuestionnaireError, match=r": invalid TOML \(Invalid value"):
        load_questionnaire(path)


def test_rejects_text_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(MINIMAL.replace("Tiny", "Petit déjeuner").encode("latin-1"))
    rejects(path, "not UTF-8 text (invalid continuation byte)")


def test_rejects_unknown_top_level_field(tmp_path):
    rejects(
        variant(tmp_path, 'title = "Tiny"', 'titel = "Tiny"'),
        "unknown field 'titel' (expected one of key, version, title, language, audience, intro,"
        " minutes, min_answered_share, scale, dimensions, items, ladder, cooperation, crosswalk)",
    )


def test_rejects_missing_top_level_field(tmp_path):
    rejects(variant(tmp_path, 'title = "Tiny"\n', ""), "missing field 'title'")


def test_rejects_wrong_type(tmp_path):
    rejects(
        variant(tmp_path, "version = 1", 'version = "1"'),
        "field 'version' must be an integer, got string",
    )


def test_rejects_boolean_for_integer(tmp_path):
    rejects(
        variant(tmp_path, "minutes = 3", "minutes = true"),
        "field 'minutes' must be an integer, got boolean",
    )


def test_rejects_table_for_string(tmp_path):
    rejects(
        variant(tmp_path, 'intro = "Two items per dimension."', "intro = {text = 'Hi'}"),
        "field 'intro' must be a string, got table",
    )


def test_rejects_blank_string(tmp_path):
    rejects(variant(tmp_path, 'title = "Tiny"', 'title = "  "'), "field 'title' must not be empty")


def test_rejects_bad_key(tmp_path):
    rejects(
        variant(tmp_path, 'key = "tiny"', 'key = "Tiny Survey"'),
        "field 'key' must be lowercase words joined by hyphens, got 'Tiny Survey'",
    )


def test_rejects_version_zero(tmp_path):
    rejects(
        variant(tmp_path, "version = 1", "version = 0"),
        "field 'version' must be at least 1, got 0",
    )


def test_rejects_bad_language(tmp_path):
    rejects(
        variant(tmp_path, 'language = "en"', 'language = "English"'),
        "field 'language' must be a language tag such as 'en', got 'English'",
    )


def test_rejects_unknown_audience(tmp_path):
    rejects(
        variant(tmp_path, 'audience = "rep"', 'audience = "customer"'),
        "field 'audience' must be one of 'rep', 'manager', got 'customer'",
    )


def test_rejects_zero_minutes(tmp_path):
    rejects(
        variant(tmp_path, "minutes = 3", "minutes = 0"),
        "field 'minutes' must be at least 1, got 0",
    )


@pytest.mark.parametrize("share", ["0", "-0.5", "1.5"])
def test_rejects_answered_share_outside_zero_to_one(tmp_path, share):
    rejects(
        variant(tmp_path, "min_answered_share = 0.5", f"min_answered_share = {share}"),
        f"field 'min_answered_share' must be above 0 and at most 1, got {share}",
    )


def test_accepts_answered_share_of_one_written_as_integer(tmp_path):
    path = variant(tmp_path, "min_answered_share = 0.5", "min_answered_share = 1")
    assert load_questionnaire(path).min_answered_share == 1.0


# The scale


def test_rejects_scale_with_min_not_below_max(tmp_path):
    rejects(
        variant(tmp_path, "min = 1\nmax = 7", "min = 7\nmax = 1"),
        "scale: min (7) must be less than max (1)",
    )


def test_rejects_scale_with_wrong_number_of_labels(tmp_path):
    rejects(
        variant(tmp_path, '"sa", "A", "SA"]', '"SA"]'),
        "scale: 5 labels for 7 points (1 to 7)",
    )


def test_rejects_scale_with_duplicate_label(tmp_path):
    rejects(variant(tmp_path, '"sd", "N"', '"D", "N"'), "scale: duplicate label 'D'")


def test_rejects_scale_label_of_wrong_type(tmp_path):
    rejects(
        variant(tmp_path, '"sd", "N"', '3, "N"'),
        "scale: field 'labels[3]' must be a string, got integer",
    )


def test_rejects_unknown_scale_field(tmp_path):
    rejects(
        variant(tmp_path, "max = 7\n", "max = 7\nsteps = 7\n"),
        "scale: unknown field 'steps' (expected one of min, max, labels)",
    )


# Dimensions


def test_rejects_unknown_dimension_key(tmp_path):
    rejects(
        variant(tmp_path, 'key = "change"', 'key = "agility"'),
        "dimension 'agility': field 'key' must be one of 'motivation', 'responsibility',"
        " 'cooperation', 'management', 'change', 'incentives', got 'agility'",
    )


def test_rejects_duplicate_dimension(tmp_path):
    rejects(
        variant(tmp_path, 'key = "change"', 'key = "motivation"'),
        "dimension 'motivation': duplicate key",
    )


def test_rejects_dimensions_missing_or_out_of_order(tmp_path):
    moved = MINIMAL.replace(_dimension("motivation"), "").replace(
        _dimension("incentives"), _dimension("incentives") + _dimension("motivation")
    )
    rejects(
        write(tmp_path, moved),
        "dimensions must be motivation, responsibility, cooperation, management, change,"
        " incentives in this order, got responsibility, cooperation, management, change,"
        " incentives, motivation",
    )


def test_rejects_dimension_without_sources(tmp_path):
    rejects(
        variant(tmp_path, 'sources = ["A paper on change."]', "sources = []"),
        "dimension 'change': field 'sources' must not be empty",
    )


def test_rejects_dimension_without_key_by_position(tmp_path):
    rejects(
        variant(tmp_path, 'key = "change"\n', ""),
        "dimension #5: missing field 'key'",
    )


def test_rejects_dimension_without_items(tmp_path):
    text = MINIMAL
    for number in (1, 2):
        keyed = "purpose" if number == 1 else "contractual"
        text = text.replace(
            _item(f"cha{number}", "change", keyed, f"Statement {number} on change."), ""
        )
    rejects(write(tmp_path, text), "dimension 'change': has no items")


def test_rejects_dimension_with_all_items_keyed_one_way(tmp_path):
    rejects(
        variant(
            tmp_path,
            'keyed = "contractual"\ntext = "Statement 2 on change."',
            'keyed = "purpose"\ntext = "Statement 2 on change."',
        ),
        "dimension 'change': all 2 'self' items are keyed 'purpose';"
        " key at least one towards 'contractual'",
    )


def test_rejects_perspective_with_all_items_keyed_one_way(tmp_path):
    team_items = _item("mot3", "motivation", "contractual", "Team one.") + _item(
        "mot4", "motivation", "contractual", "Team two."
    )
    path = write(
        tmp_path, MINIMAL + team_items.replace("[[items]]", '[[items]]\nperspective = "team"')
    )
    rejects(
        path,
        "dimension 'motivation': all 2 'team' items are keyed 'contractual';"
        " key at least one towards 'purpose'",
    )


# Items


def test_rejects_unknown_item_field(tmp_path):
    rejects(
        variant(tmp_path, 'id = "mot1"\ndimension', 'id = "mot1"\ndimesion'),
        "item 'mot1': unknown field 'dimesion'"
        " (expected one of id, text, dimension, keyed, perspective, not_applicable)",
    )


def test_rejects_item_missing_field(tmp_path):
    rejects(
        variant(tmp_path, 'text = "Statement 1 on motivation."\n', ""),
        "item 'mot1': missing field 'text'",
    )


def test_rejects_item_without_id_by_position(tmp_path):
    rejects(variant(tmp_path, 'id = "res1"\n', ""), "item #2: missing field 'id'")


def test_rejects_item_id_of_wrong_type(tmp_path):
    rejects(
        variant(tmp_path, 'id = "res1"', "id = 7"),
        "item #2: field 'id' must be a string, got integer",
    )


def test_rejects_bad_item_id(tmp_path):
    rejects(
        variant(tmp_path, 'id = "res1"', 'id = "Res 1"'),
        "item 'Res 1': field 'id' must be a lowercase letter followed by lowercase letters,"
        " digits or underscores, got 'Res 1'",
    )


def test_rejects_duplicate_item_id(tmp_path):
    rejects(variant(tmp_path, 'id = "res2"', 'id = "res1"'), "item 'res1': duplicate id")


def test_rejects_unknown_dimension_of_item(tmp_path):
    rejects(
        variant(
            tmp_path, 'id = "mot1"\ndimension = "motivation"', 'id = "mot1"\ndimension = "motiv"'
        ),
        "item 'mot1': unknown dimension 'motiv'",
    )


def test_rejects_unknown_pole(tmp_path):
    rejects(
        variant(
            tmp_path,
            'keyed = "purpose"\ntext = "Statement 1 on motivation."',
            'keyed = "positive"\ntext = "Statement 1 on motivation."',
        ),
        "item 'mot1': field 'keyed' must be one of 'contractual', 'purpose', got 'positive'",
    )


def test_rejects_unknown_perspective(tmp_path):
    rejects(
        variant(tmp_path, 'id = "mot1"\n', 'id = "mot1"\nperspective = "boss"\n'),
        "item 'mot1': field 'perspective' must be one of 'self', 'team', 'climate', got 'boss'",
    )


def test_rejects_duplicate_item_text(tmp_path):
    rejects(
        variant(tmp_path, '"Statement 2 on motivation."', '" Statement 1 on  motivation."'),
        "item 'mot2': same text as item 'mot1'",
    )


def test_rejects_empty_item_list(tmp_path):
    without_items = MINIMAL.split("\n[[items]]")[0]
    path = write(tmp_path, without_items.replace("minutes = 3\n", "minutes = 3\nitems = []\n"))
    rejects(path, "field 'items' must not be empty")


# The ladder and the cooperation map


@pytest.mark.parametrize(("low", "high"), [(0, 3), (4, 3), (1, 6)])
def test_rejects_ladder_rungs_out_of_range(tmp_path, low, high):
    rejects(
        variant(tmp_path, "min_rungs = 1\nmax_rungs = 5", f"min_rungs = {low}\nmax_rungs = {high}"),
        "ladder: rungs must satisfy 1 <= min_rungs <= max_rungs <= 5,"
        f" got min_rungs {low} and max_rungs {high}",
    )


def test_rejects_ladder_without_room_for_words(tmp_path):
    rejects(
        variant(tmp_path, "max_words = 200", "max_words = 0"),
        "ladder: field 'max_words' must be at least 1, got 0",
    )


def test_rejects_unknown_ladder_field(tmp_path):
    rejects(
        variant(tmp_path, "max_words = 200", "max_word = 200"),
        "ladder: unknown field 'max_word' (expected one of question, follow_up, min_rungs,"
        " max_rungs, max_words, targets)",
    )


def test_rejects_ladder_target_with_unknown_pole(tmp_path):
    rejects(
        variant(
            tmp_path,
            'label = "Customers"\npole = "purpose"',
            'label = "Customers"\npole = "planet"',
        ),
        "ladder target 'customers': field 'pole' must be one of 'contractual', 'purpose',"
        " got 'planet'",
    )


def test_rejects_duplicate_ladder_target(tmp_path):
    rejects(
        variant(tmp_path, 'key = "customers"', 'key = "pay"'), "ladder: duplicate target key 'pay'"
    )


def test_rejects_ladder_with_one_pole_only(tmp_path):
    rejects(
        variant(
            tmp_path,
            'label = "Customers"\npole = "purpose"',
            'label = "Customers"\npole = "contractual"',
        ),
        "ladder: no target has pole 'purpose'",
    )


def test_rejects_ladder_target_missing_label(tmp_path):
    rejects(
        variant(tmp_path, 'label = "My pay"\n', ""), "ladder target 'pay': missing field 'label'"
    )


def test_rejects_cooperation_map_without_teams(tmp_path):
    rejects(
        variant(tmp_path, "max_teams = 5", "max_teams = 0"),
        "cooperation: field 'max_teams' must be at least 1, got 0",
    )


def test_rejects_duplicate_cooperation_direction(tmp_path):
    rejects(
        variant(tmp_path, 'key = "given"', 'key = "received"'),
        "cooperation: duplicate direction key 'received'",
    )


def test_rejects_unknown_cooperation_direction_field(tmp_path):
    rejects(
        variant(tmp_path, 'label = "I gave help to"', 'label = "I gave help to"\nicon = "out"'),
        "cooperation direction 'given': unknown field 'icon' (expected one of key, label)",
    )


# A directory of files


def test_load_directory_rejects_the_same_key_and_version_twice(tmp_path):
    write(tmp_path, MINIMAL, name="a.toml")
    second = write(tmp_path, MINIMAL + "# edited\n", name="b.toml")
    with pytest.raises(QuestionnaireError) as caught:
        load_directory(tmp_path)
    assert str(caught.value) == (
        f"{second}: questionnaire 'tiny' version 1 is already defined in a.toml"
    )


def test_load_directory_rejects_a_missing_directory(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(QuestionnaireError) as caught:
        load_directory(missing)
    assert str(caught.value) == f"{missing}: not a directory"


def test_load_directory_names_the_bad_file(tmp_path):
    bad = write(tmp_path, MINIMAL.replace('title = "Tiny"\n', ""))
    with pytest.raises(QuestionnaireError) as caught:
        load_directory(tmp_path)
    assert str(caught.value) == f"{bad}: missing field 'title'"


# Items that may not apply


def _with(items: str, **fields: str) -> str:
    """``items`` with each of ``fields`` (TOML values as written) added to every item."""
    added = "".join(f"\n{name} = {value}" for name, value in fields.items())
    return items.replace("[[items]]", "[[items]]" + added)


def _may_not_apply(text: str, *item_ids: str) -> str:
    """``text`` with ``not_applicable = true`` added to the items ``item_ids``."""
    for item_id in item_ids:
        assert text.count(f'id = "{item_id}"\n') == 1, item_id
        text = text.replace(f'id = "{item_id}"\n', f'id = "{item_id}"\nnot_applicable = true\n')
    return text


def test_not_applicable_defaults_to_false_and_is_read(tmp_path):
    questionnaire = load_questionnaire(write(tmp_path, _may_not_apply(MINIMAL, "mot1")))
    assert questionnaire.item("mot1").not_applicable is True
    assert questionnaire.item("mot2").not_applicable is False


@pytest.mark.parametrize(("value", "toml_type"), [('"yes"', "string"), ("1", "integer")])
def test_rejects_not_applicable_that_is_not_a_boolean(tmp_path, value, toml_type):
    rejects(
        variant(tmp_path, 'id = "mot1"\n', f'id = "mot1"\nnot_applicable = {value}\n'),
        f"item 'mot1': field 'not_applicable' must be a boolean, got {toml_type}",
    )


def test_rejects_more_items_that_may_not_apply_than_the_share_allows(tmp_path):
    rejects(
        write(tmp_path, _may_not_apply(MINIMAL, "mot1", "mot2")),
        "dimension 'motivation': 2 of 2 'self' items may be not applicable; at most 1 may be,"
        " so that answering the others always gives a score (min_answered_share 0.5)",
    )


def test_a_share_of_one_allows_no_item_that_may_not_apply(tmp_path):
    text = MINIMAL.replace("min_answered_share = 0.5", "min_answered_share = 1")
    rejects(
        write(tmp_path, _may_not_apply(text, "res1")),
        "dimension 'responsibility': 1 of 2 'self' items may be not applicable; at most 0 may"
        " be, so that answering the others always gives a score (min_answered_share 1)",
    )


TEN_ON_MOTIVATION = MINIMAL.replace(
    "min_answered_share = 0.5", "min_answered_share = 0.7"
) + "".join(
    _item(f"mot{number}", "motivation", ("purpose", "contractual")[number % 2], f"Extra {number}.")
    for number in range(3, 11)
)
"""Ten motivation items and a share of 0.7: 0.7 x 10 is 7.000000000000001 in floating point,
and the scoring asks for 7 answers, so 3 items may not apply."""


def test_the_limit_counts_the_share_as_the_scoring_does(tmp_path):
    questionnaire = load_questionnaire(
        write(tmp_path, _may_not_apply(TEN_ON_MOTIVATION, "mot1", "mot2", "mot3"))
    )
    answers = np.array([[np.nan if item.not_applicable else 4.0 for item in questionnaire.items]])
    arguments = (questionnaire.item_dimension_index(), 6, questionnaire.reversed_mask(), 1, 7, 0.7)
    assert not np.isnan(dimension_scores(answers, *arguments)).any()
    answers[0, questionnaire.item_index["mot4"]] = np.nan
    assert np.isnan(dimension_scores(answers, *arguments)[0, 0])


def test_rejects_one_item_that_may_not_apply_beyond_the_limit(tmp_path):
    rejects(
        write(tmp_path, _may_not_apply(TEN_ON_MOTIVATION, "mot1", "mot2", "mot3", "mot4")),
        "dimension 'motivation': 4 of 10 'self' items may be not applicable; at most 3 may"
        " be, so that answering the others always gives a score (min_answered_share 0.7)",
    )


# How the respondent is managed: the climate perspective

CLIMATE = _with(
    _item("clm1", "management", "purpose", "My manager explains why.")
    + _item("clm2", "management", "contractual", "My manager says how."),
    perspective='"climate"',
)


def test_climate_items_are_read_in_a_rep_file(tmp_path):
    questionnaire = load_questionnaire(write(tmp_path, _may_not_apply(MINIMAL + CLIMATE, "clm2")))
    assert questionnaire.has_climate
    assert [item.id for item in questionnaire.items_of("climate")] == ["clm1", "clm2"]
    assert len(questionnaire.items_of("self")) == 12
    assert questionnaire.items_of("team") == ()
    management = questionnaire.dimensions[DIMENSION_KEYS.index("management")]
    assert [item.id for item in management.items] == ["man1", "man2", "clm1", "clm2"]
    assert not load_questionnaire(write(tmp_path, MINIMAL)).has_climate


def test_rejects_climate_items_in_a_manager_file(tmp_path):
    text = MINIMAL.replace('audience = "rep"', 'audience = "manager"') + CLIMATE
    rejects(
        write(tmp_path, text),
        "item 'clm1': perspective 'climate' is only for audience 'rep', not 'manager'",
    )


def test_rejects_climate_items_keyed_one_way(tmp_path):
    text = MINIMAL + CLIMATE.replace('keyed = "contractual"', 'keyed = "purpose"')
    rejects(
        write(tmp_path, text),
        "dimension 'management': all 2 'climate' items are keyed 'purpose';"
        " key at least one towards 'contractual'",
    )


def test_rejects_a_dimension_with_climate_items_only(tmp_path):
    text = MINIMAL + CLIMATE
    for number, keyed in ((1, "purpose"), (2, "contractual")):
        text = text.replace(
            _item(f"man{number}", "management", keyed, f"Statement {number} on management."), ""
        )
    rejects(write(tmp_path, text), "dimension 'management': has no 'self' items")


def test_every_climate_item_may_not_apply(tmp_path):
    """Climate is never the respondent's own result: "don't know" on all of it is honest."""
    text = MINIMAL.replace("min_answered_share = 0.5", "min_answered_share = 1")
    questionnaire = load_questionnaire(
        write(tmp_path, text + _with(CLIMATE, not_applicable="true"))
    )
    assert all(item.not_applicable for item in questionnaire.items_of("climate"))


def test_the_limit_on_items_that_may_not_apply_holds_per_perspective(tmp_path):
    self_skippable = _may_not_apply(MINIMAL, "man1")
    assert load_questionnaire(
        write(tmp_path, self_skippable + _with(CLIMATE, not_applicable="true"))
    )
    rejects(
        write(tmp_path, _may_not_apply(MINIMAL + CLIMATE, "man1", "man2")),
        "dimension 'management': 2 of 2 'self' items may be not applicable; at most 1 may"
        " be, so that answering the others always gives a score (min_answered_share 0.5)",
    )


def test_the_limit_holds_for_a_managers_team_items(tmp_path):
    team = _with(
        _item("man3", "management", "purpose", "In my team, people want the why.")
        + _item("man4", "management", "contractual", "In my team, people want the how."),
        perspective='"team"',
    )
    manager = MINIMAL.replace('audience = "rep"', 'audience = "manager"') + team
    rejects(
        write(tmp_path, _may_not_apply(manager, "man3", "man4")),
        "dimension 'management': 2 of 2 'team' items may be not applicable; at most 1 may"
        " be, so that answering the others always gives a score (min_answered_share 0.5)",
    )


# The crosswalk to an earlier version

NEWER = MINIMAL.replace("version = 1", "version = 2")


def _crosswalk(*pairs: str, version: int = 1) -> str:
    """A [crosswalk] table from ``'new = "old"'`` lines."""
    return f"\n[crosswalk]\nversion = {version}\n\n[crosswalk.items]\n" + "\n".join(pairs) + "\n"


def test_crosswalk_is_read_into_a_read_only_mapping(tmp_path):
    text = NEWER + _crosswalk('res1 = "res1"', 'mot1 = "mot9"')
    questionnaire = load_questionnaire(write(tmp_path, text, name="tiny-v2.toml"))
    assert questionnaire.crosswalk == Crosswalk(version=1, items={"res1": "res1", "mot1": "mot9"})
    with pytest.raises(TypeError):
        questionnaire.crosswalk.items["mot2"] = "mot2"  # type: ignore[index]
    assert hash(questionnaire) == hash(dataclasses.replace(questionnaire))
    assert load_questionnaire(write(tmp_path, MINIMAL)).crosswalk is None
    pairs = {"mot1": "mot1"}
    built = Crosswalk(version=1, items=pairs)
    pairs["mot2"] = "mot2"
    assert dict(built.items) == {"mot1": "mot1"}


@pytest.mark.parametrize("version", [2, 3])
def test_rejects_crosswalk_to_a_version_that_is_not_earlier(tmp_path, version):
    rejects(
        write(tmp_path, NEWER + _crosswalk('mot1 = "mot1"', version=version)),
        f"crosswalk: field 'version' must be an earlier version than this file's (2),"
        f" got {version}",
    )


def test_rejects_crosswalk_with_an_item_not_in_the_file(tmp_path):
    rejects(
        write(tmp_path, NEWER + _crosswalk('mot1 = "mot1"', 'mot9 = "mot2"')),
        "crosswalk: item 'mot9' is not in this file",
    )


def test_rejects_crosswalk_that_is_not_one_to_one(tmp_path):
    rejects(
        write(tmp_path, NEWER + _crosswalk('mot1 = "mot1"', 'mot2 = "mot1"')),
        "crosswalk: items 'mot1' and 'mot2' both map to 'mot1'; the mapping must be one-to-one",
    )


def test_rejects_crosswalk_id_that_is_not_a_string(tmp_path):
    rejects(
        write(tmp_path, NEWER + _crosswalk("mot1 = 1")),
        "crosswalk: field 'items.mot1' must be a string, got integer",
    )


def test_rejects_empty_crosswalk(tmp_path):
    rejects(write(tmp_path, NEWER + _crosswalk()), "crosswalk: field 'items' must not be empty")


def test_rejects_unknown_crosswalk_field(tmp_path):
    rejects(
        write(tmp_path, NEWER + _crosswalk('mot1 = "mot1"').replace("version", "versions")),
        "crosswalk: unknown field 'versions' (expected one of version, items)",
    )


def _two_versions(tmp_path: Path, newer: str) -> Path:
    """Write MINIMAL as version 1 and ``newer`` as version 2; return the newer file."""
    write(tmp_path, MINIMAL)
    return write(tmp_path, newer, name="tiny-v2.toml")


def test_load_directory_accepts_a_crosswalk_of_identical_items(tmp_path):
    rewrapped = NEWER.replace('"Statement 1 on motivation."', '"""Statement 1\n  on motivation."""')
    _two_versions(tmp_path, rewrapped + _crosswalk('res1 = "res1"', 'mot1 = "mot1"'))
    loaded = load_directory(tmp_path)
    newer, older = loaded["tiny", 2], loaded["tiny", 1]
    assert common_items(newer, older) == (("mot1", "mot1"), ("res1", "res1"))
    assert common_items(older, newer) == ()
    assert common_items(older, older) == tuple((item.id, item.id) for item in older.items)


def test_common_items_of_unrelated_questionnaires_is_empty(tmp_path):
    newer = load_questionnaire(write(tmp_path, NEWER + _crosswalk('mot1 = "mot1"')))
    other = load_questionnaire(write(tmp_path, MINIMAL.replace('key = "tiny"', 'key = "other"')))
    assert common_items(newer, other) == ()
    third = load_questionnaire(write(tmp_path, MINIMAL.replace("version = 1", "version = 3")))
    assert common_items(third, newer) == ()


def test_load_directory_rejects_a_crosswalk_to_a_missing_version(tmp_path):
    newer = write(tmp_path, NEWER + _crosswalk('mot1 = "mot1"'), name="tiny-v2.toml")
    with pytest.raises(QuestionnaireError) as caught:
        load_directory(tmp_path)
    assert str(caught.value) == f"{newer}: crosswalk: version 1 of 'tiny' is not in {tmp_path}"


def test_load_directory_rejects_a_crosswalk_to_an_unknown_earlier_item(tmp_path):
    newer = _two_versions(tmp_path, NEWER + _crosswalk('mot1 = "mot9"'))
    with pytest.raises(QuestionnaireError) as caught:
        load_directory(tmp_path)
    assert str(caught.value) == (
        f"{newer}: crosswalk: item 'mot1' maps to 'mot9', which is not an item of tiny-v1.toml"
    )


EXTRA = _item("mot3", "motivation", "purpose", "Extra purpose.") + _item(
    "mot4", "motivation", "contractual", "Extra contractual."
)
SWAPPED = _item("mot3", "motivation", "contractual", "Extra purpose.") + _item(
    "mot4", "motivation", "purpose", "Extra contractual."
)


@pytest.mark.parametrize(
    ("older", "newer", "mapped", "difference"),
    [
        (
            MINIMAL,
            NEWER.replace('"Statement 1 on motivation."', '"Statement one."'),
            "mot1",
            "text: 'Statement one.' here, 'Statement 1 on motivation.' there",
        ),
        (MINIMAL + EXTRA, NEWER + SWAPPED, "mot3", "keyed: 'contractual' here, 'purpose' there"),
        (
            MINIMAL + EXTRA,
            NEWER + _with(EXTRA, perspective='"climate"'),
            "mot3",
            "perspective: 'climate' here, 'self' there",
        ),
        (
            MINIMAL,
            _may_not_apply(NEWER, "mot1"),
            "mot1",
            "not_applicable: True here, False there",
        ),
    ],
    ids=["text", "keyed", "moved to climate", "may not apply"],
)
def test_load_directory_rejects_a_crosswalk_of_items_that_differ(
    tmp_path, older, newer, mapped, difference
):
    write(tmp_path, older)
    newer_path = write(tmp_path, newer + _crosswalk(f'{mapped} = "{mapped}"'), name="tiny-v2.toml")
    with pytest.raises(QuestionnaireError) as caught:
        load_directory(tmp_path)
    assert str(caught.value) == (
        f"{newer_path}: crosswalk: item '{mapped}' is not identical to item '{mapped}'"
        f" of tiny-v1.toml ({difference})"
    )


@pytest.mark.parametrize(
    ("old", "new", "difference"),
    [
        (
            'labels = ["SD", "D", "sd", "N", "sa", "A", "SA"]',
            'labels = ["SD", "D", "sd", "N", "sa", "A", "Fully agree"]',
            "scale: 1 to 7 ('SD', 'D', 'sd', 'N', 'sa', 'A', 'Fully agree') here,"
            " 1 to 7 ('SD', 'D', 'sd', 'N', 'sa', 'A', 'SA') there",
        ),
        (
            'max = 7\nlabels = ["SD", "D", "sd", "N", "sa", "A", "SA"]',
            'max = 5\nlabels = ["SD", "D", "N", "A", "SA"]',
            "scale: 1 to 5 ('SD', 'D', 'N', 'A', 'SA') here,"
            " 1 to 7 ('SD', 'D', 'sd', 'N', 'sa', 'A', 'SA') there",
        ),
        (
            "min = 1\nmax = 7",
            "min = 0\nmax = 6",
            "scale: 0 to 6 ('SD', 'D', 'sd', 'N', 'sa', 'A', 'SA') here,"
            " 1 to 7 ('SD', 'D', 'sd', 'N', 'sa', 'A', 'SA') there",
        ),
        (
            "min_answered_share = 0.5",
            "min_answered_share = 0.75",
            "min_answered_share: 0.75 here, 0.5 there",
        ),
    ],
    ids=["labels", "max", "min", "min_answered_share"],
)
def test_load_directory_rejects_a_crosswalk_between_files_that_score_differently(
    tmp_path, old, new, difference
):
    """The shared items give the same index in either file only if both score them alike."""
    assert NEWER.count(old) == 1, old
    newer = _two_versions(tmp_path, NEWER.replace(old, new) + _crosswalk('mot1 = "mot1"'))
    with pytest.raises(QuestionnaireError) as caught:
        load_directory(tmp_path)
    assert str(caught.value) == (
        f"{newer}: crosswalk: tiny-v2.toml and tiny-v1.toml score answers differently"
        f" ({difference}); a crosswalk needs the same scale and min_answered_share in both files"
    )


def test_the_shipped_crosswalks_link_files_that_score_alike():
    loaded = load_directory()
    for questionnaire in loaded.values():
        if questionnaire.crosswalk is not None:
            older = loaded[questionnaire.key, questionnaire.crosswalk.version]
            assert questionnaire.scale == older.scale
            assert questionnaire.min_answered_share == older.min_answered_share
