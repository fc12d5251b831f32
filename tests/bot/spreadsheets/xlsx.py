"""Building .xlsx files in tests, the way people make them in Excel: merges, titles, dates, hidden sheets."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook

Cells = Sequence[Sequence[object]]


def workbook(
    sheets: dict[str, Cells], merges: dict[str, Sequence[str]] | None = None, hidden: Sequence[str] = ()
) -> bytes:
    """An .xlsx with one sheet per entry (rows from A1), merged ranges per sheet, some sheets hidden."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
        for merged in (merges or {}).get(title, ()):
            sheet.merge_cells(merged)
        if title in hidden:
            sheet.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
