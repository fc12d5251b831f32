"""Digest schedules (S-n): created and removed (kept on record), never edited in place."""

from __future__ import annotations

from sqlmodel import Session, col, select

from store import audit
from store.access import Actor, may_post_in, may_see
from store.errors import Conflict, Forbidden, NotFound
from store.ids import Kind, next_number, ref
from store.models import DigestSchedule, Program
from store.types import utcnow


def create(
    session: Session, actor: Actor, *, channel_id: str, program: Program | None, days: str, time_of_day: str, tz: str
) -> DigestSchedule:
    """Schedule a digest: admins, or a program's owner for the program's own channel."""
    if program is None and not actor.is_admin:
        raise Forbidden("Only Pulse admins may schedule the portfolio digest.")
    if program is not None:
        own_channel = program.channel_id == channel_id and actor.user_id == program.owner_id
        if not (actor.is_admin or own_channel):
            raise Forbidden(
                f"Only Pulse admins, or the program owner (<@{program.owner_id}>) for {program.key}'s own channel, "
                "may schedule its digest."
            )
        if not may_post_in(program, channel_id):
            raise Forbidden(f"{program.key} is restricted and <#{channel_id}> is not on its allow-list.")
    schedule = DigestSchedule(
        team_id=actor.team_id,
        number=next_number(session, actor.team_id, Kind.SCHEDULE),
        channel_id=channel_id,
        program_id=program.id if program else None,
        days=days,
        time_of_day=time_of_day,
        tz=tz,
        created_by=actor.user_id,
    )
    session.add(schedule)
    audit.record(
        session,
        actor,
        entity_type="schedule",
        entity_ref=ref(Kind.SCHEDULE, schedule.number),
        action="create",
        program=program,
        before=None,
        after=schedule,
    )
    return schedule


def remove(session: Session, actor: Actor, schedule: DigestSchedule, program: Program | None) -> DigestSchedule:
    """Stop a schedule (same people who may create it); the row is kept."""
    label = ref(Kind.SCHEDULE, schedule.number)
    owner_of_own_channel = (
        program is not None and actor.user_id == program.owner_id and program.channel_id == schedule.channel_id
    )
    if not (actor.is_admin or owner_of_own_channel):
        raise Forbidden(f"Only Pulse admins, or the program owner for its own channel, may remove {label}.")
    if schedule.removed_at is not None:
        raise Conflict(f"{label} is already removed.")
    before = audit.snapshot(schedule)
    schedule.removed_at = utcnow()
    schedule.removed_by = actor.user_id
    session.add(schedule)
    audit.record(
        session,
        actor,
        entity_type="schedule",
        entity_ref=label,
        action="remove",
        program=program,
        before=before,
        after=schedule,
    )
    return schedule


def get(session: Session, actor: Actor, number: int) -> tuple[DigestSchedule, Program | None]:
    """A schedule by number, or NotFound when it (or its program) is hidden from the caller."""
    schedule = session.exec(
        select(DigestSchedule).where(col(DigestSchedule.team_id) == actor.team_id, col(DigestSchedule.number) == number)
    ).first()
    label = ref(Kind.SCHEDULE, number)
    if schedule is None:
        raise NotFound(label)
    program = session.get(Program, schedule.program_id) if schedule.program_id else None
    if program is not None and not may_see(actor, program):
        raise NotFound(label)
    return schedule, program


def visible(session: Session, actor: Actor) -> list[tuple[DigestSchedule, Program | None]]:
    """Active schedules of the actor's workspace with their program, hiding programs they may not see."""
    active_schedules = active(session, actor.team_id)
    programs = {
        p.id: p
        for p in session.exec(
            select(Program).where(col(Program.id).in_([s.program_id for s in active_schedules if s.program_id]))
        )
    }
    rows: list[tuple[DigestSchedule, Program | None]] = []
    for item in active_schedules:
        program = programs.get(item.program_id) if item.program_id else None
        if program is None or may_see(actor, program):
            rows.append((item, program))
    return rows


def active(session: Session, team_id: str | None = None) -> list[DigestSchedule]:
    """Schedules not removed (of one workspace, or all)."""
    statement = select(DigestSchedule).where(col(DigestSchedule.removed_at).is_(None))
    if team_id is not None:
        statement = statement.where(col(DigestSchedule.team_id) == team_id)
    return list(session.exec(statement.order_by(col(DigestSchedule.team_id), col(DigestSchedule.number))))
