"""Reading a register file (CSV, XLSX or JSON) as a header and a stream of rows that know their place.

Decisions, the same for every format:
- Blank rows are skipped. The header is the first row with two or more filled cells; single-cell rows
  above it (a sheet title such as "Risk register Q3", merged across or not) are skipped and noted.
- A merged header cell names the first column it covers; the columns it spans get no name (and are
  ignored) unless the next row names them: then the header has two rows (see `_two_row_header`), row 1
  holding group titles ("Assessment" over B:D) and row 2 the column names ("Likelihood", "Impact").
- Data rows are padded or cut to the header's width.

CSV: the encoding is UTF-8 (with or without BOM) when the whole file decodes as such, else UTF-16 when
it starts with a UTF-16 BOM (Excel's "Unicode text"), else Windows-1252 (Excel's "CSV" on Western
Windows, latin-1 with curly quotes and the euro sign), else latin-1. The dialect (comma, semicolon,
tab or pipe) comes from `csv.Sniffer`; the quote character is always '"'. A leading apostrophe that
Pulse's export puts before '=', '+', '-', '@', a tab or a carriage return (so spreadsheets do not run
the text as a formula) is taken off again.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from typing import IO, BinaryIO, Literal

from bot.spreadsheets.table import FORMULA_STARTS, CellValue, Origin, RawRow, ReadError, Table

Format = Literal["csv", "xlsx", "json"]
Source = str | os.PathLike[str] | bytes | BinaryIO
SNIFF_CHARS = 64 * 1024
TITLE_LOOKAHEAD = 10
DELIMITERS = ",;\t|"
EXTENSIONS: dict[str, Format] = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}
EXTENSIONS[".json"] = "json"
Numbered = tuple[int, tuple[CellValue, ...]]
Placer = Callable[[int, int], str]


@contextmanager
def open_table(
    source: Source, *, sheet: str | None = None, format: Format | None = None, name: str | None = None
) -> Iterator[Table]:
    """Open a register: a path, the file's bytes or a binary file object; `name` labels it in messages.

    The format is `format`, else the file name's extension, else XLSX when the bytes are a zip, else CSV.
    `sheet` picks an XLSX sheet by name (default: the first visible one). Rows stream while the table is open.
    """
    label = name or (os.fspath(source) if isinstance(source, str | os.PathLike) else "the file")
    with _binary(source) as stream:
        kind = format or _format(label, stream)
        if kind == "xlsx":
            from bot.spreadsheets import _xlsx

            with _xlsx.open_sheet(stream, sheet) as (title, rows):
                yield assemble(f"{label}, sheet {title}", "row", rows)
        elif kind == "json":
            yield assemble(label, "item", _json_rows(stream))
        else:
            yield assemble(label, "line", _csv_rows(stream))


@contextmanager
def _binary(source: Source) -> Iterator[BinaryIO]:
    if isinstance(source, bytes):
        yield io.BytesIO(source)
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        if not path.is_file():
            raise ReadError(f"{path} is not a file")
        with path.open("rb") as stream:
            yield stream
    else:
        yield source


def _format(label: str, stream: BinaryIO) -> Format:
    suffix = Path(label).suffix.lower()
    if suffix == ".xls":
        raise ReadError(f"{label} is an old-style Excel file (.xls): save it as .xlsx or CSV and try again")
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    start = stream.read(4)
    stream.seek(0)
    return "xlsx" if start == b"PK\x03\x04" else "csv"


def detect_encoding(stream: BinaryIO) -> str:
    """The encoding to read a CSV with (see the module's docstring); reads the stream once, in chunks."""
    start = stream.read(4)
    stream.seek(0)
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not start.startswith(codecs.BOM_UTF32_LE):
        return "utf-16"
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := stream.read(1 << 16):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        finally:
            stream.seek(0)
        return encoding
    return "latin-1"


def sniff_dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    """The CSV dialect of `sample`: csv.Sniffer's guess among , ; tab |, checked against the first line."""
    lines = sample.splitlines()
    complete = "\n".join(lines[:-1] if len(lines) > 1 and not sample.endswith(("\n", "\r")) else lines)
    # The header is most likely the line, of the first few, with the most of one delimiter (titles have few).
    heads = [line for line in lines if line.strip()][: TITLE_LOOKAHEAD + 1]
    first = max(heads, key=lambda line: max(line.count(d) for d in DELIMITERS), default="")
    try:
        dialect = csv.Sniffer().sniff(complete, delimiters=DELIMITERS)
    except csv.Error:
        dialect = None
    most = max(DELIMITERS, key=first.count)
    if dialect is None or (first.count(dialect.delimiter) == 0 and first.count(most) > 0):
        # No guess, or one the header line does not contain: the delimiter the header has most of.
        return _with_delimiter(most) if first.count(most) else csv.excel
    # Excel and every exporter quote with '"' (RFC 4180); the Sniffer takes apostrophes in text for quotes.
    dialect.quotechar = '"'
    dialect.doublequote = True
    return dialect


def _with_delimiter(delimiter: str) -> type[csv.Dialect]:
    class Dialect(csv.excel):
        pass

    Dialect.delimiter = delimiter
    return Dialect


def _csv_rows(stream: BinaryIO) -> Iterator[Numbered]:
    encoding = detect_encoding(stream)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        sample = text.read(SNIFF_CHARS)
        text.seek(0)
        reader = csv.reader(text, sniff_dialect(sample))
        start = 1
        for record in reader:
            yield start, tuple(_unescape(cell) for cell in record)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ReadError(f"line {reader.line_num}: {exc}") from None
    finally:
        if not text.closed:  # the caller's file stays open for it; left unread, it may be closed already
            text.detach()


def _unescape(cell: str) -> str:
    if cell.startswith("'") and cell[1:2] in FORMULA_STARTS:
        return cell[1:]
    return cell


def _json_rows(stream: IO[bytes]) -> Iterator[Numbered]:
    """A JSON export: a list of objects (or {"rows": [...]}); columns are the keys in order of appearance."""
    try:
        data = json.load(stream)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ReadError(f"not JSON: {exc}") from None
    items = data.get("rows") if isinstance(data, dict) else data
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ReadError('JSON must be a list of objects (or {"rows": [...]})')
    keys = list(dict.fromkeys(key for item in items for key in item))
    yield 0, tuple(keys)
    for number, item in enumerate(items, start=1):
        yield number, tuple(_json_cell(item.get(key)) for key in keys)


def _json_cell(value: object) -> CellValue:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        return tuple(value)
    return json.dumps(value, sort_keys=True)


def _filled(cells: tuple[CellValue, ...]) -> int:
    return sum(1 for cell in cells if cell is not None and (not isinstance(cell, str) or cell.strip()))


def assemble(label: str, origin: Origin, numbered: Iterable[Numbered]) -> Table:
    """Find the header in raw numbered rows (see the module's docstring) and stream the rows under it."""
    rows = (row for row in numbered if _filled(row[1]))
    ahead: list[Numbered] = []
    for row in rows:
        ahead.append(row)
        if _filled(row[1]) >= 2 or len(ahead) > TITLE_LOOKAHEAD:
            break
    if not ahead:
        raise ReadError(f"{label} has no rows")
    titles = [] if _filled(ahead[-1][1]) < 2 else ahead[:-1]
    if not titles:
        ahead, (number, header) = ahead[1:], ahead[0]
    else:
        ahead, (number, header) = [], ahead[-1]
    notes = [f"skipped {origin} {n} above the header: {_first(cells)!r}" for n, cells in titles]
    rest: Iterator[Numbered] = chain(ahead, rows)
    following = next(rest, None)
    place = _placer(origin)
    names = [_header_text(cell) for cell in header]
    where = [place(number, column) for column in range(len(header))]
    if following is not None and following[0] == number + 1 and _two_row_header(header, following[1]):
        names, where = _combine(names, where, following, place)
        notes.append(f"two-row header: group titles in {origin} {number}, column names in {origin} {following[0]}")
    elif following is not None:
        rest = chain([following], rest)
    width = len(names)
    return Table(
        source=label,
        headers=tuple(names),
        header_where=tuple(where),
        rows=(RawRow(n, _fit(cells, width), origin) for n, cells in rest),
        notes=notes,
    )


def _first(cells: tuple[CellValue, ...]) -> CellValue:
    return next(cell for cell in cells if cell is not None and (not isinstance(cell, str) or cell.strip()))


def _header_text(cell: CellValue) -> str:
    from bot.spreadsheets.values import text

    return "" if cell is None else " ".join(text(cell).split())


def _placer(origin: Origin) -> Placer:
    def place(number: int, column: int) -> str:
        return "the JSON keys" if origin == "item" else RawRow(number, (), origin).where(column)

    return place


def _fit(cells: tuple[CellValue, ...], width: int) -> tuple[CellValue, ...]:
    if len(cells) >= width:
        return cells[:width]
    return cells + (None,) * (width - len(cells))


def _spans(cells: tuple[CellValue, ...], width: int) -> list[tuple[int, int]]:
    """(first, last) columns each filled cell covers: itself and the blank cells after it (as merges read)."""
    filled = [column for column in range(width) if column < len(cells) and _filled((cells[column],))]
    return [(column, (filled[n + 1] - 1) if n + 1 < len(filled) else width - 1) for n, column in enumerate(filled)]


def _two_row_header(top: tuple[CellValue, ...], below: tuple[CellValue, ...]) -> bool:
    """Whether `below` names the columns under group titles in `top`.

    It does when it is all text, every title that spans one column has nothing under it, and at least
    one title spanning several columns has two or more names under it. A data row fails the second test.
    """
    width = max(len(top), len(below))
    below = _fit(below, width)
    if any(cell is not None and not isinstance(cell, str) for cell in below):
        return False
    grouped = False
    for first, last in _spans(_fit(top, width), width):
        under = _filled(below[first : last + 1])
        if first == last and under:
            return False
        grouped = grouped or (first < last and under >= 2)
    return grouped


def _combine(names: list[str], where: list[str], below: Numbered, place: Placer) -> tuple[list[str], list[str]]:
    number, cells = below
    width = max(len(names), len(cells))
    names, cells = names + [""] * (width - len(names)), _fit(cells, width)
    combined, places = [], []
    for column in range(width):
        name = _header_text(cells[column])
        combined.append(name or names[column])
        places.append(place(number, column) if name else (where[column] if column < len(where) else ""))
    return combined, places
