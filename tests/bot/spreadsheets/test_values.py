"""Cell values as Pulse's types: dates in the forms registers use, numbers, 1-5 scores, people, choices."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.spreadsheets import values
from bot.spreadsheets.fields import IMPACT_WORDS, LIKELIHOOD_WORDS, field
from bot.spreadsheets.table import CellValue

DEC_1 = dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    "cell",
    [
        DEC_1,
        dt.datetime(2026, 12, 1, 9, 30),
        "2026-12-01",
        " 2026-12-01 ",
        "20261201",
        "2026-12-01T10:00:00",
        "2026-12-01 10:00",
        "01/12/2026",
        "1/12/26",
        "01-12-2026",
        "01.12.2026",
        "2026/12/01",
        "1 Dec 2026",
        "1 December 2026",
        "Dec 1, 2026",
        "December 1st, 2026",
        "01-Dec-2026",
        "01/12/2026 10:30",
        46357,
        46357.0,
        "46357",
    ],
)
def test_dates_in_the_forms_registers_use(cell: CellValue) -> None:
    assert values.date(cell) == DEC_1


def test_month_first_when_asked() -> None:
    assert values.date("12/01/2026", day_first=False) == DEC_1
    assert values.date("2026-12-01", day_first=False) == DEC_1
    with pytest.raises(ValueError, match="MM/DD/YYYY"):
        values.date("13/01/2026", day_first=False)


@pytest.mark.parametrize("cell", ["31/31/2026", "soon", "Q4", "12/31/2026", 5, 3.5, True, "2026-02-30"])
def test_not_dates(cell: CellValue) -> None:
    with pytest.raises(ValueError, match="is not a date"):
        values.date(cell)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (95, 95.0),
        (95.5, 95.5),
        ("95%", 95.0),
        ("1,234.5", 1234.5),
        ("12,5", 12.5),
        ("1 234", 1234.0),
        ("\N{MINUS SIGN}3", -3.0),
    ],
)
def test_numbers(cell: CellValue, expected: float) -> None:
    assert values.number(cell) == expected


@pytest.mark.parametrize("cell", ["abc", "1.2.3", True, "1,2,3"])
def test_not_numbers(cell: CellValue) -> None:
    with pytest.raises(ValueError, match="not a number"):
        values.number(cell)


@pytest.mark.parametrize(
    ("cell", "words", "expected"),
    [
        (3, LIKELIHOOD_WORDS, 3),
        (4.0, LIKELIHOOD_WORDS, 4),
        ("2", LIKELIHOOD_WORDS, 2),
        ("3 - Possible", LIKELIHOOD_WORDS, 3),
        ("5 (almost certain)", LIKELIHOOD_WORDS, 5),
        ("Almost certain", LIKELIHOOD_WORDS, 5),
        ("almost-certain", LIKELIHOOD_WORDS, 5),
        ("Rare", LIKELIHOOD_WORDS, 1),
        ("Severe", IMPACT_WORDS, 5),
        ("minor", IMPACT_WORDS, 2),
    ],
)
def test_scores(cell: CellValue, words: dict[str, int], expected: int) -> None:
    assert values.score(cell, words) == expected


@pytest.mark.parametrize("cell", [0, 6, 2.5, "7", "often", "35"])
def test_not_scores(cell: CellValue) -> None:
    with pytest.raises(ValueError, match="1 to 5"):
        values.score(cell, LIKELIHOOD_WORDS)


def test_people_split_on_semicolons_before_commas() -> None:
    assert values.people("alice@x.com, U02ABC") == ("alice@x.com", "U02ABC")
    assert values.people("Doe, Jane; Smith, Bob") == ("Doe, Jane", "Smith, Bob")
    assert values.people("a\nb") == ("a", "b")
    assert values.people(("a", " ", "b ")) == ("a", "b")


def test_choices_accept_the_words_registers_use() -> None:
    response = field("risks", "response").choices or {}
    assert values.choice("Reduce", response) == "mitigate"
    assert values.choice("TRANSFER", response) == "transfer"
    direction = field("kpis", "direction").choices or {}
    assert values.choice("Higher is better", direction) == "up"
    assert values.choice("\N{DOWNWARDS ARROW}", direction) == "down"
    with pytest.raises(ValueError, match="must be one of avoid, mitigate, transfer, accept"):
        values.choice("ignore", response)


def test_text_of_typed_cells() -> None:
    assert values.text(3.0) == "3"
    assert values.text(dt.datetime(2026, 12, 1)) == "2026-12-01"
    assert values.text("  x ") == "x"
