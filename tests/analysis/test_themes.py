"""Themes: document frequency of words, and counts of categories, each with an example."""

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


def test_terms_are_lowercased_runs_of_letters_without_stopwords_or_short_words():
    """The word "pay" (3 letters) stays; "my", "to", "it" are too short; "the", "and", "with" are
    stopwords; digits and punctuation split words."""
    assert terms("To pay my MORTGAGE, with the 2nd job-share and it") == {
        "pay",
        "mortgage",
        "job",
        "share",
    }


def test_recurring_words_count_each_step_once():
    """customers: steps 1, 3 and 4 = 3 (twice in step 1, counted once); team: steps 2 and 3 =
    2; every other word is in one step only, so it does not recur."""
    found = themes(STEPS, CATEGORIES)
    assert found.words == [
        Recurring("customers", 3, STEPS[0]),
        Recurring("team", 2, STEPS[1]),
    ]


def test_categories_are_all_counted_with_unsorted_ones_named():
    """customers: steps 1 and 4 = 2; team, pay and not sorted (step 3): 1 each, ties in
    alphabetical order ("Not sorted yet" < "pay" < "team": capitals sort first)."""
    found = themes(STEPS, CATEGORIES)
    assert found.categories == [
        Recurring("customers", 2, STEPS[0]),
        Recurring(NOT_SORTED, 1, STEPS[2]),
        Recurring("pay", 1, STEPS[4]),
        Recurring("team", 1, STEPS[1]),
    ]


def test_only_the_top_words_are_kept_and_ties_go_alphabetically():
    """Three words in both steps each (alpha, beta, gamma): the top 2 are alpha and beta."""
    steps = ["alpha beta gamma", "gamma beta alpha"]
    found = themes(steps, [None, None], top=2)
    assert [(w.name, w.steps) for w in found.words] == [("alpha", 2), ("beta", 2)]
    assert found.categories == [Recurring(NOT_SORTED, 2, steps[0])]


def test_nothing_in_nothing_out():
    assert themes([], []).words == [] and themes([], []).categories == []


def test_steps_and_categories_must_match():
    with pytest.raises(ValueError, match="same length"):
        themes(["one step"], [])
