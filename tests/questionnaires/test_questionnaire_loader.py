"""The loader: what a valid file becomes, and one test per rule that rejects a bad file."""

import dataclasses
import hashlib
from pathlib import Path

import pytest

from questionnaires import (
    DIMENSION_KEYS,
    Item,
    QuestionnaireError,
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
        " minutes, min_answered_share, scale, dimensions, items, ladder, cooperation)",
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
        " (expected one of id, text, dimension, keyed, perspective)",
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
        "item 'mot1': field 'perspective' must be one of 'self', 'team', got 'boss'",
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
