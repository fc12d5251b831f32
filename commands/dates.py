"""Dates people write, relative to the caller's `today` (never the clock), for future- or past-facing fields.

Calendar dates with a month name (`Dec 5`, `5 Dec`, `December 5th, 2027`) are read by python-dateutil, behind a
strict shape check: dateutil alone also reads `5`, `may` or `Dec 5 at` as dates, which would swallow prose. The
shorthand forms (`+3d`, `eom`, `next friday`, `in 2 weeks`, ...) are the small table `RULES`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from dateutil import parser as dateutil_parser
from dateutil.relativedelta import relativedelta

from commands.problems import UsageError

PHRASE_WORDS = 4  # the longest date phrase: `end of the month`
FRIDAY = 4  # the end of the (working) week
LEAP_YEAR = 2000  # reads `Feb 29` before the year is known
WEEKDAYS = {
    **dict.fromkeys(("mon", "monday"), 0),
    **dict.fromkeys(("tue", "tues", "tuesday"), 1),
    **dict.fromkeys(("wed", "weds", "wednesday"), 2),
    **dict.fromkeys(("thu", "thur", "thurs", "thursday"), 3),
    **dict.fromkeys(("fri", "friday"), 4),
    **dict.fromkeys(("sat", "saturday"), 5),
    **dict.fromkeys(("sun", "sunday"), 6),
}
NAMED_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1}
UNITS = {
    **dict.fromkeys(("d", "day"), relativedelta(days=1)),
    **dict.fromkeys(("w", "week"), relativedelta(weeks=1)),
    "month": relativedelta(months=1),
}
PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}
MONTHS = "|".join(name.lower() for names in dateutil_parser.parserinfo.MONTHS for name in names)
DAY = r"(?:3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?"

FUTURE_FORMS = ("today", "tomorrow", "fri", "next friday", "+3d", "+2w", "in 2 weeks", "end of week", "eom", "eoq")
PAST_FORMS = ("today", "yesterday", "mon", "-3d", "-1w", "2 weeks ago", "end of week", "eom")
EXAMPLE_DAYS = 30  # how far from today the calendar examples are


@dataclass(frozen=True)
class Ask:
    """The text asked about, and what it is relative to: the caller's today, the field's direction and the
    workspace's day order."""

    raw: str
    today: dt.date
    past: bool
    day_first: bool


def parse_date(raw: str, *, today: dt.date, past: bool = False, day_first: bool = False) -> dt.date:
    """The date `raw` means; UsageError `date_invalid` (with examples of the accepted forms) when none.

    `past` is for past-facing fields (`since:`): a weekday or a date without a year is the most recent one, and
    `yesterday`, `-1w`, `3 days ago` work. Otherwise they are the next one, and the past-only forms are refused.
    """
    ask = Ask(raw=raw, today=today, past=past, day_first=day_first)
    phrase = normalise(raw)
    for pattern, rule in RULES:
        match = pattern.fullmatch(phrase)
        if match is not None:
            try:
                return rule(match, ask)
            except (ValueError, OverflowError):  # no such day (Feb 30), or past year 9999
                break
    raise UsageError("date_invalid", value=raw, examples=_examples(ask))


def is_date_phrase(raw: str) -> bool:
    """Whether `raw` has the shape of a date form (in either direction; its day may still not exist)."""
    phrase = normalise(raw)
    return any(pattern.fullmatch(phrase) for pattern, _rule in RULES)


def date_phrase_length(words: Sequence[str]) -> int:
    """How many of the leading `words` (up to PHRASE_WORDS) make the longest date phrase; 0 when none does."""
    for count in range(min(PHRASE_WORDS, len(words)), 0, -1):
        if is_date_phrase(" ".join(words[:count])):
            return count
    return 0


def normalise(raw: str) -> str:
    """Lower case, single spaces, no trailing `.`, `,` or `;` (`Dec 5,` in a sentence)."""
    return " ".join(raw.lower().split()).rstrip(".,;")


def _examples(ask: Ask) -> tuple[str, ...]:
    """Examples of the accepted forms for this field's direction, calendar ones in the workspace's order."""
    try:
        day = ask.today + dt.timedelta(days=-EXAMPLE_DAYS if ask.past else EXAMPLE_DAYS)
    except OverflowError:
        day = ask.today
    month = dateutil_parser.parserinfo.MONTHS[day.month - 1][0]
    numeric = f"{day.day}/{day.month}" if ask.day_first else f"{day.month}/{day.day}"
    calendar = (day.isoformat(), f"{month} {day.day}", f"{day.day} {month}", numeric)
    return (*calendar, *(PAST_FORMS if ask.past else FUTURE_FORMS))


def _past_only(ask: Ask) -> None:
    if not ask.past:
        raise UsageError("date_past_only", value=ask.raw, examples=_examples(ask))


# The forms --------------------------------------------------------------------------------------------------


def _iso(match: re.Match[str], _ask: Ask) -> dt.date:
    return dt.date.fromisoformat(match.group(0))


def _named_day(match: re.Match[str], ask: Ask) -> dt.date:
    offset = NAMED_DAYS[match.group(0)]
    if offset < 0:
        _past_only(ask)
    return ask.today + dt.timedelta(days=offset)


def _weekday(match: re.Match[str], ask: Ask) -> dt.date:
    """`fri` is the next Friday (never today), or the last one (never today) in a past-facing field."""
    target, today = WEEKDAYS[match.group("day")], ask.today.weekday()
    if ask.past and not match.group("next"):
        return ask.today - dt.timedelta(days=(today - target) % 7 or 7)
    return ask.today + dt.timedelta(days=(target - today) % 7 or 7)


def _offset(match: re.Match[str], ask: Ask) -> dt.date:
    """`+3d`, `-1w`, `in 2 weeks`, `in a month`, `3 days ago` (a month keeps its day, or the month's last)."""
    sign = -1 if match.group("sign") in {"-", "ago"} else 1
    if sign < 0:
        _past_only(ask)
    count = match.group("count")
    amount = 1 if count in {"a", "an", "one"} else int(count)
    return ask.today + UNITS[match.group("unit")] * (sign * amount)


def _period_end(match: re.Match[str], ask: Ask) -> dt.date:
    """The end of this week (Friday), month, quarter or year, on or after today; in a past-facing field, the end
    of the last one before today."""
    unit = match.group("unit") or {"w": "week", "m": "month", "q": "quarter", "y": "year"}[match.group("short")]
    end = _end_of(unit, ask.today)
    if not ask.past:
        return end
    if unit == "week":
        return end - dt.timedelta(days=7)
    start = (end - relativedelta(months=PERIOD_MONTHS[unit] - 1)).replace(day=1)
    return _end_of(unit, start - dt.timedelta(days=1))


def _end_of(unit: str, day: dt.date) -> dt.date:
    if unit == "week":
        return day + dt.timedelta(days=(FRIDAY - day.weekday()) % 7)
    span = PERIOD_MONTHS[unit]
    last_month = -(-day.month // span) * span
    return day.replace(month=last_month, day=1) + relativedelta(day=31)


def _numeric(match: re.Match[str], ask: Ask) -> dt.date:
    """`12/5` is month/day, or day/month where the workspace says so; `12/5/27` and `12/5/2027` have a year."""
    first, second = int(match.group("a")), int(match.group("b"))
    month, day = (second, first) if ask.day_first else (first, second)
    if month > 12 >= day:
        swapped = _calendar_day(day, month, match.group("year"), ask)
        order = "day/month" if ask.day_first else "month/day"
        raise UsageError("date_order", value=ask.raw, order=order, suggestion=swapped.isoformat())
    return _calendar_day(month, day, match.group("year"), ask)


def _month_name(match: re.Match[str], ask: Ask) -> dt.date:
    """`Dec 5`, `5 Dec`, `December 5th, 2027`, `5th of December`: read by dateutil."""
    year = match.group("year")
    read = dateutil_parser.parse(match.group(0), default=dt.datetime(int(year) if year else LEAP_YEAR, 1, 1))
    return _calendar_day(read.month, read.day, year, ask)


def _calendar_day(month: int, day: int, year: str | None, ask: Ask) -> dt.date:
    """The day with the year given (`27` is 2027), else its next occurrence from today (its last in the past)."""
    if year is not None:
        return dt.date(int(year) + (2000 if len(year) == 2 else 0), month, day)
    step = -1 if ask.past else 1
    for years in range(9):  # Feb 29 comes round within eight years
        try:
            candidate = dt.date(ask.today.year + step * years, month, day)
        except ValueError:
            continue
        if (candidate <= ask.today) if ask.past else (candidate >= ask.today):
            return candidate
    raise ValueError(f"{month}/{day} never comes")


Rule = Callable[[re.Match[str], Ask], dt.date]
COUNT = r"(?P<count>\d{1,3}|an?|one)"
UNIT = r"(?P<unit>day|week|month)s?"
WEEKDAY = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
RULES: tuple[tuple[re.Pattern[str], Rule], ...] = tuple(
    (re.compile(pattern, re.ASCII), rule)
    for pattern, rule in (
        (r"\d{4}-\d{2}-\d{2}", _iso),
        ("today|tomorrow|yesterday", _named_day),
        (rf"(?P<next>next )?(?P<day>{WEEKDAY})", _weekday),
        (r"(?P<sign>[+-])(?P<count>\d{1,3})(?P<unit>[dw])", _offset),
        (rf"(?P<sign>in) {COUNT} {UNIT}", _offset),
        (rf"{COUNT} {UNIT} (?P<sign>ago)", _offset),
        (r"eo(?P<short>[wmqy])|end of (?:the )?(?P<unit>week|month|quarter|year)", _period_end),
        (r"(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<year>\d{4}|\d{2}))?", _numeric),
        (rf"(?:{MONTHS})\.? {DAY}(?:,? (?P<year>\d{{4}}))?", _month_name),
        (rf"{DAY} (?:of )?(?:{MONTHS})\.?(?:,? (?P<year>\d{{4}}))?", _month_name),
    )
)
