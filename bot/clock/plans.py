"""What one tick queues: scheduled digests, reminder DMs and ladder posts, alert repeats."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import buttons
from bot.present import markup, queue_edits, queue_posts
from domain import checkins, digest_schedule, escalation, living, planning, reminders
from domain.calendar import WorkCalendar
from domain.messages import Message
from store import outbox, schedules

MAX_ITEMS_WITH_BUTTONS = 20


@dataclass(frozen=True)
class Tick:
    """One tick's instant and the settings every plan follows."""

    now: dt.datetime
    last_tick: dt.datetime | None
    calendar: WorkCalendar
    catchup: dt.timedelta
    workspace_tz: ZoneInfo
    escalation_channel: str | None  # the environment's default; a workspace may set its own
    prefix: str


def plan_digests(session: Session, tick: Tick) -> list[int]:
    """Queue every scheduled digest that is due and not queued yet."""
    ids: list[int] = []
    active = schedules.active(session)
    for item in digest_schedule.due_now(
        session, active, now=tick.now, last_tick=tick.last_tick, calendar=tick.calendar, catchup=tick.catchup
    ):
        due = digest_schedule.scheduled(session, item, tick.now)
        if due is None:
            continue
        post, edits = due
        queued = queue_posts(session, item.schedule.team_id, [post], tick.prefix)
        if queued:
            digest_schedule.mark_sent(session, item)
            queue_edits(session, item.schedule.team_id, edits, tick.prefix)  # sent with them, not counted as posts
        ids += queued
    return ids


def plan_alert_repeats(session: Session, tick: Tick) -> list[int]:
    """Queue today's repeat of every alert still unacknowledged."""
    ids: list[int] = []
    today = tick.now.astimezone(tick.workspace_tz).date()
    for repeat in escalation.repeats_due(session, now=tick.now, calendar=tick.calendar, workspace_tz=tick.workspace_tz):
        team_id = repeat.alert.team_id
        channel = escalation.channel_for(session, team_id, tick.escalation_channel)
        ids += queue_posts(session, team_id, repeat.posts(session, channel), tick.prefix)
        escalation.mark_repeated(session, repeat.alert, today)
    return ids


def plan_reminders(
    session: Session,
    team_id: str,
    tick: Tick,
    zones: set[ZoneInfo],
    tz_for: Callable[[list[str]], dict[str, ZoneInfo]],
) -> list[int]:
    """Queue today's reminder DMs and ladder step-3 posts of one workspace (`zones`: its people's time zones);
    only the parts that can have something due are read."""
    needs = planning.needs(
        session, team_id, now=tick.now, calendar=tick.calendar, zones=zones, workspace_tz=tick.workspace_tz
    )
    due = reminders.due(
        session,
        team_id,
        now=tick.now,
        calendar=tick.calendar,
        tz_for=tz_for,
        workspace_tz=tick.workspace_tz,
        escalation_channel=escalation.channel_for(session, team_id, tick.escalation_channel),
        dms=needs.dms,
        ladder=needs.ladder,
    )
    planning.remember(session, team_id, needs, tick.now)
    ids: list[int] = []
    for dm in due.dms:
        text, dm_buttons = _compose(dm.inbox, tick.prefix)
        queued = outbox.enqueue(
            session,
            team_id=team_id,
            dedupe_key=dm.dedupe_key,
            kind="reminder_dm",
            markup=text,
            user_id=dm.user_id,
            buttons=dm_buttons,
        )
        if queued is not None and queued.id is not None:
            ids.append(queued.id)
    posts = [
        outbox.Outgoing(
            dedupe_key=step.dedupe_key,
            kind="escalation",
            markup=markup(
                Message("ladder_post", {"action": step.action, "program": step.program, "days": step.days_overdue}),
                tick.prefix,
            ),
            channel_id=step.channel_id,
            entity_ref=f"A-{step.action.number}",
            buttons=[buttons.done(f"A-{step.action.number}")],
        )
        for step in due.ladder
    ]
    queued_posts = outbox.enqueue_many(session, team_id=team_id, messages=posts)  # one INSERT, not one per action
    return ids + [queued_posts[p.dedupe_key] for p in posts if p.dedupe_key in queued_posts]


def plan_checkins(
    session: Session, team_id: str, tick: Tick, tz_for: Callable[[list[str]], dict[str, ZoneInfo]]
) -> list[int]:
    """Queue the status check-ins (and chases) due now in one workspace, each once."""
    ids: list[int] = []
    for checkin in checkins.due(session, team_id, now=tick.now, calendar=tick.calendar, tz_for=tz_for):
        text = markup(Message("checkin_dm", {"c": checkin, "now": tick.now}), tick.prefix)
        queued = outbox.enqueue(
            session,
            team_id=team_id,
            dedupe_key=checkin.dedupe_key,
            kind=living.CHECKIN_KIND,
            markup=text,
            user_id=checkin.program.owner_id,
            buttons=buttons.for_checkin(checkin.program.key),
            entity_ref=checkin.program.key,
        )
        if queued is not None and queued.id is not None:
            ids.append(queued.id)
    return ids


def _compose(inbox: reminders.Inbox, prefix: str) -> tuple[str, list[dict[str, object]]]:
    """A person's reminder DM, with Done/Snooze under each overdue action and Reviewed/Update under each review."""
    dm_buttons: list[dict[str, object]] = []
    shown_actions = inbox.overdue[:MAX_ITEMS_WITH_BUTTONS]
    for action, _program, _step in shown_actions:
        dm_buttons += buttons.for_overdue_action(f"A-{action.number}")
    shown_reviews = inbox.reviews[: max(0, MAX_ITEMS_WITH_BUTTONS - len(shown_actions))]
    for risk, _program in shown_reviews:
        dm_buttons += buttons.for_review(f"R-{risk.number}")
    text = markup(
        Message(
            "reminder_dm",
            {
                "inbox": inbox,
                "overdue": shown_actions,
                "more_overdue": len(inbox.overdue) - len(shown_actions),
                "reviews": shown_reviews,
                "more_reviews": len(inbox.reviews) - len(shown_reviews),
            },
        ),
        prefix,
    )
    return text, dm_buttons
