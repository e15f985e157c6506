"""The cooperation map: who helps whom, how much help crosses departments, how much is returned.

Each link comes from one respondent's answer: the respondent's team (``from_team``), another team
(``to_team``), and a direction, in the instrument's words (the keys of its
``[[cooperation.directions]]``, as stored with each answer): ``"given"`` (the respondent's team
helped the other one) or ``"received"`` (the other team helped the respondent's team). Links are
counted in a helper x helped matrix of team codes.
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

GIVEN = "given"
RECEIVED = "received"
DIRECTIONS = (RECEIVED, GIVEN)
"""The cooperation map's direction keys (questionnaires/instruments/rep-mindset-v1.toml)."""


@dataclass(frozen=True)
class CooperationMeasures:
    """Share of links across departments and reciprocity of a cooperation matrix.

    ``cross_department_share`` is NaN without links, ``reciprocity`` without links between two
    different teams; ``undefined_reason`` then says which and why.
    """

    n_links: int
    cross_department_links: int
    cross_department_share: float
    connected_pairs: int
    mutual_pairs: int
    reciprocity: float
    undefined_reason: str | None


def _team_codes(codes: ArrayLike, n_teams: int, name: str) -> np.ndarray:
    array = np.asarray(codes)
    if array.ndim != 1 or not (array.size == 0 or np.issubdtype(array.dtype, np.integer)):
        raise ValueError(f"{name} must be a one-dimensional array of integer team codes")
    if ((array < 0) | (array >= n_teams)).any():
        raise ValueError(f"{name} must hold team codes from 0 to {n_teams - 1}")
    return array.astype(np.int64)


def cooperation_matrix(
    from_team: ArrayLike, to_team: ArrayLike, direction: ArrayLike, n_teams: int
) -> np.ndarray:
    """Count help links in a team x team matrix: rows help, columns are helped.

    Parameters
    ----------
    from_team : array_like of int
        Team code of the respondent who reported each link, ``0 <= code < n_teams``.
    to_team : array_like of int
        Team code of the other team named in each link.
    direction : array_like of str
        ``"given"`` (``from_team`` helped ``to_team``) or ``"received"`` (``to_team`` helped
        ``from_team``) for each link.
    n_teams : int
        Number of teams; the matrix is ``n_teams x n_teams``.

    Returns
    -------
    numpy.ndarray
        ``matrix[i, j]`` = number of links in which team ``i`` helped team ``j``. A link is
        counted once per respondent who reported it, so help reported by both sides counts twice.

    Examples
    --------
    >>> cooperation_matrix([0, 1], [1, 0], ["given", "given"], 2).tolist()
    [[0, 1], [1, 0]]
    """
    if isinstance(n_teams, bool) or not isinstance(n_teams, int | np.integer) or n_teams < 1:
        raise ValueError(f"n_teams must be a positive integer, got {n_teams!r}")
    source = _team_codes(from_team, n_teams, "from_team")
    target = _team_codes(to_team, n_teams, "to_team")
    ways = np.asarray(direction)
    if not (source.shape == target.shape == ways.shape):
        raise ValueError(
            "from_team, to_team and direction must have one entry per link, "
            f"got {source.size}, {target.size} and {ways.size}"
        )
    given = ways == GIVEN
    if not (given | (ways == RECEIVED)).all():
        raise ValueError(f'direction must be "{GIVEN}" or "{RECEIVED}" for every link')
    helper = np.where(given, source, target)
    helped = np.where(given, target, source)
    counts = np.bincount(helper * n_teams + helped, minlength=n_teams * n_teams)
    return counts.reshape(n_teams, n_teams)


def cooperation_measures(matrix: ArrayLike, departments: ArrayLike) -> CooperationMeasures:
    """Share of links that cross departments, and reciprocity between teams.

    Parameters
    ----------
    matrix : array_like
        Square helper x helped count matrix (see :func:`cooperation_matrix`).
    departments : array_like
        Department of each team (any labels or codes), in the matrix's team order.

    Returns
    -------
    CooperationMeasures

    Notes
    -----
    Cross-department share: links whose helper and helped team lie in different departments,
    over all links (help within a team counts as within its department).

    Reciprocity, dyad-based (Wasserman & Faust 1994, ch. 13, dyad census): among unordered pairs
    of different teams with a link in at least one direction, the share with links in both
    directions, ``M / (M + A)`` with ``M`` mutual and ``A`` asymmetric dyads; the same as R
    igraph's ``reciprocity(g, mode = "ratio")``. Link counts only matter through being non-zero.

    Examples
    --------
    >>> result = cooperation_measures([[0, 2, 1], [1, 0, 0], [0, 0, 0]], ["sales", "sales", "mkt"])
    >>> result.cross_department_share, result.reciprocity
    (0.25, 0.5)
    """
    counts = np.asarray(matrix)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1] or counts.size == 0:
        raise ValueError("matrix must be a non-empty square team x team array")
    if not np.issubdtype(counts.dtype, np.number) or not np.isfinite(counts).all():
        raise ValueError("matrix must hold finite link counts")
    if (counts < 0).any():
        raise ValueError("matrix must hold non-negative link counts")
    labels = np.asarray(departments)
    if labels.shape != (counts.shape[0],):
        raise ValueError(
            f"departments must give one department per team: got {labels.size} "
            f"for {counts.shape[0]} teams"
        )
    n_links = int(counts.sum())
    crossing = labels[:, None] != labels[None, :]
    cross_links = int(counts[crossing].sum())
    linked = (counts > 0) & ~np.eye(counts.shape[0], dtype=bool)
    mutual = int((linked & linked.T).sum()) // 2
    connected = int((linked | linked.T).sum()) // 2
    if n_links == 0:
        reason = "no links"
    elif connected == 0:
        reason = "no links between different teams: reciprocity is not defined"
    else:
        reason = None
    return CooperationMeasures(
        n_links=n_links,
        cross_department_links=cross_links,
        cross_department_share=cross_links / n_links if n_links else np.nan,
        connected_pairs=connected,
        mutual_pairs=mutual,
        reciprocity=mutual / connected if connected else np.nan,
        undefined_reason=reason,
    )
