"""The default check-in cadence (domain/checkins.py: checkin_time) over a month: the working day before the weekly
leadership digest at 14:00, Thursday when there is none, and weekends and holidays skipped either way."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.calendar import WorkCalendar
from domain.checkins import checkin_time
from store.models import Program

MARCH = [dt.date(2027, 3, d) for d in range(1, 32)]  # Monday 1 March 2027 to Wednesday 31
# Friday 19 (before a Monday digest), Monday 22 (a digest day itself) and Thursday 25 are holidays.
CALENDAR = WorkCalendar(frozenset({dt.date(2027, 3, 19), dt.date(2027, 3, 22), dt.date(2027, 3, 25)}))
TWO = dt.time(14, 0)


def asked(leadership: list[str], checkin: str | None = None) -> list[tuple[int, dt.time]]:
    """The March days (and times) a program with `checkin` is asked, given the leadership digests' days."""
    program = Program(team_id="T0", key="TNS-X", name="X", owner_id="U0OWNER", created_by="U0OWNER", checkin=checkin)
    found = [(day.day, checkin_time(program, day, CALENDAR, leadership)) for day in MARCH]
    return [(day, at) for day, at in found if at is not None]


@pytest.mark.parametrize(
    "leadership",
    [[], ["daily"], ["weekdays"], ["daily", "weekdays"]],
    ids=["no leadership digest", "a daily one", "a weekday one", "both"],
)
def test_without_a_weekly_leadership_digest_owners_are_asked_on_thursdays(leadership: list[str]) -> None:
    # Thursday 25 is a holiday: Wednesday 24 instead.
    assert asked(leadership) == [(4, TWO), (11, TWO), (18, TWO), (24, TWO)]


def test_a_monday_digest_is_asked_for_the_friday_before_across_holidays() -> None:
    # Friday 19 is a holiday: Thursday 18. Monday 22 is a holiday, yet its digest goes out: still asked for.
    assert asked(["mon"]) == [(5, TWO), (12, TWO), (18, TWO), (26, TWO)]


def test_a_digest_after_a_holiday_monday_is_asked_for_on_the_friday() -> None:
    # Before Tuesday 23: Monday 22 and Friday 19 are holidays, so Thursday 18.
    assert asked(["tue"]) == [(1, TWO), (8, TWO), (15, TWO), (18, TWO), (29, TWO)]


def test_two_weekly_digests_are_each_asked_for() -> None:
    assert asked(["wed,fri"])[:4] == [(2, TWO), (4, TWO), (9, TWO), (11, TWO)]


def test_a_programs_own_check_in_or_off_overrides_the_default() -> None:
    assert asked(["mon"], "wed@10:30") == [(d, dt.time(10, 30)) for d in (3, 10, 17, 24, 31)]
    assert asked([], "off") == []
