"""Every date form, both directions, both day orders, relative to a fixed today: Tue 2026-12-01."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from commands.dates import date_phrase_length, is_date_phrase, parse_date
from commands.problems import UsageError

TODAY = dt.date(2026, 12, 1)  # a Tuesday
D = dt.date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2027-01-05", D(2027, 1, 5)),
        ("2026-11-05", D(2026, 11, 5)),  # a full date is that date, even when past
        ("today", TODAY),
        ("tomorrow", D(2026, 12, 2)),
        ("mon", D(2026, 12, 7)),
        ("Monday", D(2026, 12, 7)),
        ("tue", D(2026, 12, 8)),  # a weekday is never today
        ("tues", D(2026, 12, 8)),
        ("thurs", D(2026, 12, 3)),
        ("fri", D(2026, 12, 4)),
        ("friday", D(2026, 12, 4)),
        ("next friday", D(2026, 12, 4)),
        ("sun", D(2026, 12, 6)),
        ("+3d", D(2026, 12, 4)),
        ("+2w", D(2026, 12, 15)),
        ("+0d", TODAY),
        ("in 3 days", D(2026, 12, 4)),
        ("in 2 weeks", D(2026, 12, 15)),
        ("in a week", D(2026, 12, 8)),
        ("in 1 month", D(2027, 1, 1)),
        ("end of week", D(2026, 12, 4)),
        ("eow", D(2026, 12, 4)),
        ("end of month", D(2026, 12, 31)),
        ("end of the month", D(2026, 12, 31)),
        ("eom", D(2026, 12, 31)),
        ("eoq", D(2026, 12, 31)),
        ("end of quarter", D(2026, 12, 31)),
        ("eoy", D(2026, 12, 31)),
        ("12/5", D(2026, 12, 5)),
        ("12/1", TODAY),  # a date without a year may be today
        ("11/30", D(2027, 11, 30)),
        ("1/5", D(2027, 1, 5)),
        ("12/5/27", D(2027, 12, 5)),
        ("12/5/2027", D(2027, 12, 5)),
        ("Dec 5", D(2026, 12, 5)),
        ("dec. 5", D(2026, 12, 5)),
        ("5 Dec", D(2026, 12, 5)),
        ("December 5th", D(2026, 12, 5)),
        ("5th of December", D(2026, 12, 5)),
        ("Dec 5,", D(2026, 12, 5)),  # the end of a clause
        ("Jan 5", D(2027, 1, 5)),
        ("Sept 3", D(2027, 9, 3)),
        ("NOV 30", D(2027, 11, 30)),
        ("Dec 5 2027", D(2027, 12, 5)),
        ("Dec 5, 2027", D(2027, 12, 5)),
        ("5 December 2027", D(2027, 12, 5)),
        ("Feb 29", D(2028, 2, 29)),
        ("  next   FRIDAY ", D(2026, 12, 4)),
    ],
)
def test_future_facing(raw: str, expected: dt.date) -> None:
    assert parse_date(raw, today=TODAY) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-05", D(2026, 11, 5)),
        ("today", TODAY),
        ("yesterday", D(2026, 11, 30)),
        ("mon", D(2026, 11, 30)),
        ("tue", D(2026, 11, 24)),  # never today, as in the future
        ("fri", D(2026, 11, 27)),
        ("next friday", D(2026, 12, 4)),  # `next` is always ahead
        ("-1w", D(2026, 11, 24)),
        ("-3d", D(2026, 11, 28)),
        ("3 days ago", D(2026, 11, 28)),
        ("2 weeks ago", D(2026, 11, 17)),
        ("a week ago", D(2026, 11, 24)),
        ("1 month ago", D(2026, 11, 1)),
        ("tomorrow", D(2026, 12, 2)),  # a future form still means what it says
        ("+3d", D(2026, 12, 4)),
        ("end of week", D(2026, 11, 27)),
        ("eom", D(2026, 11, 30)),
        ("eoq", D(2026, 9, 30)),
        ("eoy", D(2025, 12, 31)),
        ("Dec 5", D(2025, 12, 5)),
        ("Dec 1", TODAY),
        ("Nov 30", D(2026, 11, 30)),
        ("12/5", D(2025, 12, 5)),
        ("Dec 5 2027", D(2027, 12, 5)),
        ("Feb 29", D(2024, 2, 29)),
    ],
)
def test_past_facing(raw: str, expected: dt.date) -> None:
    assert parse_date(raw, today=TODAY, past=True) == expected


@pytest.mark.parametrize(
    ("raw", "month_first", "day_first"),
    [
        ("12/5", D(2026, 12, 5), D(2027, 5, 12)),
        ("1/5", D(2027, 1, 5), D(2027, 5, 1)),
        ("5/12", D(2027, 5, 12), D(2026, 12, 5)),
        ("12/5/27", D(2027, 12, 5), D(2027, 5, 12)),
        ("Dec 5", D(2026, 12, 5), D(2026, 12, 5)),  # a month's name needs no order
        ("5 Dec", D(2026, 12, 5), D(2026, 12, 5)),
    ],
)
def test_the_workspace_order_reads_numeric_dates(raw: str, month_first: dt.date, day_first: dt.date) -> None:
    assert parse_date(raw, today=TODAY) == month_first
    assert parse_date(raw, today=TODAY, day_first=True) == day_first


@pytest.mark.parametrize(
    ("raw", "day_first", "order", "suggestion"),
    [
        ("31/1", False, "month/day", "2027-01-31"),
        ("1/31", True, "day/month", "2027-01-31"),
        ("13/5 ", False, "month/day", "2027-05-13"),
    ],
)
def test_a_date_in_the_other_order_is_refused_with_a_suggestion(
    raw: str, day_first: bool, order: str, suggestion: str
) -> None:
    with pytest.raises(UsageError) as raised:
        parse_date(raw, today=TODAY, day_first=day_first)
    assert raised.value.code == "date_order"
    assert raised.value.values == {"value": raw, "order": order, "suggestion": suggestion}


@pytest.mark.parametrize(
    ("raw", "today", "past", "expected"),
    [
        ("Jan 5", D(2026, 12, 1), False, D(2027, 1, 5)),
        ("Dec 5", D(2027, 1, 2), True, D(2026, 12, 5)),
        ("Dec 5", D(2027, 1, 2), False, D(2027, 12, 5)),
        ("Jan 5", D(2027, 1, 2), True, D(2026, 1, 5)),
        ("1/1", D(2026, 12, 31), False, D(2027, 1, 1)),
        ("12/31", D(2027, 1, 1), True, D(2026, 12, 31)),
        ("in 1 month", D(2027, 1, 31), False, D(2027, 2, 28)),  # a month ahead keeps to the month's last day
        ("+1w", D(2026, 12, 28), False, D(2027, 1, 4)),
        ("-1w", D(2027, 1, 3), True, D(2026, 12, 27)),
        ("mon", D(2026, 12, 31), False, D(2027, 1, 4)),
        ("fri", D(2027, 1, 1), True, D(2026, 12, 25)),
    ],
)
def test_the_year_rolls_over(raw: str, today: dt.date, past: bool, expected: dt.date) -> None:
    assert parse_date(raw, today=today, past=past) == expected


@pytest.mark.parametrize(
    ("today", "future", "past"),
    [
        (D(2026, 3, 31), D(2026, 3, 31), D(2025, 12, 31)),
        (D(2026, 4, 1), D(2026, 6, 30), D(2026, 3, 31)),
        (D(2026, 6, 30), D(2026, 6, 30), D(2026, 3, 31)),
        (D(2026, 7, 1), D(2026, 9, 30), D(2026, 6, 30)),
        (D(2026, 9, 30), D(2026, 9, 30), D(2026, 6, 30)),
        (D(2026, 10, 1), D(2026, 12, 31), D(2026, 9, 30)),
        (D(2026, 12, 31), D(2026, 12, 31), D(2026, 9, 30)),
        (D(2027, 1, 1), D(2027, 3, 31), D(2026, 12, 31)),
    ],
)
def test_end_of_quarter_at_the_quarter_ends(today: dt.date, future: dt.date, past: dt.date) -> None:
    assert parse_date("eoq", today=today) == future
    assert parse_date("end of quarter", today=today, past=True) == past


@pytest.mark.parametrize(
    ("raw", "today", "future", "past"),
    [
        ("eom", D(2026, 2, 28), D(2026, 2, 28), D(2026, 1, 31)),
        ("eom", D(2028, 2, 15), D(2028, 2, 29), D(2028, 1, 31)),
        ("eom", D(2026, 3, 1), D(2026, 3, 31), D(2026, 2, 28)),
        ("eow", D(2026, 12, 4), D(2026, 12, 4), D(2026, 11, 27)),  # on a Friday
        ("eow", D(2026, 12, 5), D(2026, 12, 11), D(2026, 12, 4)),  # on a Saturday
        ("eoy", D(2026, 12, 31), D(2026, 12, 31), D(2025, 12, 31)),
    ],
)
def test_ends_of_periods(raw: str, today: dt.date, future: dt.date, past: dt.date) -> None:
    assert parse_date(raw, today=today) == future
    assert parse_date(raw, today=today, past=True) == past


@pytest.mark.parametrize(
    ("raw", "today", "expected"),
    [
        ("+1d", D(2026, 3, 28), D(2026, 3, 29)),  # Europe's clocks go forward on the 29th
        ("tomorrow", D(2026, 10, 31), D(2026, 11, 1)),  # and back on 2026-10-25 / the US's on 11-01
        ("+1w", D(2026, 3, 5), D(2026, 3, 12)),  # the US's clocks go forward on 03-08
        ("eom", D(2026, 10, 20), D(2026, 10, 31)),
    ],
)
def test_dates_are_calendar_days_across_clock_changes(raw: str, today: dt.date, expected: dt.date) -> None:
    assert parse_date(raw, today=today) == expected


@time_machine.travel(dt.datetime(2031, 6, 15, 12, tzinfo=dt.UTC), tick=False)
def test_the_clock_is_never_read() -> None:
    assert parse_date("tomorrow", today=TODAY) == D(2026, 12, 2)
    assert parse_date("Jan 5", today=TODAY) == D(2027, 1, 5)
    assert parse_date("12/5/27", today=TODAY) == D(2027, 12, 5)


@pytest.mark.parametrize(
    "raw",
    [
        *("someday", "", "2030-02-30", "2030-13-01", "Feb 30", "Jun 31", "32 Dec", "Dec 0", "13/13", "0/5"),
        *("+3m", "+1000d", "in 3 fortnights", "may", "5", "sat 5", "Dec 5 at", "December", "next", "next week"),
        *("\u0662\u0660\u0663\u0660-\u0660\u0661-\u0660\u0661", "+\u0663d", "2030-1-1", "12/5/202"),
    ],
)
def test_what_is_not_a_date(raw: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_date(raw, today=TODAY)
    assert raised.value.code == "date_invalid"
    assert raised.value.values["value"] == raw


def test_a_date_past_year_9999_is_not_a_date() -> None:
    with pytest.raises(UsageError) as raised:
        parse_date("+2w", today=D(9999, 12, 25))
    assert raised.value.code == "date_invalid"
    found = raised.value.values["examples"]
    assert isinstance(found, tuple) and found[:2] == ("9999-12-25", "Dec 25")  # today: 30 days on is past 9999


def examples(today: dt.date = TODAY, *, past: bool = False, day_first: bool = False) -> tuple[str, ...]:
    with pytest.raises(UsageError) as raised:
        parse_date("someday", today=today, past=past, day_first=day_first)
    found = raised.value.values["examples"]
    assert isinstance(found, tuple)
    return found


def test_the_examples_fit_the_direction_and_the_order() -> None:
    assert examples()[:4] == ("2026-12-31", "Dec 31", "31 Dec", "12/31")
    assert examples(day_first=True)[:4] == ("2026-12-31", "Dec 31", "31 Dec", "31/12")
    assert examples(past=True)[:4] == ("2026-11-01", "Nov 1", "1 Nov", "11/1")
    assert {"eom", "eoq", "+3d", "next friday"} <= set(examples())
    assert {"yesterday", "-1w"} <= set(examples(past=True)) and "yesterday" not in examples()


@pytest.mark.parametrize("today", [TODAY, D(2027, 1, 2), D(2028, 2, 29)])
@pytest.mark.parametrize("past", [False, True])
@pytest.mark.parametrize("day_first", [False, True])
def test_every_example_is_accepted(today: dt.date, past: bool, day_first: bool) -> None:
    for example in examples(today, past=past, day_first=day_first):
        parse_date(example, today=today, past=past, day_first=day_first)


@pytest.mark.parametrize("raw", ["yesterday", "Yesterday", "-1w", "-3d", "3 days ago", "a week ago"])
def test_past_only_forms_are_refused_in_a_future_facing_field(raw: str) -> None:
    assert parse_date(raw, today=TODAY, past=True) < TODAY
    with pytest.raises(UsageError) as raised:
        parse_date(raw, today=TODAY)
    assert raised.value.code == "date_past_only"
    assert raised.value.values["value"] == raw


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["end", "of", "the", "month", "vendor"], 4),
        (["end", "of", "month"], 3),
        (["in", "2", "weeks", "vendor"], 3),
        (["Dec", "5", "2027", "vendor"], 3),
        (["Dec", "5", "vendor"], 2),
        (["Dec", "5", "at", "noon"], 2),
        (["next", "friday", "if", "possible"], 2),
        (["3", "days", "ago"], 3),
        (["Feb", "30"], 2),  # the shape of a date: the value is refused later, not split
        (["fri", "5", "markets"], 1),
        (["+2w", "Dec", "5"], 1),
        (["vendor", "Dec", "5"], 0),
        (["may", "slip"], 0),
        ([], 0),
    ],
)
def test_date_phrase_length(words: list[str], expected: int) -> None:
    assert date_phrase_length(words) == expected


def test_a_phrase_is_at_most_four_words() -> None:
    assert is_date_phrase("end  of the   month")
    assert date_phrase_length(["end", "of", "the", "month"]) == 4
    assert not is_date_phrase("the end of the month")
