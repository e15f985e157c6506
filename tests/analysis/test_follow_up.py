"""An action beside its dimension's change: the words follow the verdict, never more."""

from __future__ import annotations

import math

import pytest

from analysis.change import classify_change
from analysis.follow_up import change_words


@pytest.mark.parametrize(
    ("difference", "p_adjusted", "n", "expected"),
    [
        (
            6.0,
            0.01,
            40,
            "Since W2, cooperation moved +6.0 points towards management by values, "
            "more than chance variation would explain.",
        ),
        (
            -5.5,
            0.01,
            40,
            "Since W2, cooperation moved -5.5 points towards management by "
            "objectives, more than chance variation would explain.",
        ),
        (
            2.0,
            0.40,
            40,
            "Since W2, cooperation moved +2.0 points, which the test cannot tell "
            "from chance variation (not the same as no change).",
        ),
        (
            2.0,
            math.nan,
            40,
            "Since W2, cooperation moved +2.0 points, but the change cannot be tested.",
        ),
        (9.0, 0.001, 3, "Too few answers in W2 or now to tell whether cooperation moved."),
    ],
)
def test_the_words_are_the_verdicts(difference, p_adjusted, n, expected):
    verdict = classify_change(difference, p_adjusted, n).label
    assert change_words("Cooperation", "W2", difference, verdict) == expected


def test_a_hidden_change_says_why_and_nothing_else():
    words = change_words("Cooperation", "W2", None, None, "fewer than 5 answers in W3")
    assert words == "The change on cooperation since W2 is not shown: fewer than 5 answers in W3."
    assert "moved" not in words


def test_an_unknown_verdict_is_an_error_not_a_guess():
    with pytest.raises(ValueError, match="unknown verdict"):
        change_words("Cooperation", "W2", 1.0, "went sideways")
