"""How many answered in each language, in a wave's final release: published, withheld, never
derivable, never stuffed through a team link."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, update

from survey.models import Response
from survey.releases.audit import DEFAULT_LANGUAGE, release_groups
from survey.releases.store import remember_erased
from tests.disclosure_oracle import audit
from tests.factories.confidential import (
    PairedWorld,
    answer,
    answer_at_random,
    behind,
    build,
    published_groups,
    release,
)

K = 5
TREE = {"Org": None, "North": "Org", "South": "Org", "West": "Org"}


@pytest.fixture(autouse=True)
def _context(app):
    with app.app_context():
        yield


def speak(dbs, ids: list[int], code: str | None, said: dict[int, str]) -> None:
    """Mark responses ``ids`` as answered in ``code`` (None: before languages were recorded)."""
    dbs.execute(update(Response).where(Response.id.in_(ids)).values(language=code))
    dbs.commit()
    said.update({r: code or DEFAULT_LANGUAGE for r in ids})


def every_group(world: PairedWorld, said: dict[int, str]) -> dict[tuple, frozenset]:
    """Every group the stored payloads published (team cells, pairs and language groups), as
    the responses behind it."""
    groups = published_groups(world)
    for (wave, seq), payload in world.payloads.items():
        tree, members = world.releases[(wave, seq)]
        for row in (payload.get("languages") or {}).get("published", ()):
            groups[("language", wave, seq, row["language"])] = frozenset(
                r
                for r in members
                if world.answers[r].role == "rep"
                and world.answers[r].team in tree
                and said.get(r, DEFAULT_LANGUAGE) == row["language"]
            )
    return groups


def codes(payload: dict) -> list[str]:
    return [row["language"] for row in payload["languages"]["published"]]


def test_language_groups_are_published_when_each_has_k_or_more(dbs):
    world = build(dbs, TREE, 1)
    wave = world.waves[0]
    said: dict[int, str] = {}
    for team, seed in (("North", 1), ("South", 2)):
        speak(dbs, answer_at_random(dbs, world, wave, team, 3, seed), "fr", said)
        speak(dbs, answer_at_random(dbs, world, wave, team, 3, seed + 10), None, said)
    made = release(dbs, world, wave, final=True)
    # Counts only: a mean by language would let the response-level exports be searched for
    # the rows answered in it.
    assert made.payload["languages"] == {
        "mixed": True,
        "published": [{"language": "en", "n": 6}, {"language": "fr", "n": 6}],
    }
    assert release_groups(made).languages == ("en", "fr")
    assert audit(every_group(world, said), K) is None


def test_a_language_under_k_is_withheld_and_so_is_one_that_would_give_it_away(dbs):
    world = build(dbs, TREE, 1)
    wave = world.waves[0]
    said: dict[int, str] = {}
    speak(dbs, answer_at_random(dbs, world, wave, "North", 5, 1), "fr", said)
    speak(dbs, answer_at_random(dbs, world, wave, "North", 1, 2), "de", said)
    speak(dbs, answer_at_random(dbs, world, wave, "South", 5, 3), "fr", said)
    made = release(dbs, world, wave, final=True)
    # German has 1 answer: never a candidate, and one language alone is not a breakdown; not
    # even "answers came in another language too" is said, which rests on one answer.
    assert made.payload["languages"] == {"mixed": False, "published": []}
    assert audit(every_group(world, said), K) is None


def test_one_language_publishes_nothing_to_break_down(dbs):
    world = build(dbs, TREE, 1)
    wave = world.waves[0]
    said: dict[int, str] = {}
    speak(dbs, answer_at_random(dbs, world, wave, "North", 6, 1), "es", said)
    made = release(dbs, world, wave, final=True)
    assert made.payload["languages"] == {"mixed": False, "published": []}


def test_too_few_answers_say_nothing_about_languages(dbs):
    world = build(dbs, TREE, 1)
    wave = world.waves[0]
    said: dict[int, str] = {}
    speak(dbs, answer_at_random(dbs, world, wave, "North", 2, 1), "fr", said)
    speak(dbs, answer_at_random(dbs, world, wave, "North", 1, 2), "de", said)
    made = release(dbs, world, wave, final=True)
    assert made.payload["languages"] == {"mixed": False, "published": []}


def test_interim_releases_publish_no_language_groups(dbs):
    world = build(dbs, TREE, 1)
    wave = world.waves[0]
    said: dict[int, str] = {}
    speak(dbs, answer_at_random(dbs, world, wave, "North", 6, 1), "fr", said)
    speak(dbs, answer_at_random(dbs, world, wave, "South", 6, 2), "de", said)
    made = release(dbs, world, wave, final=False)
    assert "languages" not in made.payload
    assert release_groups(made).languages == ()


def test_the_one_german_answer_cannot_be_worked_out(dbs):
    """North: k reps, one German, the rest French; South all French; West in English. Across
    an interim and a final release, an erasure and the next wave's final release (paired with
    this one), nothing published singles out the German answer, nor any fewer than k."""
    world = build(dbs, TREE, 2)
    first, second = world.waves
    said: dict[int, str] = {}
    north = [f"n{i}" for i in range(K)]
    south = [f"s{i}" for i in range(K)]
    west = [f"w{i}" for i in range(K)]
    speak(dbs, answer(dbs, world, first, "North", north[1:], 1), "fr", said)
    speak(dbs, answer(dbs, world, first, "South", south, 1), "fr", said)
    speak(dbs, answer(dbs, world, first, "West", west[:3], 1), "en", said)
    release(dbs, world, first, final=False)
    [german] = answer(dbs, world, first, "North", north[:1], 1)
    speak(dbs, [german], "de", said)
    speak(dbs, answer(dbs, world, first, "West", west[3:], 1), "en", said)
    final = release(dbs, world, first, final=True)
    assert "de" not in codes(final.payload)
    groups = every_group(world, said)
    assert audit(groups, K) is None
    assert all(german not in members or len(members) >= K for members in groups.values())

    # The German rep is erased; the next wave pairs with this one and is audited against it.
    remember_erased(dbs, Response.respondent_key == north[0])
    dbs.execute(delete(Response).where(Response.respondent_key == north[0]))
    dbs.commit()
    world.alive.discard(german)
    for team, keys in (("North", north[1:]), ("South", south), ("West", west)):
        speak(dbs, answer(dbs, world, second, team, keys, 2), "fr", said)
    release(dbs, world, second, final=True)
    assert audit(every_group(world, said), K) is None


def test_the_auditor_withholds_languages_that_team_groups_would_expose(dbs):
    """West (5, English) is a team group; French and English together would leave the one
    German answer as the organisation minus both: the auditor must not publish both."""
    world = build(dbs, TREE, 1)
    wave = world.waves[0]
    said: dict[int, str] = {}
    speak(dbs, answer_at_random(dbs, world, wave, "North", 4, 1), "fr", said)
    speak(dbs, answer_at_random(dbs, world, wave, "North", 1, 2), "de", said)
    speak(dbs, answer_at_random(dbs, world, wave, "South", 5, 3), "fr", said)
    speak(dbs, answer_at_random(dbs, world, wave, "West", 5, 4), "en", said)
    made = release(dbs, world, wave, final=True)
    assert made.payload["published"]["rep"]  # team groups stay as the team audit decided
    assert set(codes(made.payload)) < {"en", "fr"}
    groups = every_group(world, said)
    assert audit(groups, K) is None
    org = behind(world, wave.id, made.seq, world.teams["Org"].id)
    assert len(org) == 15
    # The test has teeth: both languages with the team groups would give the German answer.
    both = {
        ("language", code): frozenset(r for r, c in said.items() if c == code)
        for code in ("en", "fr")
    }
    found = audit({**groups, **both}, K)
    assert found is not None and found.responses == 1


def test_team_link_answers_never_fill_a_language_group(dbs):
    """Four Spanish answers through a team link that someone sent knowing what they wrote, and
    one Spanish answer through a personal link: Spanish has one counted answer, so nothing is
    published that the four known answers could be subtracted from."""
    world = build(dbs, TREE, 1)
    wave = world.waves[0]
    said: dict[int, str] = {}
    speak(dbs, answer_at_random(dbs, world, wave, "North", 6, 1), "fr", said)
    speak(dbs, answer_at_random(dbs, world, wave, "South", 6, 2), "en", said)
    stuffed = answer_at_random(dbs, world, wave, "West", K - 1, 3)
    speak(dbs, stuffed, "es", said)
    dbs.execute(update(Response).where(Response.id.in_(stuffed)).values(channel="team_link"))
    dbs.commit()
    speak(dbs, answer_at_random(dbs, world, wave, "West", 1, 4), "es", said)
    made = release(dbs, world, wave, final=True)
    assert "es" not in codes(made.payload)
    for row in made.payload["languages"]["published"]:
        assert row["n"] == 6 and set(row) == {"language", "n"}
