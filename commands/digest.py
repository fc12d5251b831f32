"""/digest: preview, send and schedule team and leadership digests."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from commands.grammar import ParseContext, parse_channel, parse_function, parse_id
from commands.problems import UsageError
from commands.registry import Args, Command, field_
from domain import digests, schedules
from domain.calendar import parse_days, parse_time
from domain.digests import DigestTarget
from domain.inputs import Nothing, NumberRef
from domain.schedules import ScheduleCreate
from store.ids import Kind
from store.models import StakeholderFunction

COMMAND = Command("digest", "team and leadership digests: preview, send now, schedule")


def _days(raw: str, _ctx: ParseContext) -> str:
    try:
        return parse_days(raw)
    except ValueError:
        raise UsageError("not_a_day", value=raw) from None


def _time(raw: str, _ctx: ParseContext) -> str:
    try:
        return parse_time(raw).strftime("%H:%M")
    except ValueError:
        raise UsageError("not_a_time", value=raw) from None


def _zone(raw: str, _ctx: ParseContext) -> str:
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError("not_a_zone", value=raw) from None
    return raw


def _to(raw: str, ctx: ParseContext) -> str | StakeholderFunction:
    """`to:#channel`, or a function (`to:finance`): the digest goes by DM to that function's people."""
    return parse_channel(raw, ctx) if raw.startswith(("#", "<#")) else parse_function(raw, ctx)


def _key(words: list[str]) -> str | None:
    """The program named by the first word (None for the portfolio)."""
    return words[0] if words else None


@COMMAND.sub(
    "preview",
    usage="[KEY]",
    summary="See a program's digest, or the portfolio digest, as only you can see it.",
    runs=digests.preview,
    examples=["digest preview", "digest preview TNS-APPEALS"],
)
def preview(args: Args, _ctx: ParseContext) -> DigestTarget:
    return DigestTarget(key=_key(args.words))


@COMMAND.sub(
    "send",
    usage="[KEY] [to:#c|FUNCTION]",
    summary="Post a digest now: to `to:`, else the program's channel, else this channel. `to:finance` (any "
    "function of `/program people`) sends it by DM to that function's people instead (admins; a program's owner "
    "for its digest).",
    runs=digests.send,
    fields=[field_("to", _to)],
    examples=["digest send TNS-APPEALS", "digest send to:#tns-leadership", "digest send to:finance"],
)
def send(args: Args, _ctx: ParseContext) -> DigestTarget:
    to = args.values.get("to")
    if isinstance(to, StakeholderFunction):
        return DigestTarget(key=_key(args.words), function=to)
    return DigestTarget(key=_key(args.words), channel_id=to)


@COMMAND.sub(
    "schedule",
    usage="#c [KEY|portfolio] day:mon|tue|...|weekdays|daily time:HH:MM [tz:Area/City]",
    summary="Post a digest on a rhythm (admins; a program owner for the program's own channel).",
    runs=schedules.create,
    fields=[field_("day", _days, required=True), field_("time", _time, required=True), field_("tz", _zone)],
    min_words=1,
    examples=[
        "digest schedule #tns-leadership portfolio day:mon time:09:00 tz:America/New_York",
        "digest schedule #tns-appeals TNS-APPEALS day:weekdays time:16:30",
    ],
)
def schedule(args: Args, ctx: ParseContext) -> ScheduleCreate:
    return ScheduleCreate(
        channel_id=parse_channel(args.words[0], ctx),
        key=_key(args.words[1:]),
        days=args.values["day"],
        time_of_day=args.values["time"],
        tz=args.values.get("tz", str(ctx.tz)),
    )


@COMMAND.sub("list", usage="", summary="Digest schedules you may see.", runs=schedules.list_)
def list_(_args: Args, _ctx: ParseContext) -> Nothing:
    return Nothing()


@COMMAND.sub(
    "remove",
    usage="S-n",
    summary="Stop a digest schedule (who may schedule it).",
    runs=schedules.remove,
    min_words=1,
    examples=["digest remove S-2"],
)
def remove(args: Args, _ctx: ParseContext) -> NumberRef:
    return NumberRef(number=parse_id(Kind.SCHEDULE)(args.words[0]))
