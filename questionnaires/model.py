"""Plain immutable objects for one questionnaire version.

The loader (:mod:`questionnaires.loader`) validates a file and builds these objects; they carry no
validation of their own and know nothing of Flask or the database.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

POLES = ("contractual", "purpose")
PERSPECTIVES = ("self", "team")
AUDIENCES = ("rep", "manager")
DIMENSION_KEYS = (
    "motivation",
    "responsibility",
    "cooperation",
    "management",
    "change",
    "incentives",
)


@dataclass(frozen=True)
class Scale:
    """A Likert response scale from ``min`` to ``max`` with one label per point."""

    min: int
    max: int
    labels: tuple[str, ...]

    @property
    def points(self) -> tuple[int, ...]:
        """The answer values ``(min, ..., max)``, in the order of ``labels``."""
        return tuple(range(self.min, self.max + 1))


@dataclass(frozen=True)
class Item:
    """One statement, keyed towards the pole that agreeing with it points to."""

    id: str
    text: str
    dimension: str
    keyed: str
    perspective: str = "self"

    @property
    def reversed(self) -> bool:
        """True when agreeing points to the contractual pole, so the answer is reflected."""
        return self.keyed == "contractual"


@dataclass(frozen=True)
class Dimension:
    """One scale of the mindset, with its items in presentation order."""

    key: str
    name: str
    description: str
    contractual_pole: str
    purpose_pole: str
    sources: tuple[str, ...]
    items: tuple[Item, ...]


@dataclass(frozen=True)
class LadderTarget:
    """A place where a rung of the WHY ladder can point, and the pole it belongs to."""

    key: str
    label: str
    pole: str


@dataclass(frozen=True)
class Ladder:
    """The WHY ladder: a first question, then up to ``max_rungs`` of "why does that matter?".

    ``max_words`` is the greatest length of the free text on one rung, counted in characters.
    """

    question: str
    follow_up: str
    min_rungs: int
    max_rungs: int
    max_words: int
    targets: tuple[LadderTarget, ...]


@dataclass(frozen=True)
class CooperationMap:
    """Which teams the respondent got help from or gave help to, as ``(key, label)`` directions."""

    question: str
    directions: tuple[tuple[str, str], ...]
    max_teams: int


@dataclass(frozen=True)
class Questionnaire:
    """One version of one instrument, as loaded from ``source``.

    ``items`` holds every item in presentation (file) order; each dimension holds the same
    ``Item`` objects, grouped.
    """

    key: str
    version: int
    title: str
    language: str
    audience: str
    intro: str
    minutes: int
    scale: Scale
    dimensions: tuple[Dimension, ...]
    items: tuple[Item, ...] = field(repr=False)
    min_answered_share: float
    ladder: Ladder | None
    cooperation: CooperationMap | None
    source: str
    sha256: str

    def item(self, item_id: str) -> Item:
        """Return the item with this id; raise ``KeyError`` for an unknown id."""
        return self.items[self.item_index[item_id]]

    @cached_property
    def item_index(self) -> Mapping[str, int]:
        """Read-only mapping from item id to its position in ``items``."""
        return MappingProxyType({item.id: position for position, item in enumerate(self.items)})

    def reversed_mask(self) -> tuple[bool, ...]:
        """Per item in presentation order: True when the answer must be reflected."""
        return tuple(item.reversed for item in self.items)

    def item_dimension_index(self) -> tuple[int, ...]:
        """Per item in presentation order: the index of its dimension in ``dimensions``."""
        position = {dimension.key: index for index, dimension in enumerate(self.dimensions)}
        return tuple(position[item.dimension] for item in self.items)
