"""Scheduled digests: each schedule's period is sent once, late ones within the catch-up window."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from sqlmodel import Session

from commands.digest_content import channel_viewer, enqueue_digest, portfolio_digest, program_digest
from store import outbox
from store.access import may_post_in
from store.calendar import WorkCalendar, instants_between, latest_due, parse_time
from store.lookup import programs_by_id
from store.models import DigestSchedule, Program

log = logging.getLogger(__name__)


def dedupe_key(schedule: DigestSchedule, due: dt.datetime) -> str:
    """One key per schedule and local period (the local date it is due)."""
    return f"digest:S-{schedule.number}:{due.astimezone(ZoneInfo(schedule.tz)).date().isoformat()}"


def plan(
    session: Session,
    schedules: list[DigestSchedule],
    *,
    now: dt.datetime,
    last_tick: dt.datetime | None,
    calendar: WorkCalendar,
    catchup: dt.timedelta,
) -> list[int]:
    """Queue every digest that is due and not yet queued; returns the outbox ids queued."""
    due_now: list[tuple[DigestSchedule, dt.datetime, str]] = []
    for schedule in schedules:
        zone = ZoneInfo(schedule.tz)
        at = parse_time(schedule.time_of_day)
        due = latest_due(schedule.days, at, zone, now, calendar)
        if due is None or due < schedule.created_at:
            continue
        if last_tick is not None:  # periods the clock was down for, before the newest one: never sent
            for missed in instants_between(schedule.days, at, zone, max(last_tick, schedule.created_at), due, calendar):
                log.warning(
                    "skipped digest S-%s due %s: the clock was not running then (only the newest missed one is sent)",
                    schedule.number,
                    missed.isoformat(),
                )
        if now - due > catchup:
            if last_tick is None or due > last_tick:
                log.warning(
                    "skipped digest S-%s due %s: %s late, over the %s catch-up window",
                    schedule.number,
                    due.isoformat(),
                    now - due,
                    catchup,
                )
            continue
        due_now.append((schedule, due, dedupe_key(schedule, due)))
    if not due_now:
        return []
    queued: set[tuple[str, str]] = set()
    for team_id in {s.team_id for s, _, _ in due_now}:  # S-n numbers are per workspace, so are the keys
        keys = [key for s, _, key in due_now if s.team_id == team_id]
        queued |= {(team_id, key) for key in outbox.queued_keys(session, team_id, keys)}
    programs = programs_by_id(session, [s.program_id or 0 for s, _, _ in due_now])
    ids: list[int] = []
    for schedule, due, key in due_now:
        if (schedule.team_id, key) in queued:
            continue
        program = programs.get(schedule.program_id) if schedule.program_id else None
        ids += _send(session, schedule, program, due=due, key=key, now=now)
    return ids


def _send(
    session: Session, schedule: DigestSchedule, program: Program | None, *, due: dt.datetime, key: str, now: dt.datetime
) -> list[int]:
    today = now.astimezone(ZoneInfo(schedule.tz)).date()
    if program is not None:
        if program.archived_at is not None or not may_post_in(program, schedule.channel_id):
            log.warning(
                "digest S-%s not sent: %s is archived or not cleared for its channel", schedule.number, program.key
            )
            return []
        digest = program_digest(session, program, since=schedule.last_sent_at, now=now, today=today)
    else:
        viewer = channel_viewer(schedule.team_id, schedule.channel_id)
        digest = portfolio_digest(session, viewer, since=schedule.last_sent_at, now=now, today=today)
    ids = enqueue_digest(
        session,
        team_id=schedule.team_id,
        channel_id=schedule.channel_id,
        digest=digest,
        dedupe_key=key,
        entity_ref=f"S-{schedule.number}",
    )
    if ids:
        schedule.last_sent_at = due
        session.add(schedule)
    return ids
