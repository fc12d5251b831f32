"""Text longer than its column is refused before it is saved (PostgreSQL would fail; SQLite would keep it)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session


class TooLong(Exception):
    """A string is longer than its column allows; nothing of the transaction is saved."""

    def __init__(self, column: str, length: int, limit: int) -> None:
        super().__init__(column, length, limit)
        self.column, self.length, self.limit = column, length, limit


def refuse_overlong_text(session: Session, _context: Any, _instances: Any) -> None:
    """A `before_flush` hook: raise TooLong naming the column when a string exceeds its length."""
    for row in [*session.new, *session.dirty]:
        table = getattr(type(row), "__table__", None)
        for column in table.columns if table is not None else ():
            limit = getattr(column.type, "length", None)
            value = getattr(row, column.key, None)
            if limit and isinstance(value, str) and len(value) > limit:
                raise TooLong(column.key, len(value), limit)
