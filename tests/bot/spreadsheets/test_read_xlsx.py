"""XLSX registers: merged and two-row headers, sheets, real and serial dates, cell references in problems."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.spreadsheets import ReadError, open_table, read_register
from tests.bot.spreadsheets.xlsx import workbook

D = dt.date
Numbered = tuple[int, tuple[object, ...]]


def _headers_and_rows(
    data: bytes, sheet: str | None = None
) -> tuple[tuple[str, ...], list[tuple[int, tuple[object, ...]]]]:
    with open_table(data, name="register.xlsx", sheet=sheet) as table:
        return table.headers, [(row.number, row.values) for row in table.rows]


def test_a_merged_header_names_its_first_column_and_the_rest_are_ignored() -> None:
    data = workbook(
        {"Risks": [["Risk", "L", "I", "Owner", None], ["Fraud ring", 4, 5, "Ana", "ana@x.com"]]},
        merges={"Risks": ["D1:E1"]},
    )
    result = read_register("risks", data, name="risks.xlsx")
    assert result.errors == ()
    (record,) = result.records
    assert record.where == "row 2"
    assert record.values == {"title": "Fraud ring", "likelihood": 4, "impact": 5, "owner": "Ana"}


def test_a_two_row_header_group_titles_over_column_names() -> None:
    rows: list[list[object]] = [
        ["ID", "Risk", "Assessment", None, None, "Owner"],
        [None, None, "Likelihood (1-5)", "Impact (1-5)", "Score", None],
        ["R-1", "Fraud ring", 4, 5, 20, "ana@x.com"],
    ]
    data = workbook({"Register": rows}, merges={"Register": ["A1:A2", "B1:B2", "C1:E1", "F1:F2"]})
    with open_table(data, name="register.xlsx") as table:
        assert table.headers == ("ID", "Risk", "Likelihood (1-5)", "Impact (1-5)", "Score", "Owner")
        assert table.header_where == ("cell A1", "cell B1", "cell C2", "cell D2", "cell E2", "cell F1")
        assert table.notes == ["two-row header: group titles in row 1, column names in row 2"]
        assert [row.number for row in table.rows] == [3]
    result = read_register("risks", data, name="register.xlsx")
    assert result.records[0].values["likelihood"] == 4
    assert result.warnings == (
        "two-row header: group titles in row 1, column names in row 2",
        "ignored columns Pulse does not know: 'Score' (cell E2)",
    )


def test_a_merged_title_above_the_header_is_skipped() -> None:
    rows: list[list[object]] = [["Risk register: TNS-APPEALS, Q4 2026"], [], ["Risk", "L", "I"], ["Bot farm", 2, 3]]
    data = workbook({"Q4": rows}, merges={"Q4": ["A1:C1"]})
    with open_table(data, name="register.xlsx") as table:
        assert table.headers == ("Risk", "L", "I")
        assert table.notes == ["skipped row 1 above the header: 'Risk register: TNS-APPEALS, Q4 2026'"]
        assert [(row.number, row.values) for row in table.rows] == [(4, ("Bot farm", 2, 3))]


def test_sheets_by_name_or_the_first_visible_one() -> None:
    data = workbook(
        {"Lookups": [["a", "b"], [1, 2]], "Risks": [["Risk", "L", "I"], ["A", 1, 1]], "Old": [["Risk", "L"], ["B", 2]]},
        hidden=["Lookups"],
    )
    assert _headers_and_rows(data)[0] == ("Risk", "L", "I")
    assert _headers_and_rows(data, sheet="old")[1] == [(2, ("B", 2))]
    with open_table(data, name="r.xlsx", sheet="Old") as table:
        assert table.source == "r.xlsx, sheet Old"
    with (
        pytest.raises(ReadError, match="no sheet named 'Actions'; the sheets are 'Lookups', 'Risks', 'Old'"),
        open_table(data, name="r.xlsx", sheet="Actions"),
    ):
        pass


def test_dates_as_date_cells_serial_numbers_and_text() -> None:
    rows: list[list[object]] = [
        ["Action", "Owner", "Due"],
        ["Real date", "ana", dt.datetime(2026, 12, 1)],
        ["Serial number", "ana", 46357],
        ["ISO text", "ana", "2026-12-01"],
        ["Day-first text", "ana", "01/12/2026"],
        ["Bad", "ana", "end of Q4"],
        ["Blank", "ana", None],
    ]
    result = read_register("actions", workbook({"Actions": rows}), name="actions.xlsx")
    dues = [record.values["due"] for record in result.records]
    assert dues == [D(2026, 12, 1)] * 4 + [None, None]
    assert [str(problem) for problem in result.problems] == [
        "cell C6: due is not a date: 'end of Q4' (write YYYY-MM-DD, DD/MM/YYYY or 1 Dec 2026)",
        "cell C7: due is empty",
    ]


def test_blank_rows_and_ragged_rows() -> None:
    rows: list[list[object]] = [["Risk", "L", "I"], [], ["A", 1, 1], [None, None, None], ["B", 2], ["C", 3, 3, "stray"]]
    assert _headers_and_rows(workbook({"S": rows}))[1] == [(3, ("A", 1, 1)), (5, ("B", 2, None)), (6, ("C", 3, 3))]


def test_bytes_without_a_name_are_recognised_as_xlsx() -> None:
    data = workbook({"S": [["Risk", "L", "I"], ["A", 1, 1]]})
    with open_table(data) as table:
        assert table.source == "the file, sheet S"
        assert table.headers == ("Risk", "L", "I")


def test_a_broken_workbook_is_a_read_error() -> None:
    with pytest.raises(ReadError, match="not an Excel workbook"), open_table(b"PK\x03\x04 not really", name="x.xlsx"):
        pass
