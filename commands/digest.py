"""/digest: preview, send and schedule team and leadership digests."""

from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from commands.common import page
from commands.digest_content import Digest, channel_viewer, enqueue_digest, portfolio_digest, program_digest
from commands.grammar import Context, UsageError, parse_channel, parse_id
from commands.registry import Args, command, field_, subcommand
from commands.reply import CommandRequest, Reply, reply
from store import schedules
from store.access import may_post_in
from store.calendar import parse_days, parse_time
from store.errors import Forbidden
from store.ids import Kind
from store.lookup import program_by_key
from store.models import Program

command("digest", "team and leadership digests: preview, send now, schedule")

PORTFOLIO = "portfolio"


def _days(raw: str, _ctx: Context) -> str:
    try:
        return parse_days(raw)
    except ValueError:
        raise UsageError(f"`{raw}` is not a day: use mon..sun (or several: mon,thu), weekdays or daily.") from None


def _time(raw: str, _ctx: Context) -> str:
    try:
        return parse_time(raw).strftime("%H:%M")
    except ValueError:
        raise UsageError(f"`{raw}` is not a time: use 24-hour HH:MM, e.g. `time:09:30`.") from None


def _zone(raw: str, _ctx: Context) -> str:
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"`{raw}` is not a time zone: use an IANA name like `tz:Europe/Dublin`.") from None
    return raw


def _target(request: CommandRequest, args: Args, session: Session) -> Program | None:
    """The program named by the first word (None for the portfolio)."""
    if not args.words or args.words[0].lower() == PORTFOLIO:
        return None
    return program_by_key(session, request.actor, args.words[0])


def _build(request: CommandRequest, session: Session, program: Program | None, channel_id: str | None) -> Digest:
    if program is not None:
        return program_digest(session, program, since=None, now=request.now, today=request.today)
    viewer = channel_viewer(request.actor.team_id, channel_id) if channel_id else request.actor
    return portfolio_digest(session, viewer, since=None, now=request.now, today=request.today)


@subcommand(
    "digest",
    "preview",
    usage="[KEY]",
    summary="See a program's digest, or the portfolio digest, as only you can see it.",
    examples=["digest preview", "digest preview TNS-APPEALS"],
)
def preview(request: CommandRequest, args: Args, session: Session) -> Reply:
    digest = _build(request, session, _target(request, args, session), None)
    return reply("digest_preview", parts=[m.markup() for m in digest.messages()])


@subcommand(
    "digest",
    "send",
    usage="[KEY] [to:#c]",
    summary="Post a digest now: to `to:`, else the program's channel, else this channel.",
    fields=[field_("to", parse_channel)],
    writes=True,
    examples=["digest send TNS-APPEALS", "digest send to:#tns-leadership"],
)
def send(request: CommandRequest, args: Args, session: Session) -> Reply:
    program = _target(request, args, session)
    channel = args.values.get("to") or (program.channel_id if program else None) or request.actor.channel_id
    if channel is None:
        raise UsageError("Say where to post it with `to:#channel`.")
    if program is not None and not may_post_in(program, channel):
        raise Forbidden(f"{program.key} is restricted and <#{channel}> is not on its allow-list.")
    digest = _build(request, session, program, channel)
    ids = enqueue_digest(
        session,
        team_id=request.actor.team_id,
        channel_id=channel,
        digest=digest,
        dedupe_key=f"digest-now:{uuid.uuid4().hex}",
        entity_ref=program.key if program else PORTFOLIO,
    )
    answer = reply("digest_sent", program=program, channel=channel, parts=len(ids))
    answer.outbox_ids.extend(ids)
    return answer


@subcommand(
    "digest",
    "schedule",
    usage="#c [KEY|portfolio] day:mon|tue|...|weekdays|daily time:HH:MM [tz:Area/City]",
    summary="Post a digest on a rhythm (admins; a program owner for the program's own channel).",
    fields=[field_("day", _days, required=True), field_("time", _time, required=True), field_("tz", _zone)],
    writes=True,
    min_words=1,
    missing="Which channel? e.g. `/digest schedule #tns-leads portfolio day:mon time:09:00`.",
    examples=[
        "digest schedule #tns-leadership portfolio day:mon time:09:00 tz:America/New_York",
        "digest schedule #tns-appeals TNS-APPEALS day:weekdays time:16:30",
    ],
)
def schedule(request: CommandRequest, args: Args, session: Session) -> Reply:
    context = Context(request.actor.user_id, request.today, request.resolve_channel)
    channel = parse_channel(args.words[0], context)
    target = Args(words=args.words[1:], values=args.values, flags=args.flags)
    program = _target(request, target, session)
    zone = args.values.get("tz", str(request.tz))
    created = schedules.create(
        session,
        request.actor,
        channel_id=channel,
        program=program,
        days=args.values["day"],
        time_of_day=args.values["time"],
        tz=zone,
    )
    return reply("digest_scheduled", schedule=created, program=program)


@subcommand("digest", "list", usage="", summary="Digest schedules you may see.")
def list_(request: CommandRequest, _args: Args, session: Session) -> Reply:
    return reply("digest_list", page=page(schedules.visible(session, request.actor), 25))


@subcommand(
    "digest",
    "remove",
    usage="S-n",
    summary="Stop a digest schedule (who may schedule it).",
    writes=True,
    min_words=1,
    missing="Which schedule? e.g. `/digest remove S-2`.",
    examples=["digest remove S-2"],
)
def remove(request: CommandRequest, args: Args, session: Session) -> Reply:
    item, program = schedules.get(session, request.actor, parse_id(Kind.SCHEDULE)(args.words[0]))
    schedules.remove(session, request.actor, item, program)
    return reply("digest_removed", schedule=item, program=program)
