"""When scheduled digests are due: each schedule's period is sent once, late ones within the catch-up window."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session

from domain.access import CLOCK_USER, channel_viewer, may_post_in
from domain.calendar import WorkCalendar, instants_between, latest_due, parse_time
from domain.digests import portfolio_digest, program_digest
from domain.messages import Edit, Post
from store import audit, outbox, programs
from store.audit import snapshot
from store.models import DigestSchedule, Program

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DueDigest:
    """A schedule's digest for one local period, not queued yet."""

    schedule: DigestSchedule
    due: dt.datetime
    key: str
    program: Program | None


def dedupe_key(schedule: DigestSchedule, due: dt.datetime) -> str:
    """One key per schedule and local period (the local date it is due)."""
    return f"digest:S-{schedule.number}:{due.astimezone(ZoneInfo(schedule.tz)).date().isoformat()}"


def due_now(
    session: Session,
    schedules: list[DigestSchedule],
    *,
    now: dt.datetime,
    last_tick: dt.datetime | None,
    calendar: WorkCalendar,
    catchup: dt.timedelta,
) -> list[DueDigest]:
    """Every scheduled digest due at `now` and not queued yet; late ones only within `catchup`."""
    found: list[tuple[DigestSchedule, dt.datetime, str]] = []
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
        found.append((schedule, due, dedupe_key(schedule, due)))
    if not found:
        return []
    queued: set[tuple[str, str]] = set()
    for team_id in {s.team_id for s, _, _ in found}:  # S-n numbers are per workspace, so are the keys
        keys = [key for s, _, key in found if s.team_id == team_id]
        queued |= {(team_id, key) for key in outbox.queued_keys(session, team_id, keys)}
    by_id = programs.by_ids(session, [s.program_id or 0 for s, _, _ in found])
    return [
        DueDigest(schedule, due, key, by_id.get(schedule.program_id) if schedule.program_id else None)
        for schedule, due, key in found
        if (schedule.team_id, key) not in queued
    ]


def scheduled(session: Session, item: DueDigest, now: dt.datetime) -> tuple[Post, list[Edit]] | None:
    """The post of a due digest and the updates in place it warrants (the check-in DMs it names as unanswered), or
    None when its program is archived or not cleared for the channel."""
    schedule, program = item.schedule, item.program
    zone = ZoneInfo(schedule.tz)
    today = now.astimezone(zone).date()
    if program is not None:
        if program.archived_at is not None or not may_post_in(program, schedule.channel_id):
            log.warning(
                "digest S-%s not sent: %s is archived or not cleared for its channel", schedule.number, program.key
            )
            return None
        digest = program_digest(session, program, since=schedule.last_sent_at, now=now, today=today, tz=zone)
    else:
        viewer = channel_viewer(schedule.team_id, schedule.channel_id)
        digest = portfolio_digest(session, viewer, since=schedule.last_sent_at, now=now, today=today, tz=zone)
    return digest.post(schedule.channel_id, dedupe_key=item.key, entity_ref=f"S-{schedule.number}"), digest.edits


def mark_sent(session: Session, item: DueDigest) -> None:
    """The schedule's next digest covers what happened since this one (audited as the clock's change)."""
    schedule = item.schedule
    before = snapshot(schedule)
    schedule.last_sent_at = item.due
    session.add(schedule)
    audit.record(
        session,
        team_id=schedule.team_id,
        actor_id=CLOCK_USER,
        entity_type="schedule",
        entity_ref=f"S-{schedule.number}",
        action="send",
        program=item.program,
        before=before,
        after=schedule,
    )
