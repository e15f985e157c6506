"""Response quality: flags for answers given without reading the items.

Three indices per response, computed from the answers alone (Meade & Craig 2012, "Identifying
careless responses in survey data", Psychological Methods 17(3), 437-455):

- **straight-lining**: the same raw answer to every answered item although the answered items
  are keyed both ways, so that the same answer means opposite things;
- **long-string** (Johnson 2005, "Ascertaining the validity of individual protocols from
  web-based personality inventories", Journal of Research in Personality 39(1), 103-129): the
  longest run of identical consecutive answers, in the order the questionnaire shows the
  items; flagged at or above a cut-off, by default half the items;
- **even-odd consistency** (Jackson 1976; Johnson 2005): each dimension's items are split by
  position into odd and even halves, the person's keyed half means are correlated across the
  dimensions and stepped up with Spearman-Brown, ``2 r / (1 + r)`` floored at -1 (as R
  careless's ``evenodd``); flagged at or below a cut-off only when one is given (see below).

NaN marks a missing or "not applicable" answer: it is skipped by the runs (a run continues
across it), left out of the half means, and an item nobody answered counts for neither keying.

The flags are for counting and for a consultant's decision on whether flagged responses
count; they are not evidence about a person and are not to be shown per person to managers.

Cut-offs. Johnson (2005) set long-string cut-offs where the distribution of longest runs
drops off in his 300-item inventory; no published cut-off transfers to a 42-item
questionnaire, so the default is a deliberately conservative half of the items. With six
dimensions the even-odd coefficient rests on six pairs of half means (each half three or four
items of a six- or seven-item scale), and it measures agreement about the *differences*
between a person's dimensions. The six dimensions are meant to reflect one mindset, so an
attentive respondent's dimension means are often nearly alike; their coefficient is then
undefined (NaN) or scattered around 0 exactly like a random responder's (simulated attentive
respondents with a flat profile fall at or below 0 about half the time, as often as random
responders do). So the index is
computed and reported, but flags nobody unless the caller gives ``even_odd_cutoff`` (0 is the
natural choice: halves agreeing no better than chance), e.g. for an instrument whose
dimensions are expected to differ within a person.
"""

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from analysis._validation import (
    answer_blocks,
    item_dimensions,
    response_matrix,
    reversed_mask,
    scale_bounds,
)

LONG_STRING_SHARE = 0.5
"""Default long-string cut-off as a share of the items: a run over half the questionnaire."""
MIN_PAIRS = 3
"""Fewest dimensions with both halves answered for an even-odd coefficient."""


@dataclass(frozen=True)
class CarelessFlags:
    """Per-response indices and flags, each an array with one entry per response.

    Attributes
    ----------
    straight_lining : numpy.ndarray of bool
        The same raw answer to every answered item, items of both keyings answered.
    longest_run : numpy.ndarray of int
        Longest run of identical consecutive answers (0 when nothing was answered).
    long_string : numpy.ndarray of bool
        ``longest_run`` at or above ``long_string_cutoff``.
    even_odd : numpy.ndarray of float
        Spearman-Brown corrected even-odd consistency; NaN when fewer than 3 dimensions have
        both halves answered or the half means do not vary.
    inconsistent : numpy.ndarray of bool
        ``even_odd`` at or below ``even_odd_cutoff`` (never for NaN; all False without a
        cut-off).
    flagged : numpy.ndarray of bool
        Any of the three flags.
    long_string_cutoff : int
        The run length that flags.
    even_odd_cutoff : float or None
        The coefficient that flags, or None.
    """

    straight_lining: np.ndarray
    longest_run: np.ndarray
    long_string: np.ndarray
    even_odd: np.ndarray
    inconsistent: np.ndarray
    flagged: np.ndarray
    long_string_cutoff: int
    even_odd_cutoff: float | None


@dataclass(frozen=True)
class FlagCounts:
    """How many responses each flag marks, and how many any flag marks."""

    responses: int
    straight_lining: int
    long_string: int
    inconsistent: int
    any_flag: int


def careless_flags(
    matrix: ArrayLike,
    item_dimension: ArrayLike,
    n_dimensions: int,
    reversed_items: ArrayLike,
    scale_min: int,
    scale_max: int,
    *,
    long_string_cutoff: int | None = None,
    even_odd_cutoff: float | None = None,
) -> CarelessFlags:
    """Straight-lining, long-string and even-odd consistency of every response.

    Parameters
    ----------
    matrix : array_like
        Responses x items raw answers (not recoded), columns in the order the questionnaire
        shows the items; NaN for a missing or not applicable answer.
    item_dimension : array_like of int
        The dimension (0 .. n_dimensions - 1) of each item.
    n_dimensions : int
        Number of dimensions.
    reversed_items : array_like of bool
        One entry per item, True where the item is reverse-keyed.
    scale_min, scale_max : int
        The answer scale, e.g. 1 and 7; reversed answers count as ``min + max - x``.
    long_string_cutoff : int, optional
        Run length that flags, at least 2; by default ``ceil(items / 2)``.
    even_odd_cutoff : float, optional
        Even-odd coefficient at or below which a response is flagged, from -1 to 1; by
        default none is flagged (see the module docstring).

    Returns
    -------
    CarelessFlags

    Raises
    ------
    ValueError
        For an answer off the scale, malformed item codes or keys, or a cut-off out of range.

    Notes
    -----
    Meade & Craig (2012); Johnson (2005); even-odd as R careless's ``evenodd`` (Yentes &
    Wilhelm), which returns the negated coefficient since careless 1.2.0. The module
    docstring explains the cut-offs and the treatment of NaN.

    Examples
    --------
    >>> answers = [[4, 4, 4, 4], [2, 6, 3, 5]]
    >>> flags = careless_flags(answers, np.array([0, 0, 1, 1]), 2,
    ...                        np.array([False, True, False, True]), 1, 7)
    >>> flags.straight_lining.tolist(), flags.longest_run.tolist(), flags.flagged.tolist()
    ([True, False], [4, 1], [True, False])
    """
    answers = response_matrix(matrix).astype(np.float64)
    low, high = scale_bounds(scale_min, scale_max)
    n_items = answers.shape[1]
    codes = item_dimensions(item_dimension, n_items, n_dimensions)
    flip = reversed_mask(reversed_items, n_items)
    for _ in answer_blocks(answers, low, high):  # raises on an answer off the scale
        pass
    cutoff = _long_string_cutoff(long_string_cutoff, n_items)
    if even_odd_cutoff is not None and (
        isinstance(even_odd_cutoff, bool)
        or not isinstance(even_odd_cutoff, int | float)
        or not -1 <= even_odd_cutoff <= 1
    ):
        raise ValueError(f"even_odd_cutoff must be from -1 to 1, got {even_odd_cutoff!r}")

    runs = _longest_runs(answers)
    even_odd = _even_odd(answers, codes, n_dimensions, flip, low + high)
    inconsistent = np.zeros(even_odd.shape, dtype=bool)
    if even_odd_cutoff is not None:
        with np.errstate(invalid="ignore"):
            inconsistent = (even_odd <= even_odd_cutoff) & ~np.isnan(even_odd)
    straight = _straight_lining(answers, flip)
    long_string = runs >= cutoff
    return CarelessFlags(
        straight_lining=straight,
        longest_run=runs,
        long_string=long_string,
        even_odd=even_odd,
        inconsistent=inconsistent,
        flagged=straight | long_string | inconsistent,
        long_string_cutoff=cutoff,
        even_odd_cutoff=None if even_odd_cutoff is None else float(even_odd_cutoff),
    )


def count_flags(flags: CarelessFlags) -> FlagCounts:
    """Count the responses each flag marks and those any flag marks.

    Examples
    --------
    >>> flags = careless_flags([[4, 4, 4, 4], [2, 6, 3, 5]], np.array([0, 0, 1, 1]), 2,
    ...                        np.array([False, True, False, True]), 1, 7)
    >>> count_flags(flags)
    FlagCounts(responses=2, straight_lining=1, long_string=1, inconsistent=0, any_flag=1)
    """
    return FlagCounts(
        responses=int(flags.straight_lining.size),
        straight_lining=int(np.count_nonzero(flags.straight_lining)),
        long_string=int(np.count_nonzero(flags.long_string)),
        inconsistent=int(np.count_nonzero(flags.inconsistent)),
        any_flag=int(np.count_nonzero(flags.flagged)),
    )


def _long_string_cutoff(value: int | None, n_items: int) -> int:
    if value is None:
        return max(2, math.ceil(n_items * LONG_STRING_SHARE))
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 2:
        raise ValueError(f"long_string_cutoff must be a whole number of at least 2, got {value!r}")
    return int(value)


def _straight_lining(answers: np.ndarray, flip: np.ndarray) -> np.ndarray:
    answered = ~np.isnan(answers)
    both_keys = answered[:, flip].any(axis=1) & answered[:, ~flip].any(axis=1)
    highest = np.fmax.reduce(answers, axis=1, initial=-np.inf)
    lowest = np.fmin.reduce(answers, axis=1, initial=np.inf)
    return np.asarray(both_keys & (highest == lowest))


def _longest_runs(answers: np.ndarray) -> np.ndarray:
    """Longest run of equal answers per row, NaN skipped (a run continues across it)."""
    rows = answers.shape[0]
    last = np.full(rows, np.nan)
    run = np.zeros(rows, dtype=np.int64)
    best = np.zeros(rows, dtype=np.int64)
    for column in answers.T:
        answered = ~np.isnan(column)
        same = answered & (column == last)
        run = np.where(answered, np.where(same, run + 1, 1), run)
        last = np.where(answered, column, last)
        np.maximum(best, run, out=best)
    return best


def _even_odd(
    answers: np.ndarray, codes: np.ndarray, n_dimensions: int, flip: np.ndarray, total: int
) -> np.ndarray:
    """Spearman-Brown corrected correlation of odd and even half means across dimensions."""
    keyed = np.where(flip, total - answers, answers)
    rows = answers.shape[0]
    halves = np.full((2, rows, n_dimensions), np.nan)
    for d in range(n_dimensions):
        items = np.flatnonzero(codes == d)
        for half, positions in enumerate((items[0::2], items[1::2])):  # odd, even positions
            if positions.size:
                values = keyed[:, positions]
                counts = (~np.isnan(values)).sum(axis=1)
                sums = np.nansum(values, axis=1)
                halves[half, :, d] = np.divide(
                    sums, counts, out=np.full(rows, np.nan), where=counts > 0
                )
    odd, even = halves
    both = ~np.isnan(odd) & ~np.isnan(even)
    pairs = both.sum(axis=1)
    odd = np.where(both, odd, 0.0)
    even = np.where(both, even, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        odd_c = np.where(both, odd - odd.sum(axis=1, keepdims=True) / pairs[:, None], 0.0)
        even_c = np.where(both, even - even.sum(axis=1, keepdims=True) / pairs[:, None], 0.0)
        spread = np.sqrt((odd_c**2).sum(axis=1) * (even_c**2).sum(axis=1))
        r = (odd_c * even_c).sum(axis=1) / spread
        stepped = np.maximum(2 * r / (1 + r), -1.0)
    undefined = (pairs < MIN_PAIRS) | ~(spread > 1e-12)
    stepped = np.where(r <= -1.0, -1.0, stepped)
    return np.asarray(np.where(undefined, np.nan, stepped))
