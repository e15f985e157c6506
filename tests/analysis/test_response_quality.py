"""Tests for analysis.response_quality on constructed answer matrices.

The long-string reference is R careless's own test (ryentes/careless,
tests/testthat/test-longstring.R on inst/testdata/lonstring-test-data.csv:
``expect_identical(longstring(ls.test.data), c(1:9*10, 10))``), rebuilt here from its
description; even-odd is checked against scipy's Pearson correlation of the half means,
stepped up with Spearman-Brown, as careless's ``evenodd`` computes it (negated there).
"""

import numpy as np
import pytest
from scipy import stats

from analysis.response_quality import careless_flags, count_flags

NAN = np.nan


def flags_for(matrix, codes, reversed_items, low=1, high=7, **options):
    return careless_flags(
        np.asarray(matrix, dtype=float),
        np.asarray(codes),
        int(np.max(codes)) + 1,
        np.asarray(reversed_items, dtype=bool),
        low,
        high,
        **options,
    )


def careless_longstring_data():
    """careless's lonstring-test-data.csv: row k (1..9) starts with 10k ones followed by 0 1 0
    1 ...; row 10 alternates blocks of ten ones and ten zeros (100 items)."""
    rows = []
    for k in range(1, 10):
        tail = [0, 1] * ((100 - 10 * k) // 2)
        rows.append([1] * (10 * k) + tail)
    rows.append(([1] * 10 + [0] * 10) * 5)
    return np.array(rows, dtype=float)


def test_longest_run_matches_careless():
    data = careless_longstring_data()
    codes = np.repeat([0, 1], 50)
    flags = flags_for(data, codes, np.arange(100) % 2 == 1, low=0, high=1)
    # careless: longstring(ls.test.data) == c(1:9*10, 10)
    assert flags.longest_run.tolist() == [10, 20, 30, 40, 50, 60, 70, 80, 90, 10]
    assert flags.long_string_cutoff == 50  # half of 100 items
    assert flags.long_string.tolist() == [False] * 4 + [True] * 5 + [False]


def test_a_run_continues_across_missing_answers():
    answers = [[3, 3, NAN, 3, 5, 5], [3, NAN, NAN, NAN, NAN, 4], [NAN] * 6]
    flags = flags_for(answers, [0, 0, 0, 1, 1, 1], [False, True, False, True, False, True])
    assert flags.longest_run.tolist() == [3, 1, 0]


def test_long_string_cutoff_can_be_set():
    answers = [[2, 2, 2, 5, 6, 1], [4, 4, 1, 2, 3, 4]]
    flags = flags_for(answers, [0, 0, 0, 1, 1, 1], [False] * 6, long_string_cutoff=3)
    assert flags.long_string.tolist() == [True, False]


def test_straight_lining_needs_items_of_both_keyings():
    codes = [0, 0, 0, 1, 1, 1]
    keys = [False, True, False, False, True, False]
    answers = [
        [4, 4, 4, 4, 4, 4],  # the same answer throughout: flagged
        [7, 7, NAN, 7, NAN, 7],  # the same answer to every answered item: flagged
        [7, NAN, 7, 7, NAN, 7],  # only items of one keying answered: cannot tell
        [4, 4, 4, 4, 4, 5],  # one different answer
        [NAN] * 6,
    ]
    flags = flags_for(answers, codes, keys)
    assert flags.straight_lining.tolist() == [True, True, False, False, False]


def half_means_reference(row, codes, keys, n_dimensions, total=8):
    keyed = np.where(keys, total - row, row)
    odd, even = [], []
    for d in range(n_dimensions):
        items = np.flatnonzero(codes == d)
        odd.append(np.nanmean(keyed[items[0::2]]))
        even.append(np.nanmean(keyed[items[1::2]]))
    return np.array(odd), np.array(even)


def test_even_odd_matches_the_stepped_up_correlation_of_half_means():
    rng = np.random.default_rng(12)
    codes = np.repeat(np.arange(6), 7)
    keys = np.tile([False, True, False, False, True, False, True], 6)
    trait = rng.normal(size=(50, 6))
    latent = 4 + 1.5 * np.repeat(trait, 7, axis=1) + rng.normal(size=(50, 42))
    keyed = np.clip(np.rint(latent), 1, 7)
    raw = np.where(keys, 8 - keyed, keyed)
    raw[rng.random(raw.shape) < 0.05] = NAN
    flags = flags_for(raw, codes, keys, even_odd_cutoff=0.0)
    for row, value in zip(raw, flags.even_odd, strict=True):
        odd, even = half_means_reference(row, codes, keys, 6)
        # scipy: stats.pearsonr(odd, even), then Spearman-Brown 2r / (1 + r), floored at -1
        # as careless's evenodd floors it
        r = stats.pearsonr(odd, even).statistic
        assert value == pytest.approx(max(2 * r / (1 + r), -1.0), abs=1e-12)
    assert np.mean(flags.even_odd) > 0.8  # attentive answers agree across halves
    # but six dimensions make a noisy index: an attentive respondent whose dimension means are
    # all alike (here 1 of 50) can fall below 0
    assert flags.inconsistent.mean() <= 0.04


def test_random_answers_fall_at_or_below_zero_about_half_the_time():
    rng = np.random.default_rng(3)
    codes = np.repeat(np.arange(6), 7)
    keys = np.tile([False, True, False, False, True, False, True], 6)
    random_answers = rng.integers(1, 8, size=(400, 42)).astype(float)
    flags = flags_for(random_answers, codes, keys, even_odd_cutoff=0.0)
    share = flags.inconsistent.mean()
    assert 0.25 < share < 0.75  # about half of random responders fall at or below 0


def test_even_odd_is_undefined_without_enough_varying_halves():
    codes = np.repeat([0, 1, 2, 3], 2)
    keys = np.array([False, True] * 4)
    answers = [
        [5, 3, 5, 3, 5, 3, 5, 3],  # all keyed half means equal: no variance
        [2, 6, 5, 3, NAN, NAN, NAN, 1],  # only 2 dimensions with both halves
        [1, 7, 4, 4, 7, 1, 2, 6],  # keyed halves (1, 1), (4, 4), (7, 7), (2, 2): r = 1
        [1, 1, 4, 4, 7, 7, 4, 4],  # keyed halves (1, 7), (4, 4), (7, 1), (4, 4): r = -1
    ]
    flags = flags_for(answers, codes, keys, even_odd_cutoff=0.0)
    assert np.isnan(flags.even_odd[:2]).all()
    assert flags.even_odd[2:].tolist() == pytest.approx([1.0, -1.0])
    assert flags.inconsistent.tolist() == [False, False, False, True]


def test_even_odd_flags_nobody_unless_asked():
    # attentive respondents whose six dimension means are alike (one mindset throughout):
    # their even-odd coefficients scatter around 0 like random responders', so by default the
    # index is reported but flags nobody
    rng = np.random.default_rng(0)
    codes = np.repeat(np.arange(6), 7)
    keys = np.tile([False, True, False, False, True, False, True], 6)
    keyed = np.clip(np.rint(rng.normal(4.5, 0.4, (500, 1)) + rng.normal(0, 0.6, (500, 42))), 1, 7)
    raw = np.where(keys, 8 - keyed, keyed)
    default = flags_for(raw, codes, keys)
    assert default.even_odd_cutoff is None
    assert not default.inconsistent.any()
    assert not default.flagged.any()
    asked = flags_for(raw, codes, keys, even_odd_cutoff=0.0)
    assert 0.4 < asked.inconsistent.mean() < 0.6
    np.testing.assert_array_equal(asked.even_odd, default.even_odd)


def test_counts():
    codes = np.repeat([0, 1, 2, 3], 2)
    keys = np.array([False, True] * 4)
    answers = [
        [4, 4, 4, 4, 4, 4, 4, 4],  # straight-lining and long string
        [1, 1, 4, 4, 7, 7, 4, 4],  # inconsistent, runs of 2
        [1, 7, 4, 4, 7, 1, 2, 6],  # consistent
    ]
    flags = flags_for(answers, codes, keys, even_odd_cutoff=0.0)
    assert flags.flagged.tolist() == [True, True, False]
    counts = count_flags(flags)
    assert (counts.responses, counts.straight_lining, counts.long_string) == (3, 1, 1)
    assert (counts.inconsistent, counts.any_flag) == (1, 2)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"long_string_cutoff": 1}, "long_string_cutoff must be a whole number of at least 2"),
        ({"long_string_cutoff": 2.5}, "long_string_cutoff must be a whole number of at least 2"),
        ({"even_odd_cutoff": 1.5}, "even_odd_cutoff must be from -1 to 1"),
    ],
)
def test_bad_cutoffs_are_rejected(options, message):
    with pytest.raises(ValueError, match=message):
        flags_for([[1, 2, 3, 4]], [0, 0, 1, 1], [False, True, False, True], **options)


def test_answers_off_the_scale_are_rejected():
    with pytest.raises(ValueError, match=r"value 9\.0 at row 0, column 2 is off the scale"):
        flags_for([[1, 2, 9, 4]], [0, 0, 1, 1], [False, True, False, True])
