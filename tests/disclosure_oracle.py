"""The disclosure auditor on response ids: a test oracle for the release auditor.

The app builds its atoms from tallies (:mod:`survey.releases.audit`); tests that hold the
responses themselves name each published group by its response ids and ask
:func:`audit` whether any combination of them singles out fewer than ``k`` responses, with the
same search (:func:`analysis.disclosure.find_disclosure`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from itertools import chain, count

import numpy as np

from analysis.disclosure import Disclosure, find_disclosure


@dataclass(frozen=True)
class Atoms:
    """Responses grouped by the set of groups they belong to.

    Attributes
    ----------
    incidence : numpy.ndarray
        Groups x atoms, bool: True where the atom's responses are in the group.
    sizes : numpy.ndarray
        Responses in each atom, int64.
    labels : list
        Group labels in row order.
    members : list of frozenset
        Response ids of each atom.
    """

    incidence: np.ndarray
    sizes: np.ndarray
    labels: list
    members: list[frozenset]


def atoms_from_groups(groups: Mapping[Hashable, Iterable[Hashable]]) -> Atoms:
    """Build the atoms of a family of groups: responses that belong to the same groups.

    Parameters
    ----------
    groups : mapping
        Group label -> ids of the responses in the group. Responses in no group are not
        seen; an empty group gives a row of zeros.

    Returns
    -------
    Atoms
        Rows in the mapping's order; atoms ordered by the row indices of their groups
        (lexicographically), so the result does not depend on the order of the ids.

    Examples
    --------
    >>> atoms = atoms_from_groups({"final": ["a", "b", "c"], "interim": ["a", "b"]})
    >>> atoms.incidence.astype(int).tolist(), atoms.sizes.tolist()
    ([[1, 1], [0, 1]], [1, 2])
    >>> sorted(atoms.members[0])
    ['c']
    """
    labels = list(groups)
    member_lists = [list(groups[label]) for label in labels]
    sizes_of_groups = [len(members) for members in member_lists]
    # Number the responses by their first appearance: one dict look-up per membership.
    first: dict[Hashable, int] = {}
    seen_at = np.fromiter(
        map(first.setdefault, chain.from_iterable(member_lists), count()),
        dtype=np.int64,
        count=sum(sizes_of_groups),
    )
    if not first:
        return Atoms(np.zeros((len(labels), 0), dtype=bool), np.zeros(0, np.int64), labels, [])
    _, number = np.unique(seen_at, return_inverse=True)
    row_of = np.repeat(np.arange(len(labels)), sizes_of_groups)
    order = np.lexsort((row_of, number))
    row_of, number = row_of[order], number[order]
    repeated = np.zeros(number.size, dtype=bool)  # a response listed twice in one group
    repeated[1:] = (number[1:] == number[:-1]) & (row_of[1:] == row_of[:-1])
    row_of, number = row_of[~repeated], number[~repeated]
    # Each response's groups as one row of a table padded with -1; equal rows form an atom.
    per_response = np.bincount(number, minlength=len(first))
    slot = np.arange(number.size) - (np.cumsum(per_response) - per_response)[number]
    table = np.full((len(first), int(per_response.max())), -1, dtype=np.int64)
    table[number, slot] = row_of
    order = np.lexsort(table.T[::-1])  # rows in lexicographic order
    ranked = table[order]
    new = np.ones(len(ranked), dtype=bool)
    new[1:] = (ranked[1:] != ranked[:-1]).any(axis=1)
    signatures = ranked[new]
    atom_of = np.empty(len(ranked), dtype=np.int64)
    atom_of[order] = np.cumsum(new) - 1
    incidence = np.zeros((len(labels), len(signatures)), dtype=bool)
    atom, place = np.nonzero(signatures >= 0)
    incidence[signatures[atom, place], atom] = True
    sizes = np.bincount(atom_of, minlength=len(signatures)).astype(np.int64)
    responses = list(first)
    by_atom = np.split(np.argsort(atom_of, kind="stable"), np.cumsum(sizes)[:-1])
    members = [frozenset(map(responses.__getitem__, chunk.tolist())) for chunk in by_atom]
    return Atoms(incidence, sizes, labels, members)


def audit(groups: Mapping[Hashable, Iterable[Hashable]], k: int) -> Disclosure[Hashable] | None:
    """Audit a family of published groups given as group label -> response ids.

    Parameters
    ----------
    groups : mapping
        Group label -> ids of the responses in the group, as in :func:`atoms_from_groups`.
    k : int
        Minimum number of responses behind any derivable figure, at least 1.

    Returns
    -------
    Disclosure or None
        As :func:`find_disclosure`, with ``groups`` holding group labels; ``atoms`` index
        ``atoms_from_groups(groups).members``.

    Examples
    --------
    A manager's group of 6 and the group of the 5 people below them expose the manager.

    >>> found = audit({"manager": range(6), "team": range(1, 6)}, k=5)
    >>> found.responses, found.groups, found.coefficients
    (1, ('manager', 'team'), (1.0, -1.0))
    """
    atoms = atoms_from_groups(groups)
    found = find_disclosure(atoms.incidence, atoms.sizes, k)
    if found is None:
        return None
    return Disclosure(
        atoms=found.atoms,
        weights=found.weights,
        responses=found.responses,
        groups=tuple(atoms.labels[row] for row in found.groups),
        coefficients=found.coefficients,
    )
