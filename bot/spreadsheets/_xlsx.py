"""Streaming the rows of one sheet of an .xlsx workbook with openpyxl (read-only mode, cached values).

In read-only mode a merged range's value sits in its first cell and the others read as empty, which
is what `read.assemble` expects of merged headers. Imported only when an .xlsx file is read.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from bot.spreadsheets.table import CellValue, ReadError

Numbered = tuple[int, tuple[CellValue, ...]]


@contextmanager
def open_sheet(stream: BinaryIO, sheet: str | None) -> Iterator[tuple[str, Iterator[Numbered]]]:
    """The chosen sheet's title and its rows as (row number, values); the workbook closes on exit."""
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ReadError(f"not an Excel workbook (.xlsx): {exc}") from None
    try:
        worksheet = _pick(book, sheet)
        worksheet.reset_dimensions()  # some writers record a wrong size; read every row there is
        yield worksheet.title, _rows(worksheet)
    finally:
        book.close()


def _pick(book: Workbook, sheet: str | None) -> ReadOnlyWorksheet:
    """The sheet named `sheet` (case does not matter), else the first visible worksheet."""
    sheets = [ws for ws in book.worksheets if isinstance(ws, ReadOnlyWorksheet)]
    if sheet is not None:
        for worksheet in sheets:
            if worksheet.title == sheet or worksheet.title.casefold() == sheet.strip().casefold():
                return worksheet
        raise ReadError(f"no sheet named {sheet!r}; the sheets are {', '.join(repr(ws.title) for ws in sheets)}")
    visible = [ws for ws in sheets if ws.sheet_state == "visible"] or sheets
    if not visible:
        raise ReadError("the workbook has no worksheets")
    return visible[0]


def _rows(worksheet: ReadOnlyWorksheet) -> Iterator[Numbered]:
    cells = worksheet.iter_rows(min_row=1, min_col=1, values_only=True)  # type: ignore[misc]  # stubs miss read-only
    for number, values in enumerate(cells, start=1):
        yield number, tuple(_value(value) for value in values)


def _value(value: object) -> CellValue:
    """openpyxl's value as a CellValue: durations and rich text become text."""
    if value is None or isinstance(value, str | int | float | bool | dt.datetime | dt.date | dt.time):
        return value
    return str(value)
