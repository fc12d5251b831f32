"""Working days, schedule instants and local-time windows, all in explicit IANA time zones."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_SETS = {"weekdays": "weekdays", "daily": "daily"}


@dataclass(frozen=True)
class WorkCalendar:
    """Monday to Friday minus the configured holidays."""

    holidays: frozenset[dt.date] = field(default_factory=frozenset)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def first_working_day_from(self, day: dt.date) -> dt.date:
        """`day` itself when it is a working day, else the next one."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """How many working days lie after `start` up to and including `end` (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count


def parse_days(text: str) -> str:
    """Normalise `mon`, `mon,thu`, `weekdays` or `daily`; ValueError when it is none of them."""
    word = text.strip().lower()
    if word in DAY_SETS:
        return word
    days = [d.strip()[:3] for d in word.split(",") if d.strip()]
    if not days or any(d not in WEEKDAYS for d in days):
        raise ValueError(text)
    return ",".join(sorted(set(days), key=WEEKDAYS.index))


def runs_on(days: str, day: dt.date, calendar: WorkCalendar) -> bool:
    """Whether a schedule with `days` runs on local date `day` (weekdays skip holidays)."""
    if days == "daily":
        return True
    if days == "weekdays":
        return calendar.is_working_day(day)
    return WEEKDAYS[day.weekday()] in days.split(",")


def parse_time(text: str) -> dt.time:
    """`HH:MM` (24-hour); ValueError otherwise."""
    hours, _, minutes = text.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(text)
    return dt.time(int(hours), int(minutes))


def local_instant(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of wall-clock `at` on `day` in `zone` (a time skipped by DST runs an hour later)."""
    return dt.datetime.combine(day, at).replace(tzinfo=zone).astimezone(dt.UTC)


def latest_due(days: str, at: dt.time, zone: ZoneInfo, now: dt.datetime, calendar: WorkCalendar) -> dt.datetime | None:
    """The newest scheduled instant at or before `now` within the last 8 days."""
    today = now.astimezone(zone).date()
    for back in range(9):
        day = today - dt.timedelta(days=back)
        if runs_on(days, day, calendar):
            instant = local_instant(day, at, zone)
            if instant <= now:
                return instant
    return None


def instants_between(
    days: str, at: dt.time, zone: ZoneInfo, start: dt.datetime, end: dt.datetime, calendar: WorkCalendar
) -> list[dt.datetime]:
    """Scheduled instants strictly between `start` and `end`, oldest first (at most 62 days back from `end`)."""
    start = max(start, end - dt.timedelta(days=62))
    found: list[dt.datetime] = []
    day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    while day <= last:
        if runs_on(days, day, calendar):
            instant = local_instant(day, at, zone)
            if start < instant < end:
                found.append(instant)
        day += dt.timedelta(days=1)
    return found


def in_local_window(now: dt.datetime, zone: ZoneInfo, start: dt.time, end: dt.time) -> bool:
    """Whether local wall-clock time in `zone` is in [start, end)."""
    local = now.astimezone(zone).time()
    return start <= local < end
