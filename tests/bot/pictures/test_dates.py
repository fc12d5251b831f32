"""Date-axis ticks: weeks for short spans, months (year where it starts) for long ones."""

from __future__ import annotations

import datetime as dt

from bot.pictures._dates import date_ticks

D = dt.date


def test_short_spans_tick_on_mondays() -> None:
    ticks = date_ticks(D(2026, 11, 4), D(2026, 12, 2))
    assert ticks == [
        (D(2026, 11, 9), "9 Nov\n2026"),
        (D(2026, 11, 16), "16 Nov"),
        (D(2026, 11, 23), "23 Nov"),
        (D(2026, 11, 30), "30 Nov"),
    ]


def test_long_spans_tick_on_month_starts_with_the_year_where_it_changes() -> None:
    ticks = date_ticks(D(2026, 10, 15), D(2027, 2, 20), most=8)
    assert [text for _, text in ticks] == ["Nov\n2026", "Dec", "Jan\n2027", "Feb"]


def test_never_more_than_asked_for() -> None:
    for days in (10, 60, 200, 400, 1500, 9000):
        assert 1 <= len(date_ticks(D(2026, 1, 1), D(2026, 1, 1) + dt.timedelta(days=days), most=8)) <= 8


def test_a_span_without_a_monday_still_gets_a_tick() -> None:
    assert date_ticks(D(2026, 1, 1), D(2026, 1, 2)) == [(D(2026, 1, 1), "1 Jan\n2026")]
