"""The cooperation map: the team x team matrix, cross-department share and reciprocity."""

import re

import numpy as np
import pytest

from analysis.cooperation import DIRECTIONS, cooperation_matrix, cooperation_measures
from questionnaires import load_directory

# Four teams: 0 and 1 are sales, 2 is marketing, 3 is product.
DEPARTMENTS = ["sales", "sales", "marketing", "product"]


def exactly(message: str) -> str:
    return f"^{re.escape(message)}$"


def test_links_point_from_the_helper_to_the_helped_team():
    matrix = cooperation_matrix(
        from_team=[0, 0, 1, 2, 2, 3],
        to_team=[1, 2, 0, 0, 3, 0],
        direction=["given", "given", "received", "received", "given", "given"],
        n_teams=4,
    )
    # 0 gave to 1; 0 gave to 2; 1 received from 0 (0 helped 1 again); 2 received from 0;
    # 2 gave to 3; 3 gave to 0.
    expected = [
        [0, 2, 2, 0],
        [0, 0, 0, 0],
        [0, 0, 0, 1],
        [1, 0, 0, 0],
    ]
    assert matrix.tolist() == expected


def test_the_directions_are_the_instruments_words():
    """The keys an answer stores (``[[cooperation.directions]]``) are the ones counted here: a
    release leaves out links in any other word, which would empty an instrument's map."""
    instruments = [q for q in load_directory().values() if q.cooperation is not None]
    assert instruments
    for questionnaire in instruments:
        keys = {key for key, _label in questionnaire.cooperation.directions}
        assert keys == set(DIRECTIONS), questionnaire.key


def test_measures_of_a_worked_example():
    matrix = np.array(
        [
            [1, 2, 2, 0],  # team 0 helped itself once, team 1 twice, marketing twice
            [1, 0, 0, 0],  # team 1 helped team 0
            [0, 0, 0, 1],  # marketing helped product
            [1, 0, 3, 0],  # product helped team 0 and marketing
        ]
    )
    result = cooperation_measures(matrix, DEPARTMENTS)
    # 11 links; within a department: 0->0 (1), 0->1 (2), 1->0 (1) = 4, so 7 cross: 7 / 11.
    assert (result.n_links, result.cross_department_links) == (11, 7)
    assert result.cross_department_share == pytest.approx(7 / 11)
    # Pairs of different teams linked at all: {0,1}, {0,2}, {0,3}, {2,3} = 4; linked both ways:
    # {0,1} (0->1, 1->0) and {2,3} (2->3, 3->2) = 2; reciprocity M / (M + A) = 2 / 4.
    assert (result.connected_pairs, result.mutual_pairs) == (4, 2)
    assert result.reciprocity == 0.5
    assert result.undefined_reason is None


def test_reciprocity_matches_the_edge_form_of_the_dyad_census():
    # Wasserman & Faust (1994): with M mutual and A asymmetric dyads, the edge-based
    # reciprocity (networkx.reciprocity) is 2M / (2M + A); the dyad-based one here is
    # M / (M + A). A random graph checks the relation from an independent count of edges.
    rng = np.random.default_rng(11)
    matrix = (rng.random((30, 30)) < 0.15).astype(int)
    np.fill_diagonal(matrix, 0)
    result = cooperation_measures(matrix, np.zeros(30))
    edges = matrix.sum()
    reciprocated_edges = (matrix & matrix.T).sum()
    mutual = result.mutual_pairs
    asymmetric = result.connected_pairs - mutual
    assert reciprocated_edges == 2 * mutual
    assert edges == 2 * mutual + asymmetric
    assert result.reciprocity == pytest.approx(mutual / (mutual + asymmetric))
    assert result.cross_department_share == 0.0


def test_no_links_give_reasons_not_numbers():
    empty = cooperation_measures(np.zeros((3, 3), dtype=int), [1, 2, 3])
    assert empty.undefined_reason == "no links"
    assert np.isnan([empty.cross_department_share, empty.reciprocity]).all()
    only_within = cooperation_measures(np.diag([2, 1, 0]), [1, 2, 3])
    assert only_within.undefined_reason == (
        "no links between different teams: reciprocity is not defined"
    )
    assert only_within.cross_department_share == 0.0
    assert np.isnan(only_within.reciprocity)


def test_no_links_at_all_give_an_empty_matrix():
    assert cooperation_matrix([], [], [], 2).tolist() == [[0, 0], [0, 0]]


@pytest.mark.parametrize(
    ("from_team", "to_team", "direction", "n_teams", "message"),
    [
        ([0], [2], ["given"], 2, "to_team must hold team codes from 0 to 1"),
        ([-1], [0], ["given"], 2, "from_team must hold team codes from 0 to 1"),
        ([0], [1], ["helped"], 2, 'direction must be "given" or "received" for every link'),
        ([0], [1], ["gave"], 2, 'direction must be "given" or "received" for every link'),
        (
            [0, 1],
            [1],
            ["given"],
            2,
            "from_team, to_team and direction must have one entry per link, got 2, 1 and 1",
        ),
        (
            [0.0],
            [1],
            ["given"],
            2,
            "from_team must be a one-dimensional array of integer team codes",
        ),
        ([0], [0], ["given"], 0, "n_teams must be a positive integer, got 0"),
        ([0], [0], ["given"], 2.0, "n_teams must be a positive integer, got 2.0"),
    ],
)
def test_bad_links_are_rejected(from_team, to_team, direction, n_teams, message):
    with pytest.raises(ValueError, match=exactly(message)):
        cooperation_matrix(from_team, to_team, direction, n_teams)


@pytest.mark.parametrize(
    ("matrix", "departments", "message"),
    [
        ([1, 2], [0, 1], "matrix must be a non-empty square team x team array"),
        ([[1, 2, 3], [4, 5, 6]], [0, 1], "matrix must be a non-empty square team x team array"),
        ([[1, np.nan], [0, 1]], [0, 1], "matrix must hold finite link counts"),
        ([[1, -1], [0, 1]], [0, 1], "matrix must hold non-negative link counts"),
        ([[1, 0], [0, 1]], [0], "departments must give one department per team: got 1 for 2 teams"),
    ],
)
def test_bad_matrices_are_rejected(matrix, departments, message):
    with pytest.raises(ValueError, match=exactly(message)):
        cooperation_measures(matrix, departments)
