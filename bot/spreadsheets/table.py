"""What the readers produce: a header and rows of raw cell values, each row knowing where it came from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

CellValue = str | int | float | bool | dt.datetime | dt.date | dt.time | tuple[str, ...] | None
"""A cell as the file holds it: CSV gives text, XLSX typed values, JSON lists of people as tuples."""

Origin = Literal["line", "row", "item"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Text starting with one of these is a formula to a spreadsheet: CSV export guards it with an apostrophe."""


class ReadError(ValueError):
    """The file cannot be read as a table at all (wrong format, no header, no such sheet)."""


def column_letter(index: int) -> str:
    """Excel's name of the 1-based column `index`: 1 -> A, 27 -> AA."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


@dataclass(frozen=True)
class RawRow:
    """One data row: `number` is the CSV line where it starts, the sheet row, or the JSON item (1-based)."""

    number: int
    values: tuple[CellValue, ...]
    origin: Origin = "line"

    def where(self, column: int | None = None) -> str:
        """'line 12', 'row 7' or 'item 3'; for a sheet and a 0-based column, the cell: 'cell C7'."""
        if self.origin == "row" and column is not None:
            return f"cell {column_letter(column + 1)}{self.number}"
        return f"{self.origin} {self.number}"


@dataclass
class Table:
    """An open table: its column names, where each came from, and its rows (an iterator: read once)."""

    source: str
    headers: tuple[str, ...]
    header_where: tuple[str, ...]
    rows: Iterator[RawRow]
    notes: list[str] = field(default_factory=list)
