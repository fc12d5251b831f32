"""Reading streams: rows are read as they are used, so memory does not follow the file's length.

CSV memory stays flat. XLSX keeps the workbook's shared-string table (one entry per distinct text, as
the format requires) but not its rows: far less than holding the records.
"""

from __future__ import annotations

import datetime as dt
import tracemalloc
from pathlib import Path

from bot.spreadsheets import export, map_headers, map_rows, open_table
from bot.spreadsheets.headers import Value
from bot.spreadsheets.write import Format


def _rows(count: int) -> list[dict[str, Value]]:
    return [
        {
            "ref": f"R-{n}",
            "title": f"Risk number {n} with a fairly long description to make the rows realistic",
            "likelihood": n % 5 + 1,
            "impact": (n // 5) % 5 + 1,
            "owner": f"owner{n % 40}@example.com",
            "review_date": dt.date(2026, 1, 1) + dt.timedelta(days=n % 365),
            "status": "open",
        }
        for n in range(count)
    ]


def _peak_while_reading(path: Path, keep: bool = False) -> tuple[int, int]:
    """(records read, peak bytes allocated while reading them), keeping the records or not."""
    tracemalloc.start()
    try:
        with open_table(path) as table:
            columns = map_headers("risks", table.headers, table.header_where)
            records = map_rows(columns, table.rows)
            count = len(list(records)) if keep else sum(1 for _ in records)
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _file(tmp_path: Path, count: int, format: Format) -> Path:
    rows = _rows(count)
    path = tmp_path / f"risks-{count}.{format}"
    path.write_bytes(export("risks", rows, list(rows[0]), format))
    return path


def test_csv_memory_does_not_grow_with_rows(tmp_path: Path) -> None:
    small, large = _file(tmp_path, 2_500, "csv"), _file(tmp_path, 10_000, "csv")
    (count_small, peak_small), (count_large, peak_large) = _peak_while_reading(small), _peak_while_reading(large)
    assert (count_small, count_large) == (2_500, 10_000)
    assert peak_large < peak_small * 1.5 + 64_000
    assert peak_large < large.stat().st_size / 2


def test_xlsx_memory_does_not_grow_with_rows(tmp_path: Path) -> None:
    small, large = _file(tmp_path, 500, "xlsx"), _file(tmp_path, 2_000, "xlsx")
    (count_small, peak_small), (count_large, peak_large) = _peak_while_reading(small), _peak_while_reading(large)
    assert (count_small, count_large) == (500, 2_000)
    assert peak_large < peak_small * 3  # 4 times the rows: the rows themselves are not held
    _, peak_keeping = _peak_while_reading(large, keep=True)
    assert peak_large < peak_keeping / 2
