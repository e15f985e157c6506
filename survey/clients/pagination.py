"""One page of a long list, from a ``select()``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Page:
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


def paginate(session: Session, query: Select, number: int, per_page: int) -> Page:
    """Page ``number`` (from 1) of ``query``'s results; a number past the end gives the last page.

    ``query`` needs a stable ``order_by``.
    """
    if per_page < 1:
        raise ValueError(f"per_page must be at least 1, not {per_page}.")
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, -(-total // per_page))
    number = min(max(number, 1), pages)
    items = list(session.scalars(query.limit(per_page).offset((number - 1) * per_page)))
    return Page(items, number, pages, total)
