"""Team-link answers never lift a team that is also invited personally to k (analysis.channels)."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

import analysis.channels
from analysis.channels import effective_count, effective_counts
from analysis.privacy import suppress

counts = st.integers(min_value=0, max_value=60)
ks = st.integers(min_value=3, max_value=12)


def test_the_docstring_examples_hold():
    result = doctest.testmod(analysis.channels)
    assert result.attempted >= 5
    assert result.failed == 0


@given(counts, counts, ks, counts)
def test_never_more_than_the_answers_there_are(personal, team_link, k, invited):
    assert effective_count(personal, team_link, k, invited) <= personal + team_link


@given(counts, st.integers(min_value=1, max_value=60), ks, counts)
def test_team_link_answers_never_lift_a_personally_invited_team_to_k(
    personal, team_link, k, invited
):
    if personal < k and (personal > 0 or invited > 0):
        assert effective_count(personal, team_link, k, invited) < k


@given(counts, counts, ks, counts)
def test_personal_answers_always_count_in_full(personal, team_link, k, invited):
    assert effective_count(personal, team_link, k, invited) >= personal


def test_a_team_reached_by_team_links_only_counts_them_all():
    assert effective_count(0, 7, 5) == 7
    assert effective_count(0, 7, 5, invited=0) == 7


def test_the_stuffing_attack_is_hidden_by_the_suppression():
    """One real answer, four known ones through the team link: under k, so not shown."""
    parents = {"Sales": None, "Lyon": "Sales", "Nice": "Sales"}
    personal = {("Lyon", "w1"): 1, ("Nice", "w1"): 6}
    team_link = {("Lyon", "w1"): 4}
    own = effective_counts(personal, team_link, 5, invited={("Lyon", "w1"): 1})
    assert own == {("Lyon", "w1"): 1, ("Nice", "w1"): 6}
    decided = suppress(parents, own, 5)
    assert not decided.decision("Lyon", "w1").visible
    # Counting every answer instead would have shown Lyon's five, one of them the real one.
    naive = suppress(parents, {("Lyon", "w1"): 5, ("Nice", "w1"): 6}, 5)
    assert naive.decision("Lyon", "w1").visible


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-1, 0, 5), "personal"),
        ((0, True, 5), "team_link"),
        ((1, 1, 2), "k must be at least 3"),
        ((1, 1, 5, 1.5), "invited"),
    ],
)
def test_bad_input_is_refused(args, message):
    with pytest.raises(ValueError, match=message):
        effective_count(*args)
