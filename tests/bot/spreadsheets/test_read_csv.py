"""Messy CSV registers as people really have them: BOMs, semicolons, tabs, code pages, blank lines, titles."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from bot.spreadsheets import ReadError, open_table, read_register
from bot.spreadsheets.read import detect_encoding, sniff_dialect


def _table(data: bytes) -> tuple[tuple[str, ...], list[tuple[int, tuple[object, ...]]]]:
    with open_table(data, name="register.csv") as table:
        return table.headers, [(row.number, row.values) for row in table.rows]


def test_utf8_with_bom_reads_the_first_header_clean() -> None:
    headers, rows = _table(codecs.BOM_UTF8 + "Risk,L,I,Owner\nZoë's queue,3,4,zoë@x.com\n".encode())
    assert headers == ("Risk", "L", "I", "Owner")
    assert rows == [(2, ("Zoë's queue", "3", "4", "zoë@x.com"))]


def test_semicolons_with_commas_and_quotes_inside_fields() -> None:
    data = 'Risk;Probability;Severity;Mitigation\n"Fraud ring; wave 2";4;5;"Block, then review ""edge"" cases"\n'
    headers, rows = _table(data.encode())
    assert headers == ("Risk", "Probability", "Severity", "Mitigation")
    assert rows == [(2, ("Fraud ring; wave 2", "4", "5", 'Block, then review "edge" cases'))]


def test_tabs_and_excel_unicode_text_export() -> None:
    data = "Risk\tL\tI\r\nBot farm\t2\t3\r\nSpam, wave\t1\t1\r\n"
    assert _table(data.encode())[1] == [(2, ("Bot farm", "2", "3")), (3, ("Spam, wave", "1", "1"))]
    assert _table(data.encode("utf-16"))[1] == [(2, ("Bot farm", "2", "3")), (3, ("Spam, wave", "1", "1"))]


def test_windows_1252_and_latin_1_files() -> None:
    cp1252 = "Risk;Owner\n\N{LEFT DOUBLE QUOTATION MARK}Scam\N{RIGHT DOUBLE QUOTATION MARK} ads €5;Zoë\n".encode(
        "cp1252"
    )
    assert _table(cp1252)[1] == [
        (2, ("\N{LEFT DOUBLE QUOTATION MARK}Scam\N{RIGHT DOUBLE QUOTATION MARK} ads €5", "Zoë"))
    ]
    latin1 = "Risk;Owner\nFraude ;José".encode("latin-1") + b"\x81\n"  # 0x81 is not Windows-1252
    assert _table(latin1)[1] == [(2, ("Fraude ", "José\x81"))]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"a,b\n", "utf-8-sig"),
        (codecs.BOM_UTF8 + b"a,b\n", "utf-8-sig"),
        ("é,ü".encode("cp1252"), "cp1252"),
        ("a,b".encode("utf-16"), "utf-16"),
        (b"a" * 70000 + "é".encode(), "utf-8-sig"),  # past the first chunk
    ],
)
def test_detect_encoding(data: bytes, encoding: str) -> None:
    import io

    assert detect_encoding(io.BytesIO(data)) == encoding


def test_blank_lines_are_skipped_and_rows_keep_their_line_numbers() -> None:
    data = b'Risk,L,I\n\nA,1,1\n  ,  ,  \n\n"B\nsecond line",2,2\nC,3,3\n'
    assert _table(data)[1] == [(3, ("A", "1", "1")), (6, ("B\nsecond line", "2", "2")), (8, ("C", "3", "3"))]


def test_title_lines_above_the_header_are_skipped_and_noted() -> None:
    data = b"Risk register Q3;;;\n;;;\nRisk;L;I;Owner\nA;1;2;x\n"
    with open_table(data, name="register.csv") as table:
        assert table.headers == ("Risk", "L", "I", "Owner")
        assert [row.number for row in table.rows] == [4]
        assert table.notes == ["skipped line 1 above the header: 'Risk register Q3'"]


def test_a_title_without_delimiters_does_not_decide_the_dialect() -> None:
    data = "\ufeffRisk register, Q3\n\nRisk;Probability;Severity\nVendor short;4;5\n".encode()
    with open_table(data, name="register.csv") as table:
        assert table.headers == ("Risk", "Probability", "Severity")
        assert [row.values for row in table.rows] == [("Vendor short", "4", "5")]


def test_rows_are_padded_or_cut_to_the_header() -> None:
    data = b"Risk,L,I\nA,1\nB,2,2,extra,cells\n"
    assert _table(data)[1] == [(2, ("A", "1", None)), (3, ("B", "2", "2"))]


def test_a_two_row_header_with_group_titles() -> None:
    data = b"ID,Risk,Assessment,,,Owner\n,,Likelihood,Impact,Score,\nR-1,Fraud ring,4,5,20,alice\n"
    with open_table(data, name="register.csv") as table:
        assert table.headers == ("ID", "Risk", "Likelihood", "Impact", "Score", "Owner")
        assert table.header_where == ("line 1", "line 1", "line 2", "line 2", "line 2", "line 1")
        assert [row.values for row in table.rows] == [("R-1", "Fraud ring", "4", "5", "20", "alice")]


def test_a_header_followed_by_data_is_one_row_even_with_blank_header_cells() -> None:
    data = b"Risk,L,I,Notes,\nFraud ring,4,5,see doc,x\n"
    headers, rows = _table(data)
    assert headers == ("Risk", "L", "I", "Notes", "")
    assert rows == [(2, ("Fraud ring", "4", "5", "see doc", "x"))]


def test_apostrophe_guards_from_export_come_off() -> None:
    assert _table(b"Risk,Owner\n'=SUM(A1),'@alice\n'plain,x\n")[1] == [
        (2, ("=SUM(A1)", "@alice")),
        (3, ("'plain", "x")),
    ]


def test_one_column_files_and_files_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "titles.csv"
    path.write_bytes(b"Title\nFirst\nSecond\n")
    with open_table(path) as table:
        assert table.source == str(path)
        assert table.headers == ("Title",)
        assert [row.values for row in table.rows] == [("First",), ("Second",)]


def test_sniffing_falls_back_sensibly() -> None:
    assert sniff_dialect("Title\nOne\n").delimiter == ","
    assert sniff_dialect("a;b;c\n1;2;3\n").delimiter == ";"
    assert sniff_dialect("a|b|c\n1|2|3\n").delimiter == "|"
    assert sniff_dialect("a\tb\n1\t2").delimiter == "\t"


def test_empty_and_missing_files_are_read_errors(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="has no rows"), open_table(b"\n\n  \n", name="x.csv"):
        pass
    with pytest.raises(ReadError, match="is not a file"), open_table(tmp_path / "nope.csv"):
        pass
    with pytest.raises(ReadError, match="old-style Excel"), open_table(b"\xd0\xcf\x11\xe0", name="risks.xls"):
        pass


def test_a_messy_risk_register_end_to_end() -> None:
    data = (
        codecs.BOM_UTF8
        + (
            "Risk Register: TNS-APPEALS;;;;;;\n"
            + "\n"
            + "Risk description;Probability;Severity;Owner email;Next review;Strategy;RAG\n"
            + "Appeal queue backlog;4;Major;ana@x.com;01/12/2026;Reduce;Red\n"
            + "\n"
            + "Reviewer burnout;likely;3;U02ABC;2026-12-15;accept;Amber\n"
            + "Vendor outage;9;2;bob@x.com;31/02/2026;;Green\n"
        ).encode()
    )
    result = read_register("risks", data, name="appeals.csv")
    assert result.errors == ()
    assert result.warnings == (
        "skipped line 1 above the header: 'Risk Register: TNS-APPEALS'",
        "ignored columns Pulse does not know: 'RAG' (line 3)",
    )
    first, second, third = result.records
    assert (first.where, first.values["likelihood"], first.values["impact"], first.values["response"]) == (
        "line 4",
        4,
        4,
        "mitigate",
    )
    assert str(first.values["review_date"]) == "2026-12-01"
    assert second.where == "line 6" and second.values["owner"] == "U02ABC" and not second.problems
    assert [str(problem) for problem in result.problems] == [
        "line 7: likelihood must be 1 to 5, not 9",
        "line 7: review_date is not a date: '31/02/2026' (write YYYY-MM-DD, DD/MM/YYYY or 1 Dec 2026)",
    ]
    assert third.values["title"] == "Vendor outage"


def test_missing_columns_stop_the_import() -> None:
    result = read_register("actions", b"Action,Owner\nShip it,ana\n", name="actions.csv")
    assert result.records == ()
    assert result.errors == (
        "missing column 'Due': name it one of 'Due', 'Due date', 'Deadline', 'Target date', 'Due by', 'By when'",
    )
