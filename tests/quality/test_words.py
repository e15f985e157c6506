"""What the invariance steps are said to mean: only what the fit indices signal, never that a
change in scores is a change in mindset."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from survey.quality import words


def steps(*holds: bool, converged: bool = True) -> SimpleNamespace:
    return SimpleNamespace(
        steps=[SimpleNamespace(holds=held, converged=converged) for held in holds]
    )


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (steps(True, True, True), "do not signal that the items work differently"),
        (steps(True, True, False), "may come from the items"),
        (steps(True, False, False), "may come from the items changing their meaning"),
        (steps(False, False, False), "cannot tell whether the items work alike"),
        (steps(True, True, True, converged=False), "did not converge"),
    ],
)
def test_the_sentence_claims_no_more_than_the_test(result, expected):
    sentence = words.change_sentence(result)
    assert expected in sentence
    assert "can be read as a change in mindset" not in sentence


def test_the_rule_names_all_three_indices():
    rule = words.invariance_rule()
    assert all(index in rule for index in ("CFI", "RMSEA", "SRMR", "Chen 2007"))
