"""The evidence benchmark's register is a valid messy register: every row reads without a problem."""

from __future__ import annotations

from pathlib import Path

from bench.evidence import register_rows, write_csv, write_xlsx
from bot.spreadsheets import read_register


def test_the_benchmarks_files_read_cleanly_with_their_quirks(tmp_path: Path) -> None:
    rows = register_rows(50)
    write_csv(tmp_path / "register.csv", rows)
    write_xlsx(tmp_path / "register.xlsx", rows)
    for name in ("register.csv", "register.xlsx"):
        result = read_register("risks", tmp_path / name)
        assert not result.errors and not result.problems, name
        assert len(result.records) == 50
        assert "ignored columns Pulse does not know: 'Score'" in " ".join(result.warnings)
    csv_notes = read_register("risks", tmp_path / "register.csv").warnings
    assert any("skipped line 1 above the header" in note for note in csv_notes)
