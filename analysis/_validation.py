"""Input checks and block processing shared by the analysis modules.

Checks raise ``ValueError`` with an exact message; rows and columns in messages are 0-based, as
in numpy.
"""

import functools
from collections.abc import Iterator
from contextlib import AbstractContextManager

import numpy as np
from numpy.typing import ArrayLike
from threadpoolctl import ThreadpoolController

BLOCK_ROWS = 8192
"""Rows per block when a matrix is processed in pieces that stay in the CPU cache."""


def one_blas_thread() -> AbstractContextManager:
    """Context in which BLAS runs on one thread.

    The per-block matrix products are small: split across threads they gain little, and the
    threads stall for whole scheduler slices when other processes (web workers, other jobs)
    hold the cores, which made a 0.3 s pass take seconds. The limit is process-wide while the
    context lasts; threads entering it at once may leave BLAS on one thread afterwards, which
    changes speed, never results.
    """
    return _threadpools().limit(limits=1, user_api="blas")


@functools.cache
def _threadpools() -> ThreadpoolController:
    return ThreadpoolController()


def response_matrix(matrix: ArrayLike, name: str = "matrix") -> np.ndarray:
    """Return ``matrix`` as a 2-D float array: float32 stays float32, anything else is float64.

    No copy is made when ``matrix`` already is a float32 or float64 array. NaN marks a missing
    answer. Raises ``ValueError`` unless ``matrix`` is two-dimensional, numeric and has at
    least one column.
    """
    array = np.asarray(matrix)
    if array.ndim != 2:
        raise ValueError(
            f"{name} must be two-dimensional (responses x columns), got {array.ndim}-dimensional"
        )
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold numbers (NaN for missing), got dtype {array.dtype}")
    if array.shape[1] == 0:
        raise ValueError(f"{name} has no columns")
    if array.dtype != np.float32:
        array = array.astype(np.float64, copy=False)
    return array


def scale_bounds(scale_min: int, scale_max: int) -> tuple[int, int]:
    """Return the answer scale's bounds as ints; they must be whole numbers, min below max."""
    for name, value in (("scale_min", scale_min), ("scale_max", scale_max)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise ValueError(f"{name} must be a whole number, got {value!r}")
    if scale_min >= scale_max:
        raise ValueError(f"scale_min must be below scale_max, got {scale_min} and {scale_max}")
    return int(scale_min), int(scale_max)


def confidence_level(value: float, name: str) -> float:
    """Return a confidence level as a float; it must lie strictly between 0 and 1."""
    if isinstance(value, bool) or not isinstance(value, float | int) or not 0 < value < 1:
        raise ValueError(f"{name} must be between 0 and 1, got {value!r}")
    return float(value)


def reversed_mask(reversed_items: ArrayLike, n_items: int) -> np.ndarray:
    """Return the reverse-keyed items as a boolean mask with one entry per item."""
    mask = np.asarray(reversed_items)
    if mask.dtype != bool or mask.shape != (n_items,):
        raise ValueError(
            f"reversed_items must be a boolean mask with one entry per item ({n_items}), "
            f"got a {mask.dtype} array of shape {mask.shape}"
        )
    return mask


def item_dimensions(item_dimension: ArrayLike, n_items: int, n_dimensions: int) -> np.ndarray:
    """Return each item's dimension code (0 .. n_dimensions - 1); every dimension needs an item."""
    if (
        isinstance(n_dimensions, bool)
        or not isinstance(n_dimensions, int | np.integer)
        or n_dimensions < 1
    ):
        raise ValueError(f"n_dimensions must be a positive whole number, got {n_dimensions!r}")
    codes = np.asarray(item_dimension)
    if codes.dtype.kind not in "iu" or codes.shape != (n_items,):
        raise ValueError(
            f"item_dimension must hold one integer dimension code per item ({n_items}), "
            f"got a {codes.dtype} array of shape {codes.shape}"
        )
    outside = (codes < 0) | (codes >= n_dimensions)
    if outside.any():
        item = int(np.flatnonzero(outside)[0])
        raise ValueError(
            f"item {item} has dimension code {codes[item]}, expected 0 to {n_dimensions - 1}"
        )
    empty = np.flatnonzero(np.bincount(codes, minlength=n_dimensions) == 0)
    if empty.size:
        raise ValueError(f"dimension {empty[0]} has no items")
    return codes.astype(np.intp)


def answer_blocks(
    matrix: np.ndarray, scale_min: int, scale_max: int
) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """Walk ``matrix`` in blocks of rows, checking that every answer is on the scale.

    Yields ``(start, answered, steps)`` per block: the block's first row, a boolean mask of
    the answered cells, and ``answer - scale_min`` (0 where missing) in the matrix's dtype.
    Raises ``ValueError`` naming the first answer that is not NaN and not a whole number
    from ``scale_min`` to ``scale_max``.
    """
    span = scale_max - scale_min
    for start in range(0, matrix.shape[0], BLOCK_ROWS):
        block = matrix[start : start + BLOCK_ROWS]
        missing = np.isnan(block)
        steps = block - scale_min
        np.copyto(steps, 0, where=missing)
        if steps.min() < 0 or steps.max() > span or (np.rint(steps) != steps).any():
            raise _off_scale(block, missing, start, scale_min, scale_max)
        yield start, ~missing, steps


def _off_scale(
    block: np.ndarray, missing: np.ndarray, start: int, scale_min: int, scale_max: int
) -> ValueError:
    off = ~missing & ((block < scale_min) | (block > scale_max) | (np.rint(block) != block))
    row, column = np.argwhere(off)[0]
    return ValueError(
        f"value {float(block[row, column])!r} at row {start + row}, column {column} is off "
        f"the scale: answers must be whole numbers from {scale_min} to {scale_max}, "
        "or NaN when missing"
    )
