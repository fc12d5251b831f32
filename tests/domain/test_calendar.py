"""Working days, schedule days and schedule instants (store/calendar.py), across DST changes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import (
    WorkCalendar,
    in_local_window,
    instants_between,
    latest_due,
    local_instant,
    parse_days,
    parse_time,
    runs_on,
)

LONDON, NEW_YORK, KOLKATA = ZoneInfo("Europe/London"), ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata")
HOLIDAY = dt.date(2027, 3, 19)  # a Friday
CALENDAR = WorkCalendar(frozenset({HOLIDAY}))
NO_HOLIDAYS = WorkCalendar()


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def d(month: int, day: int, year: int = 2027) -> dt.date:
    return dt.date(year, month, day)


# Working days ----------------------------------------------------------------------------------------


def test_working_days_are_monday_to_friday_minus_holidays() -> None:
    week = [d(3, day) for day in range(15, 22)]  # Mon 15 .. Sun 21
    assert [CALENDAR.is_working_day(day) for day in week] == [True, True, True, True, False, False, False]
    assert NO_HOLIDAYS.is_working_day(HOLIDAY)


def test_first_working_day_skips_weekends_and_holidays() -> None:
    assert CALENDAR.first_working_day_from(d(3, 18)) == d(3, 18)
    assert CALENDAR.first_working_day_from(HOLIDAY) == d(3, 22)  # Friday holiday -> Monday
    assert CALENDAR.first_working_day_from(d(3, 13)) == d(3, 15)  # Saturday -> Monday


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (d(3, 3), d(3, 10), 5),  # Wed to Wed
        (d(3, 3), d(3, 5), 2),
        (d(3, 16), d(3, 24), 5),  # 17, 18, (19 holiday), 22, 23, 24
        (d(3, 18), d(3, 22), 1),  # the holiday and the weekend do not count
        (d(3, 10), d(3, 10), 0),
        (d(3, 10), d(3, 3), 0),
    ],
)
def test_working_days_between(start: dt.date, end: dt.date, count: int) -> None:
    assert CALENDAR.working_days_between(start, end) == count


# Schedule days and times -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("weekdays", "weekdays"),
        ("Daily", "daily"),
        ("mon", "mon"),
        ("Monday", "mon"),
        ("thu,mon", "mon,thu"),
        ("mon, thu,mon", "mon,thu"),
    ],
)
def test_parse_days(text: str, normal: str) -> None:
    assert parse_days(text) == normal


@pytest.mark.parametrize("text", ["", "funday", "mon,xyz", ","])
def test_parse_days_refuses_other_words(text: str) -> None:
    with pytest.raises(ValueError, match=text or "^$"):
        parse_days(text)


def test_schedules_run_on_their_days() -> None:
    march = [d(3, day) for day in range(15, 22)]  # Mon 15 .. Sun 21, Fri 19 a holiday
    assert [runs_on("weekdays", day, CALENDAR) for day in march] == [True, True, True, True, False, False, False]
    assert all(runs_on("daily", day, CALENDAR) for day in march)
    assert [runs_on("mon,thu", day, CALENDAR) for day in march] == [True, False, False, True, False, False, False]


@pytest.mark.parametrize(
    ("text", "value"), [("09:00", dt.time(9)), ("9:05", dt.time(9, 5)), ("23:59", dt.time(23, 59))]
)
def test_parse_time(text: str, value: dt.time) -> None:
    assert parse_time(text) == value


@pytest.mark.parametrize("text", ["0900", "9:5", "24:00", "12:60", "noon", "-1:00"])
def test_parse_time_refuses_other_spellings(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - parse_time says nothing more specific
        parse_time(text)


def test_local_window_is_start_inclusive_end_exclusive_in_the_persons_zone() -> None:
    nine, ten = dt.time(9), dt.time(10)
    assert in_local_window(utc(2027, 3, 9, 3, 30), KOLKATA, nine, ten)  # 09:00 IST
    assert not in_local_window(utc(2027, 3, 9, 4, 30), KOLKATA, nine, ten)  # 10:00 IST
    assert not in_local_window(utc(2027, 3, 9, 9), NEW_YORK, nine, ten)  # 04:00 EST


# Schedule instants across DST ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "before", "after"),
    [
        # UK spring forward on Sunday 2027-03-28: 09:00 GMT, then 09:00 BST.
        (LONDON, (d(3, 27), utc(2027, 3, 27, 9)), (d(3, 28), utc(2027, 3, 28, 8))),
        # UK fall back on Sunday 2027-10-31.
        (LONDON, (d(10, 30), utc(2027, 10, 30, 8)), (d(10, 31), utc(2027, 10, 31, 9))),
        # US spring forward on Sunday 2027-03-14: 09:00 EST, then 09:00 EDT.
        (NEW_YORK, (d(3, 13), utc(2027, 3, 13, 14)), (d(3, 14), utc(2027, 3, 14, 13))),
        # US fall back on Sunday 2027-11-07.
        (NEW_YORK, (d(11, 6), utc(2027, 11, 6, 13)), (d(11, 7), utc(2027, 11, 7, 14))),
    ],
)
def test_a_nine_oclock_digest_fires_at_nine_local_on_both_sides_of_a_dst_change(
    zone: ZoneInfo, before: tuple[dt.date, dt.datetime], after: tuple[dt.date, dt.datetime]
) -> None:
    nine = dt.time(9)
    for day, instant in (before, after):
        assert local_instant(day, nine, zone) == instant
        assert latest_due("daily", nine, zone, instant, NO_HOLIDAYS) == instant
        assert latest_due("daily", nine, zone, instant - dt.timedelta(minutes=1), NO_HOLIDAYS) == local_instant(
            day - dt.timedelta(days=1), nine, zone
        )
        assert instant.astimezone(zone).time() == nine


def test_weekly_digest_across_the_us_change() -> None:
    nine = dt.time(9)
    assert latest_due("mon", nine, NEW_YORK, utc(2027, 3, 15, 12, 59), CALENDAR) == utc(2027, 3, 8, 14)
    assert latest_due("mon", nine, NEW_YORK, utc(2027, 3, 15, 13), CALENDAR) == utc(2027, 3, 15, 13)


@pytest.mark.parametrize(
    ("zone", "night", "first", "second"),
    [
        (NEW_YORK, d(11, 7), utc(2027, 11, 7, 5, 30), utc(2027, 11, 7, 6, 30)),  # 01:30 EDT, then 01:30 EST
        (LONDON, d(10, 31), utc(2027, 10, 31, 0, 30), utc(2027, 10, 31, 1, 30)),  # 01:30 BST, then 01:30 GMT
    ],
)
def test_a_0130_digest_on_the_fall_back_night_fires_once(
    zone: ZoneInfo, night: dt.date, first: dt.datetime, second: dt.datetime
) -> None:
    at = dt.time(1, 30)
    assert first.astimezone(zone).time() == second.astimezone(zone).time() == at  # 01:30 happens twice
    ticks = [first - dt.timedelta(hours=2) + dt.timedelta(minutes=5 * n) for n in range(12 * 6)]
    dues = {latest_due("daily", at, zone, now, NO_HOLIDAYS) for now in ticks}
    assert dues == {local_instant(night - dt.timedelta(days=1), at, zone), first}
    assert second not in dues


@pytest.mark.parametrize(
    ("zone", "night", "at", "runs"),
    [
        (NEW_YORK, d(3, 14), dt.time(2, 30), utc(2027, 3, 14, 7, 30)),  # 02:30 never happens: 03:30 EDT
        (LONDON, d(3, 28), dt.time(1, 30), utc(2027, 3, 28, 1, 30)),  # 01:30 never happens: 02:30 BST
    ],
)
def test_a_digest_in_the_spring_forward_gap_runs_an_hour_later(
    zone: ZoneInfo, night: dt.date, at: dt.time, runs: dt.datetime
) -> None:
    assert local_instant(night, at, zone) == runs
    assert latest_due("daily", at, zone, runs, NO_HOLIDAYS) == runs
    assert latest_due("daily", at, zone, runs - dt.timedelta(seconds=1), NO_HOLIDAYS).date() < runs.date()  # type: ignore[union-attr]


def test_weekdays_digest_skips_the_holiday_and_the_weekend() -> None:
    half_four = dt.time(16, 30)
    monday = utc(2027, 3, 22, 9)
    assert latest_due("weekdays", half_four, LONDON, monday, CALENDAR) == utc(2027, 3, 18, 16, 30)
    assert latest_due("weekdays", half_four, LONDON, monday, NO_HOLIDAYS) == utc(2027, 3, 19, 16, 30)


def test_instants_between_lists_the_periods_a_stopped_clock_missed() -> None:
    nine = dt.time(9)
    missed = instants_between("mon", nine, NEW_YORK, utc(2027, 3, 1, 13), utc(2027, 3, 22, 13), CALENDAR)
    assert missed == [utc(2027, 3, 1, 14), utc(2027, 3, 8, 14), utc(2027, 3, 15, 13)]  # ends excluded
    assert instants_between("weekdays", nine, LONDON, utc(2027, 3, 18, 9), utc(2027, 3, 23, 9), CALENDAR) == [
        utc(2027, 3, 22, 9)  # not the holiday, not the weekend
    ]
    assert instants_between("daily", nine, LONDON, utc(2027, 3, 2), utc(2027, 3, 1), CALENDAR) == []
    long_ago = instants_between("daily", nine, LONDON, utc(2020, 1, 1), utc(2027, 3, 1), NO_HOLIDAYS)
    assert len(long_ago) == 62  # bounded


# Property: the newest scheduled instant at or before now -----------------------------------------------

ZONES = [ZoneInfo(name) for name in ("UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney")]
DAY_SPECS = ["daily", "weekdays", "mon", "mon,thu", "sun", "fri,sat"]


@settings(max_examples=300, deadline=None)
@given(
    now=st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2035, 12, 31), timezones=st.just(dt.UTC)),
    zone=st.sampled_from(ZONES),
    days=st.sampled_from(DAY_SPECS),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 15, 30, 45, 59]),
    holidays=st.sets(st.dates(min_value=dt.date(2019, 12, 20), max_value=dt.date(2036, 1, 10)), max_size=3),
)
def test_latest_due_is_the_newest_scheduled_instant_not_after_now(
    now: dt.datetime, zone: ZoneInfo, days: str, hour: int, minute: int, holidays: set[dt.date]
) -> None:
    at = dt.time(hour, minute)
    calendar = WorkCalendar(frozenset(holidays))
    due = latest_due(days, at, zone, now, calendar)
    assert due is not None
    assert due <= now
    assert now - due < dt.timedelta(days=8)
    local_day = due.astimezone(zone).date()
    assert runs_on(days, local_day, calendar)
    assert due == local_instant(local_day, at, zone)
    # Nothing scheduled between `due` and `now`.
    day = local_day + dt.timedelta(days=1)
    while day <= now.astimezone(zone).date():
        if runs_on(days, day, calendar):
            assert local_instant(day, at, zone) > now
        day += dt.timedelta(days=1)
