"""The grammar every command shares: `name:value` fields, free text, mentions, dates and IDs."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from store.ids import Kind, parse_ref

SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
FIELD_TOKEN = re.compile(r'(?P<name>[A-Za-z][A-Za-z_-]*):(?P<value>"[^"]*"|[^\s"]\S*)?')
USER_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
CHANNEL_MENTION = re.compile(r"^<#([CGD][A-Z0-9]+)(?:\|([^>]*))?>$")
BROADCAST = re.compile(r"<!(here|channel|everyone|subteam\^[A-Z0-9]+)(?:\|([^>]*))?>")
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
RELATIVE = re.compile(r"^\+(\d{1,3})([dw])$")


class UsageError(Exception):
    """The text does not fit the command's grammar: `code` names its wording (templates/errors.j2)."""

    def __init__(self, code: str, **values: Any) -> None:
        super().__init__(code, values)
        self.code = code
        self.values = values


@dataclass
class Tokens:
    """A command's text split into free words, `name:value` fields and their raw spelling."""

    words: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)


def tokenize(text: str) -> Tokens:
    """Split text into words and fields; a quoted value or quoted words keep their spaces."""
    # NUL never belongs in typed text and PostgreSQL cannot store it: drop it rather than fail on save.
    text = text.translate(SMART_QUOTES).replace("\x00", "").strip()
    # @here/@channel/@everyone and user groups typed into a title must not ping a whole channel when reposted.
    text = BROADCAST.sub(lambda m: "@" + (m.group(2) or m.group(1)).lstrip("@"), text)
    tokens = Tokens()
    position = 0
    pending: str | None = None  # a field written as `owner: @ana` takes the next word
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        match = FIELD_TOKEN.match(text, position)
        boundary_ok = match is not None and (match.end() == len(text) or text[match.end()].isspace())
        if match and boundary_ok and not text.startswith(("http:", "https:", "mailto:"), position):
            name, value = match.group("name").lower(), match.group("value")
            if name in tokens.fields or name == pending:
                raise UsageError("field_twice", field=name)
            position = match.end()
            if value is None:
                pending = name
                continue
            tokens.fields[name] = value[1:-1] if value.startswith('"') else value
            continue
        if text[position] == '"':
            end = text.find('"', position + 1)
            if end < 0:
                raise UsageError("quote_open")
            word, position = text[position + 1 : end], end + 1
        else:
            end = position
            while end < len(text) and not text[end].isspace():
                end += 1
            word, position = text[position:end], end
            if '"' in word and word.count('"') % 2:
                raise UsageError("quote_open")
        if pending is not None:
            tokens.fields[pending], pending = word, None
        else:
            tokens.words.append(word)
    if pending is not None:
        raise UsageError("field_no_value", field=pending)
    return tokens


# Field value types -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParseContext:
    """What parsing needs to know about the caller: who, their local date, how to find a `#channel`."""

    user_id: str
    today: dt.date
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    resolve_channel: Callable[[str], str | None] = lambda _name: None
    command_prefix: str = ""  # PULSE_COMMAND_PREFIX, for usage lines


Parser = Callable[[str, ParseContext], Any]


def parse_user(raw: str, ctx: ParseContext) -> str:
    """`<@U123>`, `<@U123|name>` or `me` -> U123."""
    if raw.lower() == "me":
        return ctx.user_id
    match = USER_MENTION.match(raw)
    if match:
        return match.group(1)
    if re.fullmatch(r"[UW][A-Z0-9]{5,}", raw):
        return raw
    raise UsageError("not_a_person", raw=raw)


def parse_users(raw: str, ctx: ParseContext) -> list[str]:
    """A comma-separated list of mentions."""
    users = [parse_user(part.strip(), ctx) for part in raw.split(",") if part.strip()]
    if not users:
        raise UsageError("no_people")
    return list(dict.fromkeys(users))


def parse_channel(raw: str, ctx: ParseContext) -> str:
    """`<#C123|name>` or `#name` (when it can be resolved) -> C123."""
    match = CHANNEL_MENTION.match(raw)
    if match:
        return match.group(1)
    if raw.startswith("#") and len(raw) > 1:
        channel_id = ctx.resolve_channel(raw[1:].lower())
        if channel_id:
            return channel_id
        raise UsageError("channel_unknown", raw=raw)
    raise UsageError("not_a_channel", raw=raw)


def parse_channels(raw: str, ctx: ParseContext) -> list[str]:
    """A comma-separated list of channels."""
    channels = [parse_channel(part.strip(), ctx) for part in raw.split(",") if part.strip()]
    if not channels:
        raise UsageError("no_channels")
    return list(dict.fromkeys(channels))


def parse_date(raw: str, ctx: ParseContext) -> dt.date:
    """YYYY-MM-DD, today, tomorrow, mon..sun (the next one), +3d, +2w; in the caller's time zone."""
    word = raw.lower()
    if word == "today":
        return ctx.today
    if word == "tomorrow":
        return ctx.today + dt.timedelta(days=1)
    short = word[:3]
    if short in WEEKDAYS and word in {short, *_weekday_names(short)}:
        ahead = (WEEKDAYS.index(short) - ctx.today.weekday()) % 7 or 7
        return ctx.today + dt.timedelta(days=ahead)
    relative = RELATIVE.match(word)
    if relative:
        count, unit = int(relative.group(1)), relative.group(2)
        return ctx.today + dt.timedelta(days=count * (7 if unit == "w" else 1))
    try:
        return dt.date.fromisoformat(raw) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw) else _bad_date(raw)
    except ValueError:
        return _bad_date(raw)


def _weekday_names(short: str) -> set[str]:
    full = {
        "mon": "monday",
        "tue": "tuesday",
        "wed": "wednesday",
        "thu": "thursday",
        "fri": "friday",
        "sat": "saturday",
        "sun": "sunday",
    }[short]
    return {full, {"tue": "tues", "thu": "thurs"}.get(short, full)}


def _bad_date(raw: str) -> dt.date:
    raise UsageError("not_a_date", raw=raw)


def parse_int_1_5(raw: str, _ctx: ParseContext) -> int:
    """A whole number from 1 to 5 (likelihood and impact)."""
    if not re.fullmatch(r"[1-5]", raw.strip()):
        raise UsageError("not_on_scale", raw=raw)
    return int(raw)


def parse_bool(raw: str, _ctx: ParseContext) -> bool:
    """yes/no, true/false, on/off."""
    word = raw.lower()
    if word in {"yes", "true", "on", "y"}:
        return True
    if word in {"no", "false", "off", "n"}:
        return False
    raise UsageError("not_yes_no", raw=raw)


def parse_text(raw: str, _ctx: ParseContext) -> str:
    """Free text (quote it when it has spaces)."""
    if not raw.strip():
        raise UsageError("empty_text")
    return raw.strip()


def choice(enum: type[StrEnum]) -> Parser:
    """One of an enum's values, case-insensitive."""
    allowed = [m.value for m in enum]

    def parse(raw: str, _ctx: ParseContext) -> StrEnum:
        try:
            return enum(raw.lower())
        except ValueError:
            raise UsageError("not_one_of", raw=raw, allowed=allowed) from None

    parse.__doc__ = "|".join(allowed)
    return parse


def parse_id(kind: Kind) -> Callable[[str], int]:
    """A human ID of one kind (`R-12`, case-insensitive) -> its number."""

    def parse(raw: str) -> int:
        parsed = parse_ref(raw)
        if parsed is None or parsed[0] != kind:
            raise UsageError("not_an_id", raw=raw, kind=kind.value)
        return parsed[1]

    return parse
