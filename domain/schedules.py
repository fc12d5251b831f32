"""Digest schedules (S-n): created and removed (kept on record), never edited in place."""

from __future__ import annotations

from domain.access import may_post_in, may_see
from domain.calendar import parse_days, parse_time
from domain.context import Context
from domain.errors import Conflict, Forbidden, Invalid, NotFound
from domain.inputs import Input, Nothing, NumberRef
from domain.lookup import program as find_program
from domain.messages import Reply, reply, use_case
from domain.pages import page
from store import items, programs, schedules
from store.ids import Kind, next_number, ref
from store.models import DigestSchedule, Program


class ScheduleCreate(Input):
    channel_id: str
    key: str | None = None  # the portfolio digest when None
    days: str
    time_of_day: str
    tz: str | None = None  # the actor's zone when None


def _owner_of_own_channel(ctx: Context, program: Program | None, channel_id: str) -> bool:
    return program is not None and ctx.actor.user_id == program.owner_id and program.channel_id == channel_id


@use_case(writes=True)
def create(ctx: Context, data: ScheduleCreate) -> Reply:
    """Schedule a digest: admins, or a program's owner for the program's own channel."""
    try:
        days, at = parse_days(data.days), parse_time(data.time_of_day)
    except ValueError:
        raise Invalid("bad_schedule", field="days") from None
    program = (
        None if data.key is None or data.key.lower() == "portfolio" else find_program(ctx.session, ctx.actor, data.key)
    )
    if program is None and not ctx.actor.is_admin:
        raise Forbidden("portfolio_schedule_admins")
    if program is not None:
        if not (ctx.actor.is_admin or _owner_of_own_channel(ctx, program, data.channel_id)):
            raise Forbidden("schedule_owner_channel", owner=program.owner_id, key=program.key)
        if not may_post_in(program, data.channel_id):
            raise Forbidden("restricted_channel", key=program.key, channel=data.channel_id)
    same = [
        s
        for s in schedules.active(ctx.session, ctx.team_id)
        if (s.channel_id, s.program_id) == (data.channel_id, program.id if program else None)
    ]
    schedule = DigestSchedule(
        team_id=ctx.team_id,
        number=next_number(ctx.session, ctx.team_id, Kind.SCHEDULE),
        channel_id=data.channel_id,
        program_id=program.id if program else None,
        days=days,
        time_of_day=at.strftime("%H:%M"),
        tz=data.tz or str(ctx.tz),
        created_by=ctx.actor.user_id,
    )
    ctx.created(schedule, "schedule", ref(Kind.SCHEDULE, schedule.number), program)
    return reply("digest_scheduled", schedule=schedule, program=program, same=same)


def schedule_for(ctx: Context, number: int, *, lock: bool = False) -> tuple[DigestSchedule, Program | None]:
    """A schedule by number, or NotFound when it (or its program) is hidden from the actor."""
    schedule = items.by_number(ctx.session, DigestSchedule, ctx.team_id, number, lock=lock)
    if schedule is None:
        raise NotFound(ref(Kind.SCHEDULE, number))
    program = ctx.session.get(Program, schedule.program_id) if schedule.program_id else None
    if program is not None and not may_see(ctx.actor, program):
        raise NotFound(ref(Kind.SCHEDULE, number))
    return schedule, program


@use_case(writes=True)
def remove(ctx: Context, data: NumberRef) -> Reply:
    """Stop a schedule (who may create it); the row is kept."""
    schedule, program = schedule_for(ctx, data.number, lock=True)
    label = ref(Kind.SCHEDULE, schedule.number)
    if not (ctx.actor.is_admin or _owner_of_own_channel(ctx, program, schedule.channel_id)):
        raise Forbidden("remove_schedule_forbidden", ref=label)
    if schedule.removed_at is not None:
        raise Conflict("already_removed", ref=label)
    with ctx.changing(schedule, "schedule", label, "remove", program):
        schedule.removed_at = ctx.now
        schedule.removed_by = ctx.actor.user_id
    return reply("digest_removed", schedule=schedule, program=program)


@use_case(writes=False)
def list_(ctx: Context, _data: Nothing) -> Reply:
    """Active schedules of the workspace, hiding programs the actor may not see."""
    active = schedules.active(ctx.session, ctx.team_id)
    by_id = programs.by_ids(ctx.session, [s.program_id for s in active if s.program_id])
    rows = []
    for item in active:
        program = by_id.get(item.program_id) if item.program_id else None
        if program is None or may_see(ctx.actor, program):
            rows.append((item, program))
    return reply("digest_list", page=page(rows, 25))
