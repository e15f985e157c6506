"""Disclosure audit of published groups (analysis/disclosure.py).

Checked against brute force: a set ``S`` of atoms supports a non-zero combination of the groups
exactly when the columns outside ``S`` have a lower rank than the whole incidence matrix, so
enumerating every ``S`` of fewer than ``k`` responses decides small cases independently of the
search.
"""

from __future__ import annotations

import doctest
import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import analysis.disclosure
from analysis.disclosure import (
    PUBLISHED_DISCLOSE,
    Disclosure,
    find_disclosure,
    protect,
)
from analysis.privacy import suppress
from tests.disclosure_oracle import atoms_from_groups, audit

# Helpers ---------------------------------------------------------------------------------------


def sets_under(k, sizes, start=0, chosen=(), total=0):
    """Yield every non-empty set of atom indices whose sizes sum to less than k."""
    for i in range(start, len(sizes)):
        if total + sizes[i] < k:
            yield (*chosen, i)
            yield from sets_under(k, sizes, i + 1, (*chosen, i), total + sizes[i])


def rank(matrix):
    return 0 if 0 in matrix.shape else int(np.linalg.matrix_rank(matrix))


def brute_force_discloses(incidence, sizes, k):
    """True when some non-zero combination of rows is supported on fewer than k responses."""
    matrix = np.asarray(incidence, dtype=float)
    full = rank(matrix)
    columns = np.arange(matrix.shape[1])
    return any(
        rank(matrix[:, np.setdiff1d(columns, subset)]) < full
        for subset in sets_under(k, list(sizes))
    )


def assert_consistent(incidence, sizes, k, found):
    """The disclosure is what the combination of its groups gives, and holds under k."""
    matrix = np.asarray(incidence, dtype=float)
    sizes = np.asarray(sizes)
    assert isinstance(found, Disclosure)
    assert list(found.atoms) == sorted(set(found.atoms))
    assert list(found.groups) == sorted(set(found.groups))
    assert len(found.weights) == len(found.atoms) and len(found.coefficients) == len(found.groups)
    assert all(w != 0 for w in found.weights) and all(c != 0 for c in found.coefficients)
    assert min(abs(w) for w in found.weights) == 1.0 and 1.0 in found.weights
    assert found.responses == sizes[list(found.atoms)].sum() < k
    combination = np.zeros(matrix.shape[0])
    combination[list(found.groups)] = found.coefficients
    weights = np.zeros(matrix.shape[1])
    weights[list(found.atoms)] = found.weights
    np.testing.assert_allclose(combination @ matrix, weights, atol=1e-8)


def subtree_groups(parents, team_of, visible, label=lambda group: group):
    """Members of each visible group's subtree: label(group) -> response ids."""
    groups = {label(group): [] for group in parents if group in visible}
    for response, team in team_of.items():
        node = team
        while node is not None:
            if node in visible:
                groups[label(node)].append(response)
            node = parents[node]
    return groups


def visible_groups(parents, team_of, k):
    """Groups that suppress() shows for one release, given each response's team."""
    own = Counter(team_of.values())
    result = suppress(parents, {(group, "w"): own[group] for group in parents}, k=k)
    return {group for group in parents if result.decision(group, "w").visible}


# Worked examples -------------------------------------------------------------------------------


def test_interim_five_then_final_six_discloses_the_sixth():
    groups = {"interim": [1, 2, 3, 4, 5], "final": [1, 2, 3, 4, 5, 6]}
    found = audit(groups, k=5)
    assert found == Disclosure(
        atoms=(1,),
        weights=(1.0,),
        responses=1,
        groups=("interim", "final"),
        coefficients=(-1.0, 1.0),
    )
    assert atoms_from_groups(groups).members[1] == frozenset({6})


def test_parent_of_six_minus_child_of_five_discloses_the_parent():
    found = audit({"head": range(6), "team": range(1, 6)}, k=5)
    assert (found.responses, found.groups, found.coefficients) == (1, ("head", "team"), (1, -1))
    assert atoms_from_groups({"head": range(6), "team": range(1, 6)}).members[found.atoms[0]] == {0}


def test_laminar_tree_after_complementary_suppression_passes():
    parents = {"EU": None, "FR": "EU", "DE": "EU", "IT": "EU", "PA": "FR", "LY": "FR"}
    own = {"EU": 2, "FR": 1, "DE": 6, "IT": 8, "PA": 4, "LY": 7}
    team_of = {(team, i): team for team, count in own.items() for i in range(count)}
    visible = visible_groups(parents, team_of, k=5)
    assert visible == {"EU", "FR", "IT", "LY"}  # DE is hidden to cover EU's own 2 people
    assert audit(subtree_groups(parents, team_of, visible), k=5) is None
    # Showing DE as well, EU minus its three children would expose EU's own two.
    found = audit(subtree_groups(parents, team_of, visible | {"DE"}), k=5)
    assert (found.responses, found.groups) == (2, ("EU", "FR", "DE", "IT"))
    assert found.coefficients == (1.0, -1.0, -1.0, -1.0)


def test_a_team_moved_between_two_releases_is_exposed():
    # Release 1: A holds 1-6, B holds 7-13. Release 2: person 6 has moved from A to B.
    groups = {
        ("r1", "A"): range(1, 7),
        ("r1", "B"): range(7, 14),
        ("r2", "A"): range(1, 6),
        ("r2", "B"): range(6, 14),
    }
    found = audit(groups, k=5)
    atoms = atoms_from_groups(groups)
    assert found.responses == 1
    assert atoms.members[found.atoms[0]] == {6}
    assert_consistent(
        atoms.incidence, atoms.sizes, 5, find_disclosure(atoms.incidence, atoms.sizes, 5)
    )


def test_an_erased_response_is_exposed_by_the_next_release():
    # Person 6 erased their answer after release 1: the parent's total went down by one.
    groups = {
        ("r1", "all"): range(1, 20),
        ("r1", "A"): range(1, 7),
        ("r2", "all"): [i for i in range(1, 20) if i != 6],
        ("r2", "A"): [1, 2, 3, 4, 5],
    }
    found = audit(groups, k=5)
    assert found.responses == 1
    assert atoms_from_groups(groups).members[found.atoms[0]] == {6}


def test_exactly_k_responses_pass_and_k_minus_one_do_not():
    groups = {"all": range(10), "first five": range(5)}  # the difference holds 5 people
    assert audit(groups, k=5) is None
    found = audit(groups, k=6)
    assert (found.responses, found.weights) == (5, (1.0,))
    assert audit({"all": range(10), "first six": range(6)}, k=5) is not None  # 4 left over


def test_a_weighted_combination_counts_as_a_disclosure():
    # Atoms p, q (one person each), R and T (ten each). G1 + G2 - G3 = 2p + q.
    incidence = [[1, 0, 1, 0], [1, 1, 0, 1], [0, 0, 1, 1]]
    sizes = [1, 1, 10, 10]
    found = find_disclosure(incidence, sizes, k=3)
    assert found == Disclosure(
        atoms=(0, 1),
        weights=(2.0, 1.0),
        responses=2,
        groups=(0, 1, 2),
        coefficients=(1.0, 1.0, -1.0),
    )
    assert find_disclosure(incidence, sizes, k=2) is None  # two people are not fewer than 2


def test_identical_columns_are_one_atom():
    assert find_disclosure([[1, 1]], [3, 3], k=5) is None
    found = find_disclosure([[1, 1]], [3, 3], k=7)
    assert (found.atoms, found.weights, found.responses) == ((0, 1), (1.0, 1.0), 6)


def test_a_single_small_group_is_itself_a_disclosure():
    found = audit({"tiny": ["a", "b"], "big": range(10)}, k=3)
    assert (found.responses, found.groups, found.coefficients) == (2, ("tiny",), (1.0,))


def test_independent_waves_are_audited_separately():
    groups = {("w1", "all"): range(10), ("w1", "half"): range(5)}
    groups |= {("w2", "all"): range(100, 110), ("w2", "most"): range(100, 108)}
    found = audit(groups, k=5)
    assert found.groups == (("w2", "all"), ("w2", "most")) and found.responses == 2


def test_empty_input_discloses_nothing():
    assert find_disclosure(np.zeros((0, 0)), np.zeros(0, dtype=int), 5) is None
    assert find_disclosure(np.zeros((3, 0)), [], 5) is None
    assert find_disclosure(np.zeros((0, 2)), [1, 1], 5) is None
    assert audit({}, 5) is None
    assert audit({"empty": [], "also empty": ()}, 5) is None
    empty = atoms_from_groups({"empty": []})
    assert empty.incidence.shape == (1, 0) and empty.sizes.shape == (0,) and empty.members == []
    assert protect(np.zeros((0, 0)), [], 5, np.zeros(0, dtype=bool)).shape == (0,)


def test_k_of_one_never_discloses():
    assert find_disclosure([[1, 0], [1, 1]], [1, 1], k=1) is None


def test_atoms_group_responses_by_their_groups():
    groups = {"a": ["x", "y", "z", "x"], "b": ["y", "z", "w"], "c": [], "d": ["w"]}
    atoms = atoms_from_groups(groups)
    assert atoms.labels == ["a", "b", "c", "d"]
    assert atoms.incidence.dtype == bool and atoms.sizes.dtype == np.int64
    table = {
        members: (tuple(atoms.incidence[:, j].astype(int)), int(size))
        for j, (members, size) in enumerate(zip(atoms.members, atoms.sizes, strict=True))
    }
    assert table == {
        frozenset({"x"}): ((1, 0, 0, 0), 1),
        frozenset({"y", "z"}): ((1, 1, 0, 0), 2),
        frozenset({"w"}): ((0, 1, 0, 1), 1),
    }


@settings(max_examples=100, deadline=None, derandomize=True)
@given(
    st.dictionaries(st.integers(0, 5), st.lists(st.integers(0, 12), max_size=12), max_size=6),
    st.randoms(use_true_random=False),
)
def test_atoms_do_not_depend_on_the_order_of_the_ids(groups, rng):
    atoms = atoms_from_groups(groups)
    shuffled = {label: rng.sample(members, len(members)) for label, members in groups.items()}
    again = atoms_from_groups(shuffled)
    assert np.array_equal(atoms.incidence, again.incidence)
    assert atoms.members == again.members
    # Each response lands in exactly one atom, whose groups are exactly the response's groups.
    everyone = set().union(*map(set, groups.values())) if groups else set()
    assert sum(atoms.sizes) == len(everyone)
    for j, members in enumerate(atoms.members):
        for response in members:
            in_groups = [response in set(groups[label]) for label in atoms.labels]
            assert in_groups == atoms.incidence[:, j].tolist()


# Validation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("incidence", "sizes", "k", "message"),
    [
        ([[1]], [1], 2.5, "k must be an integer, got 2.5"),
        ([[1]], [1], True, "k must be an integer, got True"),
        ([[1]], [1], 0, "k must be at least 1, got 0"),
        (
            [1, 0],
            [1, 1],
            5,
            "incidence must be two-dimensional (groups x atoms), got 1-dimensional",
        ),
        ([[1, 2]], [1, 1], 5, "incidence must hold only 0 and 1 (or False and True)"),
        ([[0.5, 1]], [1, 1], 5, "incidence must hold only 0 and 1 (or False and True)"),
        ([["a", "b"]], [1, 1], 5, "incidence must hold only 0 and 1 (or False and True)"),
        ([[1, 0]], [[1, 1]], 5, "sizes must be one-dimensional, got 2-dimensional"),
        ([[1, 0]], [1, 0], 5, "sizes must hold positive integers"),
        ([[1, 0]], [1.0, 2.0], 5, "sizes must hold positive integers"),
        ([[1, 0]], [True, True], 5, "sizes must hold positive integers"),
        ([[1, 0]], [1, 1, 1], 5, "sizes has 3 entries, but incidence has 2 atoms (columns)"),
    ],
)
def test_bad_input_is_refused_with_an_exact_message(incidence, sizes, k, message):
    with pytest.raises(ValueError) as error:
        find_disclosure(incidence, sizes, k)
    assert str(error.value) == message
    with pytest.raises(ValueError) as error:
        protect(incidence, sizes, k, np.zeros(np.shape(incidence)[:1], dtype=bool))
    assert str(error.value) == message


def test_protect_refuses_bad_masks_orders_and_unsafe_published_groups():
    incidence, sizes = [[1, 1], [1, 0]], [5, 1]
    with pytest.raises(ValueError) as error:
        protect(incidence, sizes, 5, [1, 0])
    assert str(error.value) == (
        "published must be a boolean mask with one entry per group (2), "
        "got a int64 array of shape (2,)"
    )
    with pytest.raises(ValueError) as error:
        protect(incidence, sizes, 5, [False, False], order=[0, 0])
    assert str(error.value) == "order must hold every group index from 0 to 1 once"
    with pytest.raises(ValueError, match=r"^order must hold every group index from 0 to 1 once$"):
        protect(incidence, sizes, 5, [False, False], order=[0.0, 1.0])
    with pytest.raises(ValueError) as error:
        protect(incidence, sizes, 5, [True, True])
    assert str(error.value) == "groups already published disclose fewer than k responses"
    assert str(error.value) == PUBLISHED_DISCLOSE


# protect ---------------------------------------------------------------------------------------


def test_protect_withholds_the_smallest_group_by_default_or_follows_the_order():
    incidence = [[1, 1], [1, 0]]  # "all" of 10 and "first six": the other 4 would show
    sizes = [6, 4]
    assert protect(incidence, sizes, 5, [False, False]).tolist() == [False, True]
    assert protect(incidence, sizes, 5, [False, False], order=[0, 1]).tolist() == [True, False]
    assert protect(incidence, sizes, 5, [False, True]).tolist() == [True, False]
    assert protect(incidence, sizes, 4, [False, False]).tolist() == [False, False]


def test_protect_keeps_the_final_release_safe_after_an_interim_one():
    parents = {"EU": None, "FR": "EU", "DE": "EU", "IT": "EU"}
    final = {("FR", i): "FR" for i in range(6)} | {("DE", i): "DE" for i in range(9)}
    final |= {("IT", i): "IT" for i in range(12)}
    interim = {response: team for response, team in final.items() if response[1] < 5}
    groups = subtree_groups(
        parents, interim, visible_groups(parents, interim, 5), lambda g: ("interim", g)
    )
    groups |= subtree_groups(
        parents, final, visible_groups(parents, final, 5), lambda g: ("final", g)
    )
    atoms = atoms_from_groups(groups)
    published = np.array([label[0] == "interim" for label in atoms.labels])
    assert find_disclosure(atoms.incidence, atoms.sizes, 5) is not None
    withheld = protect(atoms.incidence, atoms.sizes, 5, published)
    assert not withheld[published].any()
    assert withheld.any()
    assert find_disclosure(atoms.incidence[~withheld], atoms.sizes, 5) is None


# Brute force on small cases --------------------------------------------------------------------


@st.composite
def small_problems(draw):
    n_groups = draw(st.integers(0, 6))
    n_atoms = draw(st.integers(0, 7))
    density = draw(st.sampled_from([0.2, 0.5, 0.8]))
    cells = st.lists(st.floats(0, 1).map(lambda u: u < density), min_size=n_atoms, max_size=n_atoms)
    incidence = np.array(draw(st.lists(cells, min_size=n_groups, max_size=n_groups)), dtype=bool)
    incidence = incidence.reshape(n_groups, n_atoms)
    sizes = draw(st.lists(st.integers(1, 4), min_size=n_atoms, max_size=n_atoms))
    k = draw(st.integers(2, 6))
    return incidence, np.array(sizes, dtype=np.int64), k


@pytest.mark.slow
@settings(max_examples=300, deadline=None, derandomize=True)
@given(small_problems(), st.randoms(use_true_random=False))
def test_find_disclosure_agrees_with_brute_force(problem, rng):
    incidence, sizes, k = problem
    found = find_disclosure(incidence, sizes, k)
    assert (found is not None) == brute_force_discloses(incidence, sizes, k)
    if found is not None:
        assert_consistent(incidence, sizes, k, found)
    # Listing groups or atoms in another order changes nothing.
    rows = rng.sample(range(incidence.shape[0]), incidence.shape[0])
    columns = rng.sample(range(incidence.shape[1]), incidence.shape[1])
    permuted = incidence[np.ix_(rows, columns)] if incidence.size else incidence
    assert (find_disclosure(permuted, sizes[columns], k) is None) == (found is None)


def lightest_disclosure(incidence, sizes):
    """Fewest responses any non-zero combination of the rows is supported on (brute force)."""
    matrix = np.asarray(incidence, dtype=float)
    full = rank(matrix)
    columns = np.arange(matrix.shape[1])
    weights = [
        sum(sizes[i] for i in subset)
        for subset in sets_under(sum(sizes) + 1, list(sizes))
        if rank(matrix[:, np.setdiff1d(columns, subset)]) < full
    ]
    return min(weights, default=None)


@pytest.mark.slow
@settings(max_examples=200, deadline=None, derandomize=True)
@given(small_problems())
def test_the_threshold_is_exact(problem):
    # With m the fewest responses any combination can single out, k = m passes and k = m + 1
    # does not: the search neither misses the lightest disclosure nor reports a heavier one.
    incidence, sizes, _ = problem
    lightest = lightest_disclosure(incidence, sizes)
    if lightest is None:
        assert find_disclosure(incidence, sizes, sum(sizes) + 1) is None
        return
    assert find_disclosure(incidence, sizes, lightest) is None
    found = find_disclosure(incidence, sizes, lightest + 1)
    assert_consistent(incidence, sizes, lightest + 1, found)
    assert found.responses == lightest


@pytest.mark.slow
@settings(max_examples=200, deadline=None, derandomize=True)
@given(small_problems(), st.data())
def test_protect_leaves_a_set_that_passes(problem, data):
    incidence, sizes, k = problem
    n_groups = incidence.shape[0]
    published = np.array(
        data.draw(st.lists(st.booleans(), min_size=n_groups, max_size=n_groups)), dtype=bool
    )
    if brute_force_discloses(incidence[published], sizes, k):
        with pytest.raises(ValueError, match=PUBLISHED_DISCLOSE):
            protect(incidence, sizes, k, published)
        return
    order = data.draw(st.permutations(range(n_groups)))
    for ranked in (None, order):
        withheld = protect(incidence, sizes, k, published, order=ranked)
        assert withheld.dtype == bool and withheld.shape == (n_groups,)
        assert not withheld[published].any()
        assert not brute_force_discloses(incidence[~withheld], sizes, k)
        if not brute_force_discloses(incidence, sizes, k):
            assert not withheld.any()


# Releases of a hierarchy -----------------------------------------------------------------------


@st.composite
def trees(draw, max_groups=9):
    size = draw(st.integers(1, max_groups))
    parents = {}
    for i in range(size):
        parent = draw(st.integers(-1, i - 1))
        parents[f"g{i}"] = None if parent < 0 else f"g{parent}"
    return parents


@pytest.mark.slow
@settings(max_examples=300, deadline=None, derandomize=True)
@given(trees(), st.data())
def test_visible_subtrees_after_suppression_never_disclose(parents, data):
    # The laminar guarantee of analysis.privacy: every block between visible cells holds 0 or
    # at least k responses, so no combination of visible cells isolates fewer than k.
    k = data.draw(st.integers(3, 7))
    waves = data.draw(st.sampled_from([["w1"], ["w1", "w2"]]))
    counts = st.one_of(st.integers(0, 4), st.integers(0, 15))
    groups = {}
    for wave in waves:
        own = {group: data.draw(counts) for group in parents}
        team_of = {(wave, group, i): group for group, n in own.items() for i in range(n)}
        visible = visible_groups(parents, team_of, k)
        groups |= subtree_groups(parents, team_of, visible, lambda g, w=wave: (w, g))
    assert audit(groups, k) is None
    atoms = atoms_from_groups(groups)
    if atoms.sizes.size <= 10:
        assert not brute_force_discloses(atoms.incidence, atoms.sizes, k)


@st.composite
def release_histories(draw):
    """A tree, responses with a team, and 2-3 releases: release r shows the responses submitted
    by its cut-off, with moves between teams and erasures taking effect from some release on."""
    parents = draw(trees(8))
    names = list(parents)
    n = draw(st.integers(0, 40))
    teams = [draw(st.sampled_from(names)) for _ in range(n)]
    n_releases = draw(st.integers(2, 3))
    submitted = draw(st.permutations(range(n)))
    cutoffs = sorted(
        draw(st.lists(st.integers(0, n), min_size=n_releases - 1, max_size=n_releases - 1))
    )
    cutoffs.append(n)
    changes = st.tuples(st.integers(0, max(n - 1, 0)), st.integers(1, n_releases - 1))
    moves = draw(st.lists(st.tuples(changes, st.sampled_from(names)), max_size=6)) if n else []
    erasures = draw(st.lists(changes, max_size=4)) if n else []
    releases = []
    for r in range(n_releases):
        team_of = {}
        for response in submitted[: cutoffs[r]]:
            if any(who == response and since <= r for who, since in erasures):
                continue
            team = teams[response]
            for (who, since), new_team in moves:
                if who == response and since <= r:
                    team = new_team
            team_of[response] = team
        releases.append(team_of)
    return parents, releases, draw(st.integers(3, 6))


@pytest.mark.slow
@settings(max_examples=200, deadline=None, derandomize=True)
@given(release_histories())
def test_releases_published_through_protect_never_disclose(history):
    parents, releases, k = history
    published: dict = {}
    for r, team_of in enumerate(releases):
        visible = visible_groups(parents, team_of, k)
        fresh = subtree_groups(parents, team_of, visible, lambda g, r=r: (r, g))
        atoms = atoms_from_groups(published | fresh)
        mask = np.array([label in published for label in atoms.labels], dtype=bool)
        withheld = protect(atoms.incidence, atoms.sizes, k, mask)
        assert not withheld[mask].any()
        if r == 0:
            assert not withheld.any()  # one release of a tree is safe on its own
        published |= {
            label: fresh[label]
            for label, hidden in zip(atoms.labels, withheld, strict=True)
            if not hidden and label in fresh
        }
        kept = atoms_from_groups(published)
        assert find_disclosure(kept.incidence, kept.sizes, k) is None
        if kept.sizes.size <= 10:
            assert not brute_force_discloses(kept.incidence, kept.sizes, k)


def test_a_larger_organisation_with_three_releases_is_protected():
    rng = random.Random(11)
    k = 5
    parents = {"t0": None} | {f"t{i}": f"t{rng.randrange(max(1, i // 3))}" for i in range(1, 60)}
    names = list(parents)
    published: dict = {}
    for wave in ("w1", "w2"):
        teams = {(wave, i): rng.choice(names) for i in range(rng.randrange(300, 500))}
        order = list(teams)
        rng.shuffle(order)
        for release, share in enumerate((0.4, 0.7, 1.0)):
            team_of = {}
            for response in order[: int(share * len(order))]:
                team_of[response] = teams[response]
                if release and rng.random() < 0.02:
                    team_of[response] = rng.choice(names)  # moved since the last release
            for response in order[: int(0.05 * len(order))] if release == 2 else []:
                team_of.pop(response, None)  # erased before the final release
            visible = visible_groups(parents, team_of, k)
            fresh = subtree_groups(
                parents, team_of, visible, lambda g, w=wave, r=release: (w, r, g)
            )
            atoms = atoms_from_groups(published | fresh)
            mask = np.array([label in published for label in atoms.labels], dtype=bool)
            withheld = protect(atoms.incidence, atoms.sizes, k, mask)
            assert not withheld[mask].any()
            published |= {
                label: fresh[label]
                for label, hidden in zip(atoms.labels, withheld, strict=True)
                if not hidden and label in fresh
            }
    kept = atoms_from_groups(published)
    assert kept.incidence.shape[0] > 100
    assert find_disclosure(kept.incidence, kept.sizes, k) is None


# Documentation ---------------------------------------------------------------------------------


def test_docstring_examples_run():
    result = doctest.testmod(analysis.disclosure, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 4
    assert result.failed == 0
