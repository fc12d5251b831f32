"""Date-axis ticks, chosen here (matplotlib.dates is untyped): weeks or months, the year shown where it starts."""

from __future__ import annotations

import datetime as dt

MONTH_STEPS = (1, 2, 3, 6, 12)


def date_ticks(first: dt.date, last: dt.date, most: int = 8) -> list[tuple[dt.date, str]]:
    """At most `most` tick dates between first and last (inclusive) with their labels."""
    span = (last - first).days
    for weeks in (1, 2):
        if span <= most * 7 * weeks:
            return _labelled(_mondays(first, last, weeks) or [first], weekly=True)
    for step in MONTH_STEPS:
        days = _month_starts(first, last, step)
        if len(days) <= most:
            return _labelled(days, weekly=False)
    return _labelled(_month_starts(first, last, 12 * (1 + span // (365 * most))), weekly=False)


def _mondays(first: dt.date, last: dt.date, every: int) -> list[dt.date]:
    day = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    days = []
    while day <= last:
        days.append(day)
        day += dt.timedelta(weeks=every)
    return days


def _month_starts(first: dt.date, last: dt.date, step: int) -> list[dt.date]:
    month = first.year * 12 + first.month - 1 + (first.day > 1)
    month += -month % step
    days = []
    while (day := dt.date(month // 12, month % 12 + 1, 1)) <= last:
        days.append(day)
        month += step
    return days


def _labelled(days: list[dt.date], weekly: bool) -> list[tuple[dt.date, str]]:
    labelled = []
    for index, day in enumerate(days):
        text = f"{day.day} {day:%b}" if weekly else f"{day:%b}"
        if index == 0 or day.year != days[index - 1].year:
            text += f"\n{day.year}"
        labelled.append((day, text))
    return labelled
