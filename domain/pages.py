"""Cutting a sorted result to what one reply shows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

LIST_LIMIT = 15
T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """The first rows of a result and how many more there are."""

    rows: Sequence[T]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def page(rows: Sequence[T], limit: int = LIST_LIMIT) -> Page[T]:
    """Cut a sorted result to `limit` rows, remembering the total."""
    return Page(rows=rows[:limit], total=len(rows))
