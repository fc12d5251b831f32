"""Mapping a register's column names onto Pulse's fields, and its rows onto typed records.

`map_headers` decides which column feeds which field (unknown columns are ignored and listed in a
warning; a missing required column is an error naming the names accepted); `map_rows` then turns
each raw row into a `Record` of typed values, with a `Problem` per cell that could not be read.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from bot.spreadsheets import values
from bot.spreadsheets.fields import FIELDS, FieldSpec, Kind
from bot.spreadsheets.table import CellValue, RawRow

Value = str | int | float | dt.date | tuple[str, ...] | None
"""A field's value: text, a 1-5 score, a number, a date, people (a tuple), or None when blank."""
BRACKETED = re.compile(r"[(\[{][^)\]}]*[)\]}]")
SCALE = re.compile(r"\b[01]\s*(?:-|\N{EN DASH}|to)\s*(?:5|10)\b")


def normalise(header: str) -> str:
    """A column name reduced for comparison: 'Likelihood (1-5)' -> 'likelihood', 'Risk #' -> 'risk number'."""
    name = unicodedata.normalize("NFKC", header)
    name = "".join(ch for ch in name if unicodedata.category(ch) != "Cf").casefold()
    name = SCALE.sub(" ", BRACKETED.sub(" ", name)).replace("#", " number ")
    name = re.sub(r"[\W_]+", " ", name)
    return " ".join(name.split())


def _index(kind: Kind) -> dict[str, FieldSpec]:
    index: dict[str, FieldSpec] = {}
    for spec in FIELDS[kind]:
        for name in spec.names:
            key = normalise(name)
            if index.get(key, spec) is not spec:
                raise AssertionError(f"{kind}: {name!r} would mean both {index[key].name} and {spec.name}")
            index[key] = spec
    return index


INDEX: dict[Kind, dict[str, FieldSpec]] = {kind: _index(kind) for kind in FIELDS}


@dataclass(frozen=True)
class ColumnMap:
    """Which column (0-based) feeds each field, and what was ignored or is missing."""

    kind: Kind
    columns: Mapping[str, int]
    warnings: tuple[str, ...]
    errors: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


def map_headers(kind: Kind, headers: Iterable[str], where: Iterable[str] = ()) -> ColumnMap:
    """Match each header to a field of `kind`; the first of two columns meaning one field wins."""
    index = INDEX[kind]
    places = list(where)
    columns: dict[str, int] = {}
    unknown: list[str] = []
    warnings: list[str] = []
    for position, header in enumerate(headers):
        place = places[position] if position < len(places) else f"column {position + 1}"
        if not header.strip():
            continue
        spec = index.get(normalise(header))
        if spec is None:
            unknown.append(f"{header!r} ({place})")
        elif spec.name in columns:
            warnings.append(f"{header!r} ({place}) also means {spec.name}; the first such column is used")
        else:
            columns[spec.name] = position
    if unknown:
        warnings.insert(0, f"ignored columns Pulse does not know: {', '.join(unknown)}")
    errors = tuple(_missing(spec) for spec in FIELDS[kind] if spec.required and spec.name not in columns)
    return ColumnMap(kind, columns, tuple(warnings), errors)


def _missing(spec: FieldSpec) -> str:
    accepted = ", ".join(repr(name) for name in spec.names if name != spec.name)
    return f"missing column {spec.label!r}: name it one of {accepted}"


@dataclass(frozen=True)
class Problem:
    """A value that could not be read: where ('cell C7', 'line 12'), which field, and why."""

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.field} {self.message}"


@dataclass(frozen=True)
class Record:
    """One row as Pulse's fields (None where blank; people as a tuple) and what was wrong in it."""

    where: str
    values: Mapping[str, Value]
    problems: tuple[Problem, ...] = ()
    places: Mapping[str, str] = field(default_factory=dict)  # field -> where its cell is ('cell C7', 'line 12')


def map_rows(columns: ColumnMap, rows: Iterable[RawRow], *, day_first: bool = True) -> Iterator[Record]:
    """Each raw row as a Record; rows with nothing in any known column are skipped."""
    if not columns.ok:
        raise ValueError("; ".join(columns.errors))
    specs = [(spec, columns.columns[spec.name]) for spec in FIELDS[columns.kind] if spec.name in columns.columns]
    for row in rows:
        cells = [
            (spec, position, row.values[position] if position < len(row.values) else None) for spec, position in specs
        ]
        if all(values.blank(cell) for _, _, cell in cells):
            continue
        record: dict[str, Value] = {}
        problems: list[Problem] = []
        for spec, position, cell in cells:
            try:
                record[spec.name] = convert(spec, cell, day_first=day_first)
            except ValueError as exc:
                record[spec.name] = None
                problems.append(Problem(row.where(position), spec.name, str(exc)))
        unreadable = {problem.field for problem in problems}
        problems += _rule_problems(row, specs, record, unreadable)
        places = {spec.name: row.where(position) for spec, position, _ in cells}
        yield Record(row.where(), record, tuple(problems), places)


def _rule_problems(
    row: RawRow, specs: list[tuple[FieldSpec, int]], record: Mapping[str, Value], unreadable: set[str]
) -> list[Problem]:
    """Required values left blank, and values that need another (a reading's value needs its date)."""
    problems = []
    for spec, position in specs:
        if spec.name in unreadable:
            continue
        if record.get(spec.name) not in (None, ()):
            if spec.needs and spec.needs not in unreadable and record.get(spec.needs) in (None, ()):
                problems.append(Problem(row.where(position), spec.needs, f"is needed with {spec.name}"))
        elif spec.required:
            problems.append(Problem(row.where(position), spec.name, "is empty"))
    return problems


def convert(spec: FieldSpec, cell: CellValue, *, day_first: bool = True) -> Value:
    """One cell as the field's type (blank -> None, or () for people)."""
    if values.blank(cell):
        return () if spec.type == "people" else None
    if spec.type == "score":
        return values.score(cell, spec.words or {})
    if spec.type == "number":
        return values.number(cell)
    if spec.type == "date":
        return values.date(cell, day_first)
    if spec.type == "people":
        return values.people(cell)
    if spec.type == "choice":
        return values.choice(cell, spec.choices or {})
    return values.text(cell)
