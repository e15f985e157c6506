"""Long lists in pages: one query counts, another reads the page."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from survey.params import parse_id

MAX_PAGE = 999_999


@dataclass(frozen=True)
class Page:
    """One page of a list; ``number`` counts from 1."""

    items: list
    number: int
    pages: int
    total: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page_number(text: str | None) -> int:
    """The page asked for in ``?page=``; anything but a positive whole number is page 1."""
    number = parse_id(text)
    return number if number is not None and 0 < number <= MAX_PAGE else 1


def _bounds(total: int, number: int, per_page: int) -> tuple[int, int]:
    """The number of pages and the page to show: ``number``, or the nearest page there is."""
    if per_page < 1:
        raise ValueError(f"per_page must be at least 1, not {per_page}.")
    pages = max(1, ceil(total / per_page))
    return pages, min(max(number, 1), pages)


def paginate(session: Session, query: Select, number: int, per_page: int) -> Page:
    """Page ``number`` of ``query``'s first column; a number out of range gives the nearest page.

    ``query`` needs a stable ``order_by``.
    """
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages, number = _bounds(total, number, per_page)
    items = list(session.scalars(query.limit(per_page).offset((number - 1) * per_page)))
    return Page(items=items, number=number, pages=pages, total=total)


def paginate_list(items: list, number: int, per_page: int) -> Page:
    """Page ``number`` of a list already in memory and in order, as :func:`paginate` pages a
    query (for lists ordered by something the database cannot sort on)."""
    pages, number = _bounds(len(items), number, per_page)
    start = (number - 1) * per_page
    return Page(items=items[start : start + per_page], number=number, pages=pages, total=len(items))
