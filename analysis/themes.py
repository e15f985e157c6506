"""Themes at a glance: the words and categories that recur among people's own words.

A word's weight is its **document frequency** (Manning, Raghavan & Schütze 2008, *Introduction
to Information Retrieval*, Cambridge University Press, ch. 6, "Scoring, term weighting and the
vector space model"), with a person's steps together as one document: the number of people who
used the word, each counting once however often they repeat it, so that one person naming a
colleague on every step is not a theme. Words are runs of letters, lowercased, of three letters
or more, without the common English words of :data:`STOPWORDS`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

_STOPWORD_TEXT = """
about above after again against all also and any are because been before being below between
both but can could did does doing down during each few for from further had has have having
her here hers herself him himself his how into its itself just let more most much must myself
not now off once only other our ours ourselves out over own same she should some such than
that the their theirs them themselves then there these they this those through too under until
very was were what when where which while who whom why will with would you your yours yourself
yourselves
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
"""Common English function words (a short list in the spirit of Manning et al. 2008, 2.2.2)."""
NOT_SORTED = "Not sorted yet"
"""The category of a step nobody has sorted yet."""
TOP_WORDS = 8
MIN_PEOPLE = 2
_LETTERS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Recurring:
    """A word or category, the number of people whose steps have it, and one of those steps."""

    name: str
    people: int
    example: str


@dataclass(frozen=True)
class Themes:
    words: list[Recurring]
    categories: list[Recurring]


def terms(text: str) -> set[str]:
    """The distinct words of one step that count towards themes.

    >>> sorted(terms("The customers, the CUSTOMERS and my team's 2 targets!"))
    ['customers', 'targets', 'team']
    """
    return {
        word for word in _LETTERS.findall(text.lower()) if len(word) >= 3 and word not in STOPWORDS
    }


def themes(
    steps: Sequence[str],
    categories: Sequence[str | None],
    people: Sequence[Hashable],
    top: int = TOP_WORDS,
    min_people: int = MIN_PEOPLE,
) -> Themes:
    """Recurring words (used by ``min_people`` people or more, the ``top`` most used) and every
    category, each with its count of people and the first step in ``steps`` order that has it.

    ``people[i]`` is who wrote ``steps[i]`` (any label). Ties are broken alphabetically. A
    category of None counts as :data:`NOT_SORTED`.

    >>> found = themes(
    ...     ["Customers first", "our customers", "pay", "customers again"],
    ...     ["customers", None, "pay", "customers"],
    ...     ["ann", "bo", "cy", "ann"],
    ... )
    >>> [(w.name, w.people, w.example) for w in found.words]
    [('customers', 2, 'Customers first')]
    >>> [(c.name, c.people) for c in found.categories]
    [('Not sorted yet', 1), ('customers', 1), ('pay', 1)]
    """
    if not len(steps) == len(categories) == len(people):
        raise ValueError("steps, categories and people must have the same length")
    users: dict[str, set[Hashable]] = defaultdict(set)
    examples: dict[str, str] = {}
    for step, person in zip(steps, people, strict=True):
        for word in terms(step):
            users[word].add(person)
            examples.setdefault(word, step)
    labels = [NOT_SORTED if category is None else category for category in categories]
    kinds: dict[str, set[Hashable]] = defaultdict(set)
    first: dict[str, str] = {}
    for label, step, person in zip(labels, steps, people, strict=True):
        kinds[label].add(person)
        first.setdefault(label, step)
    recurring = [(word, len(who)) for word, who in users.items() if len(who) >= min_people]
    return Themes(
        [Recurring(w, c, examples[w]) for w, c in _ranked(recurring)[:top]],
        [Recurring(k, len(who), first[k]) for k, who in _ranked_sets(kinds)],
    )


def _ranked_sets(groups: dict[str, set[Hashable]]) -> list[tuple[str, set[Hashable]]]:
    return sorted(groups.items(), key=lambda pair: (-len(pair[1]), pair[0]))


def _ranked(counts: list[tuple[str, int]]) -> list[tuple[str, int]]:
    return sorted(counts, key=lambda pair: (-pair[1], pair[0]))
