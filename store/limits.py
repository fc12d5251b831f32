"""Text longer than its column is refused before it is saved (PostgreSQL would fail; SQLite would keep it)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from store.errors import Invalid

# What a user calls the columns their free text lands in, for "too long" errors.
TEXT_NAMES = {
    "name": "The title",
    "title": "The title",
    "summary": "The summary",
    "close_reason": "The reason",
    "rationale": "`why:`",
    "owner_id": "`owner:`",
    "decider_id": "`decider:`",
    "channel_id": "`channel:`",
}


def refuse_overlong_text(session: Session, _context: Any, _instances: Any) -> None:
    """A `before_flush` hook: raise Invalid naming the field when a string exceeds its column's length."""
    for row in [*session.new, *session.dirty]:
        table = getattr(type(row), "__table__", None)
        for column in table.columns if table is not None else ():
            limit = getattr(column.type, "length", None)
            value = getattr(row, column.key, None)
            if limit and isinstance(value, str) and len(value) > limit:
                what = TEXT_NAMES.get(column.key, f"`{column.key}:`")
                raise Invalid(f"{what} is too long: {len(value)} characters; keep it to {limit}.")
