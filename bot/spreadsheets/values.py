"""Turning raw cells into Pulse's values: text, 1-5 scores, numbers, dates, people and choices.

Each function takes what a reader gave (text from CSV, typed values from XLSX or JSON) and returns
the value or raises `ValueError` with a message fit to show after "cell C7: likelihood: ".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from bot.spreadsheets.table import CellValue

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 once Excel's phantom 29 Feb 1900 is counted
SERIAL_RANGE = range(10_000, 110_000)  # 1927 to 2201: a number outside this is not a date anyone meant
DAY_FIRST_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d-%m-%y")
MONTH_FIRST_FORMATS = ("%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y", "%m-%d-%y")
ANY_ORDER_FORMATS = (
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%d %b %y",
)
TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(\s*[ap]m)?$", re.IGNORECASE)
ORDINAL = re.compile(r"(?<=\d)(st|nd|rd|th)\b", re.IGNORECASE)
THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
LEADING_SCORE = re.compile(r"^\s*([1-5])(\.0+)?(\s*[-:=/\N{EN DASH}(]\s*.*|\s+[a-z].*)?$", re.IGNORECASE)


def blank(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == ()


def text(value: CellValue) -> str:
    """Any cell as trimmed text (a whole float loses its '.0'; a date is written ISO)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, tuple):
        return "; ".join(value)
    return str(value)


def score(value: CellValue, words: Mapping[str, int]) -> int:
    """A 1-5 score: 3, 3.0, '3', '3 - possible' or a scale word ('likely')."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1 <= value <= 5:
            return int(value)
        raise ValueError(f"must be 1 to 5, not {text(value)}")
    written = text(value)
    word = " ".join(written.casefold().replace("-", " ").split())
    if word in words:
        return words[word]
    match = LEADING_SCORE.match(written)
    if match:
        return int(match.group(1))
    if re.fullmatch(r"[+-]?\d+(\.\d+)?", written):
        raise ValueError(f"must be 1 to 5, not {written}")
    first_words: dict[int, str] = {}
    for name, level in words.items():
        first_words.setdefault(level, name)
    examples = ", ".join(first_words[level] for level in sorted(first_words))
    raise ValueError(f"must be 1 to 5 or one of {examples}; not {written!r}")


def number(value: CellValue) -> float:
    """A number: 95, 95.5, '95%', '1,234.5', '1 234', '12,5' (a decimal comma when no point is present)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    written = text(value)
    cleaned = written.replace("\N{NO-BREAK SPACE}", "").replace(" ", "").rstrip("%").replace("\N{MINUS SIGN}", "-")
    if THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(",", "")
    elif cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        raise ValueError(f"is not a number: {written!r}") from None


def date(value: CellValue, day_first: bool = True) -> dt.date:
    """A date from a date cell, an Excel serial number (46357) or text ('2026-12-01', '01/12/2026', '1 Dec 2026').

    Text in nn/nn/yyyy form is read day first unless `day_first` is False; ISO dates are always accepted.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(value, text(value))
    written = text(value)
    try:
        return dt.date.fromisoformat(written)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(written).date()
    except ValueError:
        pass
    cleaned = ORDINAL.sub("", TIME_SUFFIX.sub("", written)).replace(",", " ")
    cleaned = " ".join(cleaned.split())
    for pattern in (*(DAY_FIRST_FORMATS if day_first else MONTH_FIRST_FORMATS), *ANY_ORDER_FORMATS):
        try:
            return dt.datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    if re.fullmatch(r"\d{5}(\.\d+)?", written):
        return _serial(float(written), written)
    order = "DD/MM/YYYY" if day_first else "MM/DD/YYYY"
    raise ValueError(f"is not a date: {written!r} (write YYYY-MM-DD, {order} or 1 Dec 2026)")


def _serial(value: float, written: str) -> dt.date:
    if int(value) not in SERIAL_RANGE:
        raise ValueError(f"is not a date: {written} (as an Excel date number it would fall outside 1927-2201)")
    return EXCEL_EPOCH + dt.timedelta(days=int(value))


def people(value: CellValue) -> tuple[str, ...]:
    """Several people, as written: 'a; b' or 'a, b' (when a ';' or a line break is present, commas are kept)."""
    if isinstance(value, tuple):
        return tuple(part.strip() for part in value if part.strip())
    written = text(value)
    separators = r"[;\n]" if re.search(r"[;\n]", written) else ","
    return tuple(part.strip() for part in re.split(separators, written) if part.strip())


def choice(value: CellValue, choices: Mapping[str, str]) -> str:
    """One of a field's values, from any of the words registers use for it."""
    written = text(value)
    word = " ".join(re.sub(r"[^\w\s]", " ", written.casefold()).replace("_", " ").split())
    for candidate in (written.casefold(), word):
        if candidate in choices:
            return choices[candidate]
    accepted = ", ".join(dict.fromkeys(choices.values()))
    raise ValueError(f"must be one of {accepted}; not {written!r}")
