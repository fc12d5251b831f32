"""Digests: the team digest of one program and the leadership digest of the portfolio; when they are due.

A digest is a summary message for the channel and detail messages for its thread.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlmodel import Session

from domain import changes
from domain.access import CLOCK_USER, Actor, channel_viewer, may_post_in
from domain.bands import Band, band_for
from domain.calendar import WorkCalendar, instants_between, latest_due, parse_time
from domain.context import Context
from domain.errors import Forbidden, Invalid
from domain.inputs import Input
from domain.lookup import program as find_program
from domain.messages import Message, Post, Reply, reply, use_case
from domain.portfolio import ProgramFacts, facts_for, portfolio
from store import audit, outbox, programs
from store.audit import snapshot
from store.models import DigestSchedule, Program, Rag
from store.settings import workspace_settings

log = logging.getLogger(__name__)
DEFAULT_LOOKBACK = dt.timedelta(days=7)
UPCOMING_DAYS = 14
TOP_RISKS = 5
PROGRAMS_PER_DETAIL = 6
PORTFOLIO = "portfolio"
SUMMARY_KIND, DETAIL_KIND = "digest", "digest_detail"


@dataclass
class Digest:
    """The channel message and the thread replies of one digest."""

    summary: Message
    details: list[Message] = field(default_factory=list)

    def messages(self) -> list[Message]:
        return [self.summary, *self.details]

    def post(self, channel_id: str, *, dedupe_key: str, entity_ref: str) -> Post:
        """The summary as a channel post with the details in its thread."""
        return Post(
            channel_id,
            self.summary,
            entity_ref=entity_ref,
            kind=SUMMARY_KIND,
            dedupe_key=dedupe_key,
            thread=self.details,
        )


def program_digest(
    session: Session, program: Program, *, since: dt.datetime | None, now: dt.datetime, today: dt.date
) -> Digest:
    """The team digest of one program."""
    start = since or now - DEFAULT_LOOKBACK
    facts = facts_for(session, program.team_id, [program], today=today, now=now)[0]
    settings = workspace_settings(session, program.team_id)
    soon = today + dt.timedelta(days=UPCOMING_DAYS)
    context = {
        "f": facts,
        "program": program,
        "now": now,
        "today": today,
        "since": start,
        "upcoming": [m for m in facts.open_milestones if today <= m.due <= soon],
        "risks": [(r, band_for(r.score, settings)) for r in facts.risks[:TOP_RISKS]],
        "more_risks": max(0, len(facts.risks) - TOP_RISKS),
    }
    moved = changes.since(session, program.team_id, [program], start)
    current = facts.status.current
    context["decisions"] = [decision for decision, _ in moved.decisions]
    context["new_critical"] = moved.new_critical
    context["nothing_changed"] = moved.nothing and (current is None or current.created_at < start)
    return Digest(
        summary=Message("digest_program_summary", context), details=[Message("digest_program_detail", context)]
    )


def portfolio_digest(
    session: Session, viewer: Actor, *, since: dt.datetime | None, now: dt.datetime, today: dt.date
) -> Digest:
    """The leadership digest of every program `viewer` may see."""
    start = since or now - DEFAULT_LOOKBACK
    facts = portfolio(session, viewer, today=today, now=now)
    moved = changes.since(session, viewer.team_id, [f.program for f in facts], start)
    counts = {rag.value: sum(1 for f in facts if f.rag == rag) for rag in Rag}
    counts["none"] = sum(1 for f in facts if f.rag is None)
    context = {
        "facts": facts,
        "counts": counts,
        "changes": moved,
        "now": now,
        "today": today,
        "since": start,
        "red": [f for f in facts if f.rag == Rag.RED],
        "watermelons": [f for f in facts if f.watermelon],
        "stale": [f for f in facts if f.stale],
        "bands": Band,
    }
    details = [
        Message("digest_portfolio_detail", {**context, "chunk": chunk}) for chunk in _chunks(facts, PROGRAMS_PER_DETAIL)
    ]
    return Digest(summary=Message("digest_portfolio_summary", context), details=details)


def _chunks(items: list[ProgramFacts], size: int) -> list[list[ProgramFacts]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


class DigestTarget(Input):
    """A program's digest, or the portfolio's when `key` is None; `channel_id` is where it goes."""

    key: str | None = None
    channel_id: str | None = None


def _target(ctx: Context, key: str | None) -> Program | None:
    return None if key is None or key.lower() == PORTFOLIO else find_program(ctx.session, ctx.actor, key)


def _build(ctx: Context, program: Program | None, channel_id: str | None) -> Digest:
    if program is not None:
        return program_digest(ctx.session, program, since=None, now=ctx.now, today=ctx.today)
    viewer = channel_viewer(ctx.team_id, channel_id) if channel_id else ctx.actor
    return portfolio_digest(ctx.session, viewer, since=None, now=ctx.now, today=ctx.today)


@use_case(writes=False)
def preview(ctx: Context, data: DigestTarget) -> Reply:
    """A program's digest, or the portfolio digest, as only the caller sees it."""
    digest = _build(ctx, _target(ctx, data.key), None)
    return reply("digest_preview", parts=digest.messages())


@use_case(writes=True)
def send(ctx: Context, data: DigestTarget) -> Reply:
    """Post a digest now: to `channel_id`, else the program's channel, else the caller's channel."""
    program = _target(ctx, data.key)
    channel = data.channel_id or (program.channel_id if program else None) or ctx.actor.channel_id
    if channel is None:
        raise Invalid("digest_needs_channel", field="channel_id")
    if program is not None and not may_post_in(program, channel):
        raise Forbidden("restricted_channel", key=program.key, channel=channel)
    digest = _build(ctx, program, channel)
    post = digest.post(
        channel, dedupe_key=f"digest-now:{uuid.uuid4().hex}", entity_ref=program.key if program else PORTFOLIO
    )
    answer = reply("digest_sent", program=program, channel=channel, parts=len(digest.messages()))
    answer.posts = [post]
    return answer


# When scheduled digests are due ---------------------------------------------------------------------


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


def scheduled(session: Session, item: DueDigest, now: dt.datetime) -> Post | None:
    """The post of a due digest, or None when its program is archived or not cleared for the channel."""
    schedule, program = item.schedule, item.program
    today = now.astimezone(ZoneInfo(schedule.tz)).date()
    if program is not None:
        if program.archived_at is not None or not may_post_in(program, schedule.channel_id):
            log.warning(
                "digest S-%s not sent: %s is archived or not cleared for its channel", schedule.number, program.key
            )
            return None
        digest = program_digest(session, program, since=schedule.last_sent_at, now=now, today=today)
    else:
        viewer = channel_viewer(schedule.team_id, schedule.channel_id)
        digest = portfolio_digest(session, viewer, since=schedule.last_sent_at, now=now, today=today)
    return digest.post(schedule.channel_id, dedupe_key=item.key, entity_ref=f"S-{schedule.number}")


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
