"""Plain immutable objects for one questionnaire version.

The loader (:mod:`questionnaires.loader`) validates a file and builds these objects; they carry no
validation of their own and know nothing of Flask or the database.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

POLES = ("contractual", "purpose")
PERSPECTIVES = ("self", "team", "climate")
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
    """One statement, keyed towards the pole that agreeing with it points to.

    ``perspective`` is ``self`` (the respondent's own stance), ``team`` (a manager rating the
    team) or ``climate`` (a rep rating how they are managed). With ``not_applicable`` the
    respondent may answer "does not apply to me" instead of a scale point.
    """

    id: str
    text: str
    dimension: str
    keyed: str
    perspective: str = "self"
    not_applicable: bool = False

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


NONE_OF_THESE = LadderTarget("none", "None of these", "")
"""The category a rep gives an answer that fits none of the ladder's targets (stored ``"none"``)."""
PREVIOUS = "{previous}"
"""Where ``Ladder.follow_up`` quotes the rep's previous answer."""


@dataclass(frozen=True)
class Ladder:
    """The WHY ladder: a first question, then up to ``max_rungs`` of "why does that matter?".

    Each step is answered in the rep's own words first; which target (category) the answer
    points to is optional. ``max_words`` is the greatest length of the free text on one rung,
    counted in characters. ``follow_up`` may quote the previous answer where it says
    ``{previous}``.
    """

    question: str
    follow_up: str
    min_rungs: int
    max_rungs: int
    max_words: int
    targets: tuple[LadderTarget, ...]

    @property
    def quotes_previous(self) -> bool:
        """Whether ``follow_up`` itself quotes the previous answer."""
        return PREVIOUS in self.follow_up

    def ask_after(self, previous: str) -> str:
        """The follow-up question after the answer ``previous``.

        >>> Ladder("Q?", "Why does “{previous}” matter?", 1, 5, 200, ()).ask_after("my quota")
        'Why does “my quota” matter?'
        """
        return self.follow_up.replace(PREVIOUS, previous)

    def labels(self) -> dict[str, str]:
        """Target key -> label, with :data:`NONE_OF_THESE` last."""
        return {target.key: target.label for target in (*self.targets, NONE_OF_THESE)}


@dataclass(frozen=True)
class CooperationMap:
    """Which teams the respondent got help from or gave help to, as ``(key, label)`` directions."""

    question: str
    directions: tuple[tuple[str, str], ...]
    max_teams: int


@dataclass(frozen=True)
class Crosswalk:
    """The items a questionnaire shares, unchanged, with an earlier ``version`` of its key.

    ``items`` maps this version's item id to the earlier version's item id (read-only).
    """

    version: int
    items: Mapping[str, str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", MappingProxyType(dict(self.items)))

    def __hash__(self) -> int:
        """Hashable like the other objects of the model, although ``items`` is a mapping."""
        return hash((self.version, tuple(self.items.items())))


@dataclass(frozen=True)
class Questionnaire:
    """One version of one instrument, as loaded from ``source``.

    ``items`` holds every item in presentation (file) order; each dimension holds the same
    ``Item`` objects, grouped. ``crosswalk`` names the items identical to an earlier version's.
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
    crosswalk: Crosswalk | None = None
    # The same questionnaire in other languages (questionnaires/translations.py): every text
    # translated, everything else (ids, keying, order, sha256) the source's.
    translations: Mapping[str, "Questionnaire"] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    @property
    def languages(self) -> tuple[str, ...]:
        """The source language first, then the languages it is translated into."""
        return (self.language, *sorted(self.translations))

    def in_language(self, language: str | None) -> "Questionnaire":
        """This questionnaire's texts in ``language``; the source's when there is no translation."""
        if language is None or language == self.language:
            return self
        return self.translations.get(language, self)

    @property
    def has_climate(self) -> bool:
        """True when some items ask how the respondent is managed (perspective ``climate``)."""
        return any(item.perspective == "climate" for item in self.items)

    def items_of(self, perspective: str) -> tuple[Item, ...]:
        """The items of one perspective, in presentation order."""
        return tuple(item for item in self.items if item.perspective == perspective)

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


def common_items(newer: Questionnaire, older: Questionnaire) -> tuple[tuple[str, str], ...]:
    """Pairs ``(newer id, older id)`` of the items both questionnaires share, in newer's order.

    A version shares every item with itself; a newer version shares the items of its crosswalk
    when that crosswalk points to ``older``. Anything else shares nothing, so a trend across the
    two can use only these items.
    """
    if newer.key != older.key:
        return ()
    if newer.version == older.version:
        return tuple((item.id, item.id) for item in newer.items)
    crosswalk = newer.crosswalk
    if crosswalk is None or crosswalk.version != older.version:
        return ()
    return tuple(
        (item.id, crosswalk.items[item.id]) for item in newer.items if item.id in crosswalk.items
    )
