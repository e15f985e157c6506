"""Themes: document frequency of words over people, and counts of categories, each with an
example. Every expected count below is worked out by hand in the test's docstring."""

from __future__ import annotations

import pytest

from analysis.themes import NOT_SORTED, Recurring, terms, themes

STEPS = [
    "Customers come first, customers always",  # customers, come, first, always
    "My team hits its target",  # team, hits, target
    "The team helps customers",  # team, helps, customers
    "Customers and the planet",  # customers, planet
    "To pay my mortgage",  # pay, mortgage
]
CATEGORIES = ["customers", "team", None, "customers", "pay"]
PEOPLE = ["ann", "bo", "cy", "ann", "dee"]  # ann wrote steps 1 and 4


def test_terms_are_lowercased_runs_of_letters_without_stopwords_or_short_words():
    """The word "pay" (3 letters) stays; "my", "to", "it" are too short; "the", "and", "with" are
    stopwords; digits and punctuation split words."""
    assert terms("To pay my MORTGAGE, with the 2nd job-share and it") == {
        "pay",
        "mortgage",
        "job",
        "share",
    }


def test_recurring_words_count_each_person_once():
    """customers: steps 1 and 4 (both ann) and 3 (cy) = 2 people; team: steps 2 (bo) and 3 (cy)
    = 2 people; every other word is used by one person only, so it does not recur."""
    found = themes(STEPS, CATEGORIES, PEOPLE)
    assert found.words == [
        Recurring("customers", 2, STEPS[0]),
        Recurring("team", 2, STEPS[1]),
    ]


def test_one_person_repeating_a_name_on_every_step_is_no_theme():
    """ "Jordan" in three steps of one person: 1 person, below the 2 a theme needs."""
    steps = ["Jordan again", "because of Jordan", "Jordan decides"]
    assert themes(steps, [None, None, None], ["ann", "ann", "ann"]).words == []
    assert themes(steps, [None, None, None], ["ann", "bo", "ann"]).words == [
        Recurring("jordan", 2, steps[0])
    ]


def test_categories_are_all_counted_by_people_with_unsorted_ones_named():
    """customers: steps 1 and 4, both ann's = 1 person; team (bo), not sorted (cy) and pay (dee):
    1 each. All tie at 1, so alphabetical order: "Not sorted yet" < "customers" < "pay" <
    "team" (capitals sort first)."""
    found = themes(STEPS, CATEGORIES, PEOPLE)
    assert found.categories == [
        Recurring(NOT_SORTED, 1, STEPS[2]),
        Recurring("customers", 1, STEPS[0]),
        Recurring("pay", 1, STEPS[4]),
        Recurring("team", 1, STEPS[1]),
    ]


def test_only_the_top_words_are_kept_and_ties_go_alphabetically():
    """Three words in both steps each (alpha, beta, gamma): the top 2 are alpha and beta."""
    steps = ["alpha beta gamma", "gamma beta alpha"]
    found = themes(steps, [None, None], ["ann", "bo"], top=2)
    assert [(w.name, w.people) for w in found.words] == [("alpha", 2), ("beta", 2)]
    assert found.categories == [Recurring(NOT_SORTED, 2, steps[0])]


def test_nothing_in_nothing_out():
    assert themes([], [], []).words == [] and themes([], [], []).categories == []


def test_steps_categories_and_people_must_match():
    with pytest.raises(ValueError, match="same length"):
        themes(["one step"], [], ["ann"])
