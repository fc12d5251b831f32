"""Writing registers: CSV, XLSX and JSON from rows of canonical fields, read back by `read` + `headers`.

Decisions:
- Headers are the fields' labels ("Review date"); JSON uses the field names ("review_date") as keys.
- CSV is UTF-8 with a BOM (Excel opens BOM-less UTF-8 as the local code page and garbles names like
  "Zoë"; every other tool, and Pulse's reader, skips the BOM), comma-separated, CRLF line ends, dates
  as YYYY-MM-DD. Text starting with '=', '+', '-' or '@' gets a leading apostrophe so a spreadsheet
  shows it instead of running it as a formula; Pulse's reader takes the apostrophe off again.
- XLSX: bold frozen header row, columns as wide as their content (up to 60), dates as real date cells
  shown YYYY-MM-DD, text always stored as text (never a formula or an error value). Numbers keep the
  15-16 significant digits a spreadsheet holds.
- People lists are written "a; b" (a semicolon, so "Doe, Jane" survives the trip).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from bot.spreadsheets.fields import FIELDS, FieldSpec, Kind, field
from bot.spreadsheets.headers import Value
from bot.spreadsheets.table import FORMULA_STARTS

Format = Literal["csv", "xlsx", "json"]
Row = Mapping[str, Value]
MAX_WIDTH = 60
WIDTH_SAMPLE = 500


def columns_for(kind: Kind, columns: Sequence[str] | None = None) -> tuple[FieldSpec, ...]:
    """The fields to write, in order: `columns` (canonical field names) or all of the kind's fields."""
    if columns is None:
        return FIELDS[kind]
    return tuple(field(kind, name) for name in columns)


def export(kind: Kind, rows: Iterable[Row], columns: Sequence[str] | None = None, format: Format = "csv") -> bytes:
    """The rows as a file's bytes in `format`."""
    specs = columns_for(kind, columns)
    if format == "xlsx":
        return write_xlsx(kind, specs, rows)
    if format == "json":
        return write_json(specs, rows)
    return write_csv(specs, rows)


def display(value: Value) -> str:
    """A value as the text a person sees: dates YYYY-MM-DD, people 'a; b', blank for None."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        return "; ".join(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def cell_text(spec: FieldSpec, value: Value) -> str:
    """A value as CSV text: `display`, with text that a spreadsheet would run as a formula guarded."""
    text = display(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS) and spec.type != "number":
        return "'" + text
    return text


def write_csv(specs: Sequence[FieldSpec], rows: Iterable[Row], *, bom: bool = True) -> bytes:
    """UTF-8 CSV (with a BOM unless bom=False), header row first."""
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(spec.label for spec in specs)
    for row in rows:
        writer.writerow(cell_text(spec, row.get(spec.name)) for spec in specs)
    return text.getvalue().encode("utf-8-sig" if bom else "utf-8")


def write_json(specs: Sequence[FieldSpec], rows: Iterable[Row]) -> bytes:
    """A JSON list of objects keyed by field name; dates as YYYY-MM-DD, people as lists."""
    items = [{spec.name: _json_value(row.get(spec.name)) for spec in specs} for row in rows]
    return json.dumps(items, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def _json_value(value: Value) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def write_xlsx(kind: Kind, specs: Sequence[FieldSpec], rows: Iterable[Row]) -> bytes:
    """An .xlsx workbook with one sheet named after the kind (streamed: openpyxl's write-only mode)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    rows = list(rows)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(kind.capitalize())
    sheet.freeze_panes = "A2"
    for index, spec in enumerate(specs, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _width(spec, rows)
    header = []
    for spec in specs:
        cell = WriteOnlyCell(sheet, spec.label)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, row.get(spec.name)) for spec in specs])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(sheet: Any, value: Value) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, tuple):
        value = "; ".join(value)
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"  # not a formula even when it starts with '=', not an error even when '#N/A'
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, dt.datetime.combine(value, dt.time()))
        cell.number_format = "yyyy-mm-dd"
        return cell
    return WriteOnlyCell(sheet, value)


def _width(spec: FieldSpec, rows: Sequence[Row]) -> float:
    """Characters wide: the longest of the label and the first rows' values, plus a margin."""
    longest = max((len(display(row.get(spec.name))) for row in rows[:WIDTH_SAMPLE]), default=0)
    return float(min(MAX_WIDTH, max(len(spec.label), longest) + 2))
