"""How a questionnaire is cut into pages: items in groups, then the ladder, then the map."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from questionnaires import Item, Questionnaire


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    kind: str  # "items" | "ladder" | "cooperation"
    items: tuple[Item, ...] = ()


def plan_pages(questionnaire: Questionnaire, per_page: int) -> tuple[Page, ...]:
    """Pages of about ``per_page`` items, evenly filled, followed by the optional blocks."""
    items = questionnaire.items
    n_item_pages = max(1, ceil(len(items) / per_page))
    size, larger = divmod(len(items), n_item_pages)
    pages, start = [], 0
    for number in range(n_item_pages):
        end = start + size + (number < larger)
        pages.append(Page(number + 1, "items", items[start:end]))
        start = end
    if questionnaire.ladder is not None:
        pages.append(Page(len(pages) + 1, "ladder"))
    if questionnaire.cooperation is not None:
        pages.append(Page(len(pages) + 1, "cooperation"))
    return tuple(pages)
