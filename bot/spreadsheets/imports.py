"""One call for `pulse import KIND FILE`: read the file, map its columns, convert its rows."""

from __future__ import annotations

from dataclasses import dataclass

from bot.spreadsheets.fields import Kind
from bot.spreadsheets.headers import Problem, Record, map_headers, map_rows
from bot.spreadsheets.read import Format, Source, open_table


@dataclass(frozen=True)
class Import:
    """What a file held: its records, and what to tell the person importing it.

    `errors` (missing required columns) mean nothing was read; `warnings` are the reader's decisions
    and the columns ignored; each record carries the problems of its own cells.
    """

    source: str
    records: tuple[Record, ...]
    warnings: tuple[str, ...]
    errors: tuple[str, ...]

    @property
    def problems(self) -> tuple[Problem, ...]:
        return tuple(problem for record in self.records for problem in record.problems)


def read_register(
    kind: Kind,
    source: Source,
    *,
    sheet: str | None = None,
    format: Format | None = None,
    name: str | None = None,
    day_first: bool = True,
) -> Import:
    """Read a whole register file of `kind` (see `read.open_table` for the arguments)."""
    with open_table(source, sheet=sheet, format=format, name=name) as table:
        columns = map_headers(kind, table.headers, table.header_where)
        if not columns.ok:
            return Import(table.source, (), (*table.notes, *columns.warnings), columns.errors)
        records = tuple(map_rows(columns, table.rows, day_first=day_first))
        return Import(table.source, records, (*table.notes, *columns.warnings), ())
