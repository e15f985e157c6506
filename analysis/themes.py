"""Themes at a glance: the words and categories that recur among steps of people's own words.

A word's weight is its **document frequency**, the number of steps (documents) it occurs in,
each step counting once however often it repeats the word (Manning, Raghavan & Schütze 2008,
*Introduction to Information Retrieval*, Cambridge University Press, ch. 6, "Scoring, term
weighting and the vector space model"). Words are runs of letters, lowercased, of three letters
or more, without the common English words of :data:`STOPWORDS`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
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
MIN_STEPS = 2
_LETTERS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Recurring:
    """A word or category, the number of steps it occurs in, and one of those steps."""

    name: str
    steps: int
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
    top: int = TOP_WORDS,
    min_steps: int = MIN_STEPS,
) -> Themes:
    """Recurring words (in ``min_steps`` steps or more, the ``top`` most frequent) and every
    category, each with its count of steps and the first step in ``steps`` order that has it.

    Ties are broken alphabetically. A category of None counts as :data:`NOT_SORTED`.

    >>> found = themes(["Customers first", "our customers", "pay"], ["customers", None, "pay"])
    >>> [(w.name, w.steps, w.example) for w in found.words]
    [('customers', 2, 'Customers first')]
    >>> [(c.name, c.steps) for c in found.categories]
    [('Not sorted yet', 1), ('customers', 1), ('pay', 1)]
    """
    if len(steps) != len(categories):
        raise ValueError("steps and categories must have the same length")
    words: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for step in steps:
        for word in terms(step):
            words[word] += 1
            examples.setdefault(word, step)
    labels = [NOT_SORTED if category is None else category for category in categories]
    kinds = Counter(labels)
    first: dict[str, str] = {}
    for label, step in zip(labels, steps, strict=True):
        first.setdefault(label, step)
    recurring = [(word, count) for word, count in words.items() if count >= min_steps]
    return Themes(
        [Recurring(w, c, examples[w]) for w, c in _ranked(recurring)[:top]],
        [Recurring(k, c, first[k]) for k, c in _ranked(list(kinds.items()))],
    )


def _ranked(counts: list[tuple[str, int]]) -> list[tuple[str, int]]:
    return sorted(counts, key=lambda pair: (-pair[1], pair[0]))
