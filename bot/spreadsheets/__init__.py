"""Registers in and out: read CSV, XLSX or JSON risk, action, decision and KPI registers; write them back.

- `read_register(kind, file)`: the whole import in one call (records, warnings, errors).
- `read.open_table`, `headers.map_headers`, `headers.map_rows`: the same in steps, streaming.
- `write.export(kind, rows, columns, format)`: the bytes of a CSV, XLSX or JSON export.

openpyxl is imported only when an .xlsx file is read or written.
"""

from bot.spreadsheets.fields import FIELDS, KINDS, FieldSpec, Kind
from bot.spreadsheets.headers import ColumnMap, Problem, Record, Value, map_headers, map_rows, normalise
from bot.spreadsheets.imports import Import, read_register
from bot.spreadsheets.read import open_table
from bot.spreadsheets.table import RawRow, ReadError, Table
from bot.spreadsheets.write import export

__all__ = [
    "FIELDS",
    "KINDS",
    "ColumnMap",
    "FieldSpec",
    "Import",
    "Kind",
    "Problem",
    "RawRow",
    "ReadError",
    "Record",
    "Table",
    "Value",
    "export",
    "map_headers",
    "map_rows",
    "normalise",
    "open_table",
    "read_register",
]
