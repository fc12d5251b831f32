"""Column types shared by the models: aware UTC timestamps and JSON lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stores instants as UTC and always returns timezone-aware datetimes (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class JSONList(TypeDecorator[list[Any]]):
    """A JSON array column that never returns None."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: list[Any] | None, dialect: Dialect) -> list[Any]:
        return list(value or [])

    def process_result_value(self, value: list[Any] | None, dialect: Dialect) -> list[Any]:
        return list(value or [])


def utcnow() -> dt.datetime:
    """The current instant, timezone-aware (moves with time-machine in tests)."""
    return dt.datetime.now(dt.UTC)
