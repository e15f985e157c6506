"""How a questionnaire is cut into pages: the rep's own items, then the items on how they are
managed (climate) in a block of their own, then the ladder, then the map."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from questionnaires import Item, Questionnaire

CLIMATE = "climate"  # the perspective of items on how the rep is managed


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    kind: str  # "items" | "ladder" | "cooperation"
    items: tuple[Item, ...] = ()
    climate: bool = False  # items on how the rep is managed, headed as such


def _even_chunks(items: tuple[Item, ...], per_page: int) -> list[tuple[Item, ...]]:
    """``items`` in ``ceil(len / per_page)`` consecutive chunks, their sizes within one."""
    n_chunks = ceil(len(items) / per_page)
    if n_chunks == 0:
        return []
    size, larger = divmod(len(items), n_chunks)
    chunks, start = [], 0
    for number in range(n_chunks):
        end = start + size + (number < larger)
        chunks.append(items[start:end])
        start = end
    return chunks


def plan_pages(questionnaire: Questionnaire, per_page: int) -> tuple[Page, ...]:
    """Pages of about ``per_page`` items, evenly filled, followed by the optional blocks.

    Climate items never share a page with the rep's own items: they follow on pages of their own.
    """
    own = tuple(item for item in questionnaire.items if item.perspective != CLIMATE)
    climate = tuple(item for item in questionnaire.items if item.perspective == CLIMATE)
    pages: list[Page] = []
    for items, is_climate in ((own, False), (climate, True)):
        for chunk in _even_chunks(items, per_page):
            pages.append(Page(len(pages) + 1, "items", chunk, is_climate))
    if questionnaire.ladder is not None:
        pages.append(Page(len(pages) + 1, "ladder"))
    if questionnaire.cooperation is not None:
        pages.append(Page(len(pages) + 1, "cooperation"))
    return tuple(pages)
