"""Column names as registers write them, mapped onto Pulse's fields."""

from __future__ import annotations

import pytest

from bot.spreadsheets import map_headers, map_rows, normalise
from bot.spreadsheets.fields import FIELDS, KINDS, Kind
from bot.spreadsheets.headers import INDEX
from bot.spreadsheets.table import RawRow

BRIEF = {
    "risks": {
        "title": ["Risk", "Risk description", "Description", "Title", "Risk title"],
        "likelihood": ["Probability", "L", "Likelihood", "Likelihood (1-5)", "P"],
        "impact": ["Severity", "Impact", "Impact (1-5)", "I", "S"],
        "owner": ["Owner", "Owner email", "Risk owner", "Assigned to"],
        "review_date": ["Review", "Next review", "Review date"],
        "mitigation": ["Mitigation", "Mitigation plan", "Response plan"],
        "response": ["Response", "Strategy", "Treatment"],
        "category": ["Category"],
        "trigger": ["Trigger", "Early warning"],
        "status": ["Status"],
    },
    "actions": {
        "title": ["Title", "Action"],
        "owner": ["Owner"],
        "due": ["Due", "Due date", "Deadline", "Target date"],
        "status": ["Status"],
        "risk": ["Risk ID", "Risk"],
        "decision": ["Decision ID", "Linked decision"],
    },
    "decisions": {
        "title": ["Title", "Decision"],
        "decider": ["Approver", "Decider", "Decision maker"],
        "rationale": ["Why", "Rationale", "Reason"],
        "options": ["Options"],
        "context": ["Context"],
        "consulted": ["Consulted"],
        "informed": ["Informed"],
        "status": ["Status"],
        "date": ["Date"],
    },
    "kpis": {
        "name": ["Name", "KPI"],
        "unit": ["Unit"],
        "target": ["Target", "Target (%)"],
        "direction": ["Direction"],
        "warning": ["Warning"],
        "owner": ["Owner"],
        "source": ["Source"],
        "reading_value": ["Value", "Reading value"],
        "reading_date": ["Reading date", "Date"],
    },
}
CASES = [
    (kind, name, header) for kind, fields in BRIEF.items() for name, headers in fields.items() for header in headers
]


@pytest.mark.parametrize(("kind", "name", "header"), CASES)
def test_the_names_registers_use(kind: Kind, name: str, header: str) -> None:
    assert INDEX[kind][normalise(header)].name == name


@pytest.mark.parametrize(
    ("header", "normal"),
    [
        ("Likelihood (1-5)", "likelihood"),
        ("  LIKELIHOOD:  ", "likelihood"),
        ("\ufeffTitle", "title"),
        ("Review_Date", "review date"),
        ("review-date", "review date"),
        ("Target [%]", "target"),
        ("Impact 1\N{EN DASH}5", "impact"),
        ("Risk #", "risk number"),
        ("Owner\N{NO-BREAK SPACE}email", "owner email"),
    ],
)
def test_normalise(header: str, normal: str) -> None:
    assert normalise(header) == normal


def test_every_label_and_field_name_maps_to_its_field() -> None:
    for kind in KINDS:
        for spec in FIELDS[kind]:
            assert INDEX[kind][normalise(spec.label)] is spec
            assert INDEX[kind][normalise(spec.name)] is spec


def test_unknown_columns_are_ignored_and_listed() -> None:
    columns = map_headers("risks", ["Risk", "L", "I", "Score", "RAG"], ["line 1"] * 5)
    assert columns.ok
    assert dict(columns.columns) == {"title": 0, "likelihood": 1, "impact": 2}
    assert columns.warnings == ("ignored columns Pulse does not know: 'Score' (line 1), 'RAG' (line 1)",)


def test_missing_required_columns_are_errors_naming_what_is_accepted() -> None:
    columns = map_headers("risks", ["Risk", "Owner"])
    assert not columns.ok
    assert len(columns.errors) == 2
    assert columns.errors[0].startswith("missing column 'Likelihood': name it one of 'Likelihood', 'Probability', 'L'")
    assert columns.errors[1].startswith("missing column 'Impact': name it one of 'Impact', 'Severity'")
    with pytest.raises(ValueError, match="missing column 'Likelihood'"):
        list(map_rows(columns, []))


def test_two_columns_for_one_field_the_first_wins() -> None:
    columns = map_headers("risks", ["Title", "L", "I", "Owner", "Owner email"], ["A1", "B1", "C1", "D1", "E1"])
    assert columns.columns["owner"] == 3
    assert columns.warnings == ("'Owner email' (E1) also means owner; the first such column is used",)


def test_rows_become_records_with_problems_per_cell() -> None:
    columns = map_headers("risks", ["Title", "Likelihood", "Impact", "Review date", "Score"])
    rows = [
        RawRow(2, ("Fraud ring", "4", "severe", "2026-12-01", "20"), "row"),
        RawRow(3, ("", "7", "3", "next week", ""), "row"),
        RawRow(4, ("", "", "", "", "99"), "row"),  # only an unknown column: skipped
    ]
    first, second = map_rows(columns, rows)
    assert first.where == "row 2" and not first.problems
    assert first.values["likelihood"] == 4 and first.values["impact"] == 5
    assert [str(problem) for problem in second.problems] == [
        "cell B3: likelihood must be 1 to 5, not 7",
        "cell D3: review_date is not a date: 'next week' (write YYYY-MM-DD, DD/MM/YYYY or 1 Dec 2026)",
        "cell A3: title is empty",
    ]


def test_a_kpi_reading_needs_both_value_and_date() -> None:
    columns = map_headers("kpis", ["KPI", "Value", "Date"])
    (record,) = map_rows(columns, [RawRow(5, ("SLA", "95%", ""))])
    assert [str(problem) for problem in record.problems] == ["line 5: reading_date is needed with reading_value"]
