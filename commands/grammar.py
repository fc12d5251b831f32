"""The field values every command shares: people, channels, dates, scales, choices and IDs.

Splitting text into words and fields is `commands.tokens`; every problem is a `UsageError` (commands.problems).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from commands import dates
from commands.problems import UsageError
from commands.suggest import pick
from domain.asks import AskTo
from domain.spelling import undashed_id
from domain.stakeholders import function_named
from store.ids import Kind, parse_ref
from store.models import StakeholderFunction

USER_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
CHANNEL_MENTION = re.compile(r"^<#([CGD][A-Z0-9]+)(?:\|([^>]*))?>$")
FUNCTION_NAME = re.compile(r"[A-Za-z][A-Za-z0-9&.' -]{0,39}")


@dataclass(frozen=True)
class ParseContext:
    """What parsing needs to know about the caller: who, their local date, how to find a `#channel`, and how
    their workspace writes `12/5` (month/day unless `day_first`)."""

    user_id: str
    today: dt.date
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    resolve_channel: Callable[[str], str | None] = lambda _name: None
    command_prefix: str = ""  # PULSE_COMMAND_PREFIX, for usage lines
    day_first: bool = False


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
    raise UsageError("not_a_person", value=raw)


def parse_users(raw: str, ctx: ParseContext) -> list[str]:
    """A comma-separated list of mentions."""
    users = [parse_user(part.strip(), ctx) for part in raw.split(",") if part.strip()]
    if not users:
        raise UsageError("no_people")
    return list(dict.fromkeys(users))


def parse_addressee(raw: str, ctx: ParseContext) -> AskTo:
    """Whom an ask is for: a person (`@omar`, `me`) or a function by name (`Finance`, `"Trust and Safety"`)."""
    if raw.lower() == "me" or USER_MENTION.match(raw):
        return AskTo(user_id=parse_user(raw, ctx))
    if not FUNCTION_NAME.fullmatch(raw.strip()):
        raise UsageError("not_an_addressee", value=raw)
    return AskTo(function=raw.strip())


def parse_function(raw: str, _ctx: ParseContext) -> StakeholderFunction:
    """A function around a program (`legal`, `Data Science`, `ds`, `risk&compliance`), with a did-you-mean."""
    found = function_named(raw)
    if found is not None:
        return found
    allowed = [f.value for f in StakeholderFunction]
    return StakeholderFunction(pick(raw, allowed, code="unknown_choice", field="function", allowed=allowed))


def parse_channel(raw: str, ctx: ParseContext) -> str:
    """`<#C123|name>` or `#name` (when it can be resolved) -> C123."""
    match = CHANNEL_MENTION.match(raw)
    if match:
        return match.group(1)
    if raw.startswith("#") and len(raw) > 1:
        channel_id = ctx.resolve_channel(raw[1:].lower())
        if channel_id:
            return channel_id
        raise UsageError("channel_unknown", value=raw)
    raise UsageError("not_a_channel", value=raw)


def parse_channels(raw: str, ctx: ParseContext) -> list[str]:
    """A comma-separated list of channels."""
    channels = [parse_channel(part.strip(), ctx) for part in raw.split(",") if part.strip()]
    if not channels:
        raise UsageError("no_channels")
    return list(dict.fromkeys(channels))


def parse_date(raw: str, ctx: ParseContext) -> dt.date:
    """A date to come, as people write it (`fri`, `Dec 5`, `12/5`, `in 2 weeks`, `eoq`), in the caller's zone."""
    return dates.parse_date(raw, today=ctx.today, day_first=ctx.day_first)


def parse_past_date(raw: str, ctx: ParseContext) -> dt.date:
    """A date gone by (`since:`): `mon` is the most recent Monday, `-1w` a week ago."""
    return dates.parse_date(raw, today=ctx.today, past=True, day_first=ctx.day_first)


def parse_int_1_5(raw: str, _ctx: ParseContext) -> int:
    """A whole number from 1 to 5 (likelihood and impact)."""
    if not re.fullmatch(r"[1-5]", raw.strip()):
        raise UsageError("not_on_scale", value=raw)
    return int(raw)


def parse_page(raw: str, _ctx: ParseContext) -> int:
    """A page number: 1, 2, ..."""
    if not re.fullmatch(r"[1-9][0-9]{0,3}", raw.strip()):
        raise UsageError("not_a_page", value=raw)
    return int(raw)


def parse_bool(raw: str, _ctx: ParseContext) -> bool:
    """yes/no, true/false, on/off."""
    word = raw.lower()
    if word in {"yes", "true", "on", "y"}:
        return True
    if word in {"no", "false", "off", "n"}:
        return False
    raise UsageError("not_yes_no", value=raw)


def parse_checkin(raw: str, _ctx: ParseContext) -> str:
    """A status check-in: `thu@14:00` (a weekday at a time in the owner's zone) or `off`."""
    word = raw.strip().lower()
    if word == "off" or re.fullmatch(r"(mon|tue|wed|thu|fri|sat|sun)@([01]\d|2[0-3]):[0-5]\d", word):
        return word
    raise UsageError("not_a_checkin", value=raw)


def parse_text(raw: str, _ctx: ParseContext) -> str:
    """Free text: it runs to the next field (quote it only when it holds a field's `name:`)."""
    if not raw.strip():
        raise UsageError("empty_text")
    return raw.strip()


def choice(enum: type[StrEnum], name: str) -> Parser:
    """One of an enum's values, case-insensitive, with a did-you-mean (`ambr` -> amber); `name` is what the
    value is (a field's name, or `status` for the word of `/program status`)."""
    allowed = [m.value for m in enum]

    def parse(raw: str, _ctx: ParseContext) -> StrEnum:
        return enum(pick(raw, allowed, code="unknown_choice", field=name, allowed=allowed))

    parse.__doc__ = "|".join(allowed)
    return parse


def parse_id(kind: Kind) -> Callable[[str], int]:
    """A human ID of one kind (`R-12`, case-insensitive) -> its number; `R12` gets a did-you-mean."""

    def parse(raw: str) -> int:
        parsed = parse_ref(raw)
        if parsed is not None and parsed[0] == kind:
            return parsed[1]
        dashed = undashed_id(raw, {kind.value})
        if dashed is not None:
            raise UsageError("id_without_dash", value=raw, suggestion=dashed)
        raise UsageError("not_an_id", value=raw, kind=kind.value)

    return parse
