"""VERSIONS.md accounts for every item of each version and states the crosswalk as shipped."""

import re
from pathlib import Path

import pytest

from questionnaires import load_directory

VERSIONS = (Path(__file__).parents[2] / "questionnaires" / "VERSIONS.md").read_text(
    encoding="utf-8"
)
SHIPPED = load_directory()
CELLS = re.compile(r"^\| `(\w+)` \| (.*) \|$", re.M)


def table(heading: str) -> list[tuple[str, list[str]]]:
    """The rows under ``### heading``: the id in the first column and the other cells."""
    start = VERSIONS.index(f"\n### {heading}\n")
    end = VERSIONS.find("\n#", start + 1)
    rows = CELLS.findall(VERSIONS[start : end if end != -1 else None])
    return [(item_id, rest.split(" | ")) for item_id, rest in rows]


@pytest.mark.parametrize("key", ["rep-mindset", "manager-mindset"])
def test_every_version_1_item_is_accounted_for_once(key):
    older, newer = SHIPPED[key, 1], SHIPPED[key, 2]
    rows = table(f"{key}: Item by item")
    assert sorted(item_id for item_id, _ in rows) == sorted(item.id for item in older.items)
    for item_id, (text, fate, new_id, _why) in rows:
        assert text == older.item(item_id).text
        assert fate in (
            "kept identical",
            "kept, may now not apply",
            "rewritten",
            "moved to climate",
            "dropped",
        )
        assert (new_id == "-") == (fate == "dropped"), item_id
        if fate == "kept identical":
            assert newer.crosswalk is not None
            assert newer.crosswalk.items[new_id.strip("`")] == item_id
        elif fate != "dropped":
            assert new_id.strip("`") in newer.item_index, item_id


@pytest.mark.parametrize("key", ["rep-mindset", "manager-mindset"])
def test_the_crosswalk_table_is_the_shipped_crosswalk(key):
    crosswalk = SHIPPED[key, 2].crosswalk
    assert crosswalk is not None
    rows = table(f"{key}: Crosswalk")
    assert {new_id: old_id.strip("`") for new_id, (old_id,) in rows} == dict(crosswalk.items)
    assert len(rows) == len(crosswalk.items)


@pytest.mark.parametrize("key", ["rep-mindset", "manager-mindset"])
def test_every_other_version_2_item_is_listed_with_its_text(key):
    newer = SHIPPED[key, 2]
    assert newer.crosswalk is not None
    rows = table(f"{key}: Items of version 2 not in the crosswalk")
    listed = [item_id for item_id, _ in rows]
    assert sorted(listed) == sorted(
        item.id for item in newer.items if item.id not in newer.crosswalk.items
    )
    for item_id, (dimension, perspective, keyed, may_not_apply, text, _origin) in rows:
        item = newer.item(item_id)
        assert (dimension, perspective, keyed, text) == (
            item.dimension,
            item.perspective,
            item.keyed,
            item.text,
        )
        assert may_not_apply == ("yes" if item.not_applicable else "no")


def test_every_rep_version_2_item_is_in_the_version_3_crosswalk_or_the_origin_of_a_new_one():
    older, newer = SHIPPED["rep-mindset", 2], SHIPPED["rep-mindset", 3]
    assert newer.crosswalk is not None
    crosswalk = table("rep-mindset v3: Crosswalk")
    assert {new_id: old_id.strip("`") for new_id, (old_id,) in crosswalk} == dict(
        newer.crosswalk.items
    )
    others = table("rep-mindset v3: Items of version 3 not in the crosswalk")
    assert sorted(item_id for item_id, _ in crosswalk + others) == sorted(
        item.id for item in newer.items
    )
    accounted = [old_id.strip("`") for _, (old_id,) in crosswalk]
    accounted += [origin.strip("`") for _, (*_, origin) in others]
    assert sorted(accounted) == sorted(item.id for item in older.items)
    for item_id, (dimension, perspective, keyed, may_not_apply, text, origin) in others:
        item = newer.item(item_id)
        assert (dimension, perspective, keyed, text) == (
            item.dimension,
            item.perspective,
            item.keyed,
            item.text,
        )
        assert may_not_apply == ("yes" if item.not_applicable else "no")
        assert text == older.item(origin.strip("`")).text
