"""Status check-ins: each program's owner is asked for a status on its cadence (their time), chased once the next
working morning if nothing came back. Each DM is queued once per program and day (its outbox key)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from domain.calendar import WEEKDAYS, WorkCalendar, in_local_window, local_instant, parse_time, runs_on
from domain.living import CHECKIN_KIND
from domain.messages import Edit, Message
from domain.status import status_of
from store import audit, outbox, posts, programs, schedules
from store.models import Program, StatusUpdate

DEFAULT_AT = dt.time(14, 0)  # the default check-in time, in the owner's zone
# With no weekly leadership digest (none, or only daily/weekday ones), owners are asked as if it went out on
# Fridays: Thursday 14:00, or the working day before when Thursday is a holiday.
DEFAULT_DIGEST_DAYS = "fri"
WINDOW = dt.timedelta(hours=1)  # a tick within this long after the time still sends it (the clock's minute may slip)
CHASE_START, CHASE_END = dt.time(9, 0), dt.time(10, 0)
CHANGED_KINDS = ("risk", "action", "milestone", "decision")
CYCLE = dt.timedelta(days=7)  # a check-in older than this is last week's: digests no longer name it


@dataclass(frozen=True)
class CheckIn:
    """One DM to a program's owner: the ask (or its chase), with the last status and what changed since."""

    program: Program
    last: StatusUpdate | None
    changes: dict[str, int]  # kind -> how many changes since the last status
    chase: bool
    dedupe_key: str


def checkin_time(program: Program, day: dt.date, calendar: WorkCalendar, leadership: list[str]) -> dt.time | None:
    """When `program`'s owner is asked on local date `day`, if at all: its own `checkin:`, else at 14:00 on the
    working day before a weekly leadership (portfolio) digest: a digest on a Monday, or on a holiday Tuesday after
    it, is asked for on the Friday; with no weekly leadership digest, as if it went out on Fridays."""
    if program.checkin == "off":
        return None
    if program.checkin:
        weekday, _, at = program.checkin.partition("@")
        return parse_time(at) if WEEKDAYS[day.weekday()] == weekday else None
    if not calendar.is_working_day(day):
        return None
    weekly = [days for days in leadership if days not in {"daily", "weekdays"}] or [DEFAULT_DIGEST_DAYS]
    ahead = day + dt.timedelta(days=1)  # the digest days this working day comes before: up to the next working day
    while True:
        if any(runs_on(days, ahead, calendar) for days in weekly):
            return DEFAULT_AT
        if calendar.is_working_day(ahead):
            return None
        ahead += dt.timedelta(days=1)


def _previous_working_day(day: dt.date, calendar: WorkCalendar) -> dt.date:
    day -= dt.timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def key(program: Program, day: dt.date, *, chase: bool) -> str:
    return f"checkin{'-chase' if chase else ''}:{program.key}:{day.isoformat()}"


@dataclass(frozen=True)
class Unanswered:
    """A check-in of the past week that no status has answered yet."""

    program: Program
    asked_on: dt.date  # the owner's day it was asked
    last_status_at: dt.datetime | None  # the report before it (the check-in DMs since then are unanswered)


def unanswered(session: Session, team_id: str, shown: list[Program], *, now: dt.datetime) -> dict[int, Unanswered]:
    """Program id -> its check-in of the past CYCLE that got no status since it was sent (and its chase none either):
    digests name these programs as having no update this week."""
    asked = posts.latest_of_kind(
        session, team_id, [p.key for p in shown], kind=CHECKIN_KIND, dedupe_prefix="checkin:", since=now - CYCLE
    )
    if not asked:
        return {}
    asked_programs = [p for p in shown if p.key in asked]
    statuses = status_of(session, asked_programs)
    found = {}
    for program in asked_programs:
        message = asked[program.key]
        current = statuses[program.id or 0].current
        if message.created_at <= now and (current is None or current.created_at < message.created_at):
            day = dt.date.fromisoformat(message.dedupe_key.rsplit(":", 1)[1])
            found[program.id or 0] = Unanswered(program, day, current.created_at if current else None)
    return found


def missed_edits(missed: dict[int, Unanswered]) -> list[Edit]:
    """Each unanswered check-in DM (and its chase) saying, once, that the program is named as having no update
    this week."""
    return [
        Edit(
            m.program.key,
            Message("checkin_missed", {"program": m.program, "asked_on": m.asked_on}),
            kind=CHECKIN_KIND,
            since=m.last_status_at,
            cause=f"missed:{m.asked_on.isoformat()}",
            note=True,
        )
        for m in missed.values()
    ]


def may_be_due(session: Session, team_id: str, now: dt.datetime) -> bool:
    """Whether a check-in or chase can be due at `now`: some owner is in the chase window, or within WINDOW after
    their program's check-in time (any day; an owner whose zone is not cached yet always counts). A query of a few
    rows, so a tick that asks no one reads no program."""
    for checkin, tz in programs.owner_checkins(session, team_id):
        if checkin == "off":
            continue
        try:
            zone = ZoneInfo(tz or "")
        except (ZoneInfoNotFoundError, ValueError):
            return True  # not cached yet, or a zone Python does not know: the full look decides
        at = parse_time(checkin.partition("@")[2]) if checkin else DEFAULT_AT
        start = local_instant(now.astimezone(zone).date(), at, zone)
        if in_local_window(now, zone, CHASE_START, CHASE_END) or start <= now < start + WINDOW:
            return True
    return False


def due(
    session: Session,
    team_id: str,
    *,
    now: dt.datetime,
    calendar: WorkCalendar,
    tz_for: Callable[[list[str]], dict[str, ZoneInfo]],
) -> list[CheckIn]:
    """The check-ins and chases due at `now` and not queued yet."""
    if not may_be_due(session, team_id, now):
        return []
    active = [p for p in programs.for_team(session, team_id) if p.owner_id]
    if not active:
        return []
    leadership = [s.days for s in schedules.active(session, team_id) if s.program_id is None]
    owner_zones = tz_for(sorted({p.owner_id for p in active}))
    found: list[tuple[Program, dt.date, bool]] = []
    chases: list[tuple[Program, dt.date, dt.datetime]] = []  # asked that day at that instant: chased if silent
    for program in active:
        zone = owner_zones.get(program.owner_id, ZoneInfo("UTC"))
        local = now.astimezone(zone)
        at = checkin_time(program, local.date(), calendar, leadership)
        if at is not None:
            start = local_instant(local.date(), at, zone)
            if start <= now < start + WINDOW:
                found.append((program, local.date(), False))
        if calendar.is_working_day(local.date()) and in_local_window(now, zone, CHASE_START, CHASE_END):
            asked_on = _previous_working_day(local.date(), calendar)
            asked_at = checkin_time(program, asked_on, calendar, leadership)
            if asked_at is not None:
                chases.append((program, asked_on, local_instant(asked_on, asked_at, zone)))
    if not found and not chases:
        return []  # the usual tick: no owner is at a check-in or chase time, so no status is read
    statuses = status_of(session, [p for p, _day, _chase in found] + [p for p, _day, _at in chases])
    for program, asked_on, asked_instant in chases:
        current = statuses[program.id or 0].current
        if current is None or current.created_at < asked_instant:
            found.append((program, asked_on, True))
    keys = [key(p, day, chase=chase) for p, day, chase in found]
    queued = outbox.queued_keys(session, team_id, keys)
    asked = outbox.queued_keys(session, team_id, [key(p, day, chase=False) for p, day, chase in found if chase])
    checkins = []
    for (program, day, chase), dedupe in zip(found, keys, strict=True):
        if dedupe in queued or (chase and key(program, day, chase=False) not in asked):
            continue  # already queued, or a chase of a check-in that was never sent
        last = statuses[program.id or 0].current
        checkins.append(CheckIn(program, last, _changes(session, program, last), chase, dedupe))
    return checkins


def _changes(session: Session, program: Program, last: StatusUpdate | None) -> dict[str, int]:
    """How many risks, actions, milestones and decisions changed since the last status."""
    since = last.created_at if last else program.created_at
    events = [e for e in audit.program_history(session, program, limit=200) if e.created_at > since]
    counts = Counter(e.entity_type for e in events if e.entity_type in CHANGED_KINDS)
    return {kind: counts[kind] for kind in CHANGED_KINDS if counts[kind]}
