"""Exports: export -> read -> map gives the same rows back, in every format; files open well in Excel."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Mapping

import pytest
from openpyxl import load_workbook

from bot.spreadsheets import FIELDS, Value, export, read_register
from bot.spreadsheets.fields import Kind
from bot.spreadsheets.write import Format

D = dt.date
RISKS: list[dict[str, Value]] = [
    {
        "ref": "R-1",
        "program": "TNS-APPEALS",
        "title": '=HYPERLINK("http://x") looks like a formula',
        "likelihood": 4,
        "impact": 5,
        "owner": "@ana",
        "review_date": D(2026, 12, 1),
        "mitigation": 'Block, then review;\nsecond line with "quotes" and Zoë',
        "response": "mitigate",
        "category": "2024",
        "trigger": "-5% drop in precision",
        "status": "open",
    },
    {
        "ref": "R-2",
        "program": "TNS-APPEALS",
        "title": "#N/A is not an error here",
        "likelihood": 1,
        "impact": 2,
        "owner": "U02ABCDEF",
        "review_date": None,
        "mitigation": None,
        "response": "accept",
        "category": None,
        "trigger": "+10 appeals an hour",
        "status": "closed",
    },
]
DECISIONS: list[dict[str, Value]] = [
    {
        "ref": "D-3",
        "title": "Launch appeals v2",
        "decider": "Doe, Jane",
        "consulted": ("Doe, Jane", "bob@x.com", "U02ABC"),
        "informed": (),
        "date": D(2026, 11, 30),
        "status": "decided",
        "rationale": "Why not",
    }
]
KPIS: list[dict[str, Value]] = [
    {
        "name": "Appeals SLA",
        "unit": "%",
        "target": 95.0,
        "direction": "up",
        "warning": 92.5,
        "reading_value": 96.125,
        "reading_date": D(2026, 12, 1),
    },
    {
        "name": "Time to action",
        "unit": "hours",
        "target": 24.0,
        "direction": "down",
        "warning": None,
        "reading_value": 1234567.0,
        "reading_date": D(2026, 12, 1),
    },
]
ACTIONS: list[dict[str, Value]] = [
    {
        "ref": "A-9",
        "title": "Hire reviewers",
        "owner": "ana@x.com",
        "due": D(2027, 1, 15),
        "status": "open",
        "risk": "R-1",
    }
]
CASES: list[tuple[Kind, list[dict[str, Value]]]] = [
    ("risks", RISKS),
    ("decisions", DECISIONS),
    ("kpis", KPIS),
    ("actions", ACTIONS),
]


def _columns(rows: list[dict[str, Value]]) -> list[str]:
    return list(rows[0])


def _round_trip(kind: Kind, rows: list[dict[str, Value]], format: Format) -> list[Mapping[str, Value]]:
    data = export(kind, rows, _columns(rows), format)
    result = read_register(kind, data, name=f"export.{format}")
    assert result.errors == () and result.warnings == () and result.problems == ()
    return [record.values for record in result.records]


@pytest.mark.parametrize("format", ["csv", "xlsx", "json"])
@pytest.mark.parametrize(("kind", "rows"), CASES)
def test_export_then_import_gives_the_same_rows(kind: Kind, rows: list[dict[str, Value]], format: Format) -> None:
    assert _round_trip(kind, rows, format) == rows


@pytest.mark.parametrize("format", ["csv", "xlsx", "json"])
def test_all_columns_by_default(format: Format) -> None:
    data = export("risks", RISKS[:1], format=format)
    result = read_register("risks", data, name=f"x.{format}")
    assert list(result.records[0].values) == [spec.name for spec in FIELDS["risks"]]


def test_csv_is_utf8_with_bom_crlf_iso_dates_and_guarded_formulas() -> None:
    data = export("risks", RISKS, ["title", "likelihood", "review_date", "owner"], "csv")
    assert data.startswith(b"\xef\xbb\xbfTitle,Likelihood,Review date,Owner\r\n")
    text = data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",2026-12-01," in text and ",'@ana\r\n" in text


def test_xlsx_has_a_bold_frozen_header_real_dates_and_text_kept_as_text() -> None:
    data = export("risks", RISKS, ["title", "likelihood", "review_date", "mitigation"], "xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert sheet.title == "Risks"
    assert [cell.value for cell in sheet[1]] == ["Title", "Likelihood", "Review date", "Mitigation"]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("=HYPERLINK")
    assert sheet["A3"].data_type == "s" and sheet["A3"].value == "#N/A is not an error here"
    assert sheet["B2"].value == 4
    assert sheet["C2"].is_date and sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet["C2"].value == dt.datetime(2026, 12, 1)
    assert sheet.column_dimensions["A"].width == pytest.approx(len(str(RISKS[0]["title"])) + 2)
    assert sheet.column_dimensions["B"].width == pytest.approx(len("Likelihood") + 2)


def test_json_is_a_list_keyed_by_field_name() -> None:
    items = json.loads(export("decisions", DECISIONS, ["ref", "consulted", "date"], "json"))
    assert items == [{"ref": "D-3", "consulted": ["Doe, Jane", "bob@x.com", "U02ABC"], "date": "2026-11-30"}]


def test_unknown_columns_are_refused() -> None:
    with pytest.raises(KeyError, match="risks have no field 'score'"):
        export("risks", RISKS, ["title", "score"])


@pytest.mark.parametrize("format", ["csv", "json"])
def test_text_formats_keep_every_digit(format: Format) -> None:
    rows: list[dict[str, Value]] = [{"name": "Ratio", "target": 0.1 + 0.2, "warning": 1e-7}]
    assert _round_trip("kpis", rows, format) == rows
