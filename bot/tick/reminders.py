"""Owner reminders by DM (one gathered DM per person per working day, 09:00-10:00 their time) and the
overdue-action escalation ladder: step 1 DM to the owner, step 2 DM to owner and program owner,
step 3 a post in the escalation channel. Each step reaches each recipient at most once."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlmodel import Session

from store import actions, milestones, outbox, programs, reminders, risks
from store.access import may_post_in
from store.bands import workspace_settings
from store.calendar import WorkCalendar, in_local_window
from store.lookup import active_programs
from store.models import Action, Milestone, Program, Risk
from templates import render

DM_START, DM_END = dt.time(9, 0), dt.time(10, 0)
STALE_DAYS = 7
MILESTONE_SOON_DAYS = 3
MAX_ITEMS_WITH_BUTTONS = 20

ACTION_DONE, ACTION_SNOOZE_DAY, ACTION_SNOOZE_WEEK = "action_done", "action_snooze_1d", "action_snooze_1w"
RISK_REVIEWED, RISK_UPDATE = "risk_reviewed", "risk_update_form"


@dataclass
class Inbox:
    """What one person is told today."""

    overdue: list[tuple[Action, Program, int]] = field(default_factory=list)  # (action, program, step)
    team_overdue: list[tuple[Action, Program]] = field(default_factory=list)
    reviews: list[tuple[Risk, Program]] = field(default_factory=list)
    stale: list[tuple[Program, int]] = field(default_factory=list)
    milestones: list[tuple[Milestone, Program]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.overdue or self.team_overdue or self.reviews or self.stale or self.milestones)


def ladder_anchor(action: Action, calendar: WorkCalendar) -> dt.date:
    """The first working day the action counts as overdue (after its due date, or after a snooze)."""
    start = action.due + dt.timedelta(days=1)
    if action.snoozed_until is not None and action.snoozed_until > start:
        start = action.snoozed_until
    return calendar.first_working_day_from(start)


def step_key(action: Action, step: int, calendar: WorkCalendar) -> str:
    """The ledger key of one ladder step; a snooze starts a new ladder (new anchor), so its steps come again."""
    return f"action:A-{action.number}:{ladder_anchor(action, calendar).isoformat()}:step:{step}"


def ladder_step(action: Action, today: dt.date, calendar: WorkCalendar, step2_days: int, step3_days: int) -> int:
    """The highest ladder step reached by `today` (0 when not overdue)."""
    if not actions.is_overdue(action, today):
        return 0
    anchor = ladder_anchor(action, calendar)
    if today < anchor:
        return 0
    elapsed = calendar.working_days_between(anchor, today)
    return 3 if elapsed >= step3_days else 2 if elapsed >= step2_days else 1


def plan(
    session: Session,
    team_id: str,
    *,
    now: dt.datetime,
    calendar: WorkCalendar,
    tz_for: Callable[[list[str]], dict[str, ZoneInfo]],
    workspace_tz: ZoneInfo,
    escalation_channel: str | None,
) -> list[int]:
    """Queue today's reminder DMs for people in their 09:00-10:00 window, and ladder step-3 posts."""
    active = active_programs(session, team_id)
    if not active:
        return []
    by_id = {p.id: p for p in active}
    ids = [p.id or 0 for p in active]
    settings = workspace_settings(session, team_id)
    open_actions = actions.query(session, team_id, ids)
    open_risks = [r for r in risks.query(session, team_id, ids) if r.review_date is not None]
    open_milestones = milestones.for_programs(session, ids)
    statuses = programs.status_of(session, active)

    people = (
        {a.owner_id for a in open_actions}
        | {r.owner_id for r in open_risks}
        | {m.owner_id for m in open_milestones}
        | {p.owner_id for p in active}
    )
    zones = tz_for(sorted(people))
    inboxes: dict[str, Inbox] = defaultdict(Inbox)
    local_today = {u: now.astimezone(z).date() for u, z in zones.items()}
    awake = {
        u
        for u, z in zones.items()
        if calendar.is_working_day(local_today[u]) and in_local_window(now, z, DM_START, DM_END)
    }

    for action in open_actions:
        program = by_id[action.program_id]
        for person in {action.owner_id, program.owner_id} & awake:
            step = ladder_step(
                action, local_today[person], calendar, settings.ladder_step2_days, settings.ladder_step3_days
            )
            if step == 0:
                continue
            if person == action.owner_id:
                reached = 2 if step >= 2 else 1
                inboxes[person].overdue.append((action, program, reached))
                inboxes[person].keys.append(step_key(action, reached, calendar))
            elif step >= 2:
                inboxes[person].team_overdue.append((action, program))
                inboxes[person].keys.append(step_key(action, 2, calendar))
    for risk in open_risks:
        if risk.owner_id in awake and risk.review_date and risk.review_date < local_today[risk.owner_id]:
            inboxes[risk.owner_id].reviews.append((risk, by_id[risk.program_id]))
            inboxes[risk.owner_id].keys.append(f"risk:R-{risk.number}:review:{risk.review_date.isoformat()}")
    for program in active:
        owner = program.owner_id
        if owner not in awake:
            continue
        current = statuses[program.id or 0].current
        since = current.created_at if current else program.created_at
        days = (now - since).days
        if days >= STALE_DAYS:
            inboxes[owner].stale.append((program, days))
            inboxes[owner].keys.append(f"stale:{program.key}:{current.id if current else 0}:{days // STALE_DAYS}")
    for milestone in open_milestones:
        owner = milestone.owner_id
        if owner in awake and 0 <= (milestone.due - local_today[owner]).days <= MILESTONE_SOON_DAYS:
            inboxes[owner].milestones.append((milestone, by_id[milestone.program_id]))
            inboxes[owner].keys.append(f"milestone:M-{milestone.number}:{milestone.due.isoformat()}")

    queued = _send_dms(session, team_id, inboxes, local_today, now.date(), calendar)
    queued += _ladder_posts(
        session,
        team_id,
        open_actions,
        by_id,
        now=now,
        calendar=calendar,
        workspace_tz=workspace_tz,
        escalation_channel=escalation_channel,
        step2=settings.ladder_step2_days,
        step3=settings.ladder_step3_days,
    )
    return queued


def _send_dms(
    session: Session,
    team_id: str,
    inboxes: dict[str, Inbox],
    local_today: dict[str, dt.date],
    today: dt.date,
    calendar: WorkCalendar,
) -> list[int]:
    candidates = {user: inbox for user, inbox in inboxes.items() if inbox}
    if not candidates:
        return []
    dm_keys = {user: f"dm:{user}:{local_today[user].isoformat()}" for user in candidates}
    already = outbox.queued_keys(session, team_id, list(dm_keys.values()))
    pending = {(key, user) for user, inbox in candidates.items() if dm_keys[user] not in already for key in inbox.keys}
    fresh = reminders.claim_many(session, team_id=team_id, pairs=sorted(pending), today=today)
    ids: list[int] = []
    for user, inbox in sorted(candidates.items()):
        if dm_keys[user] in already:
            continue
        kept = _only_fresh(inbox, user, fresh, calendar)
        if not kept:
            continue
        markup, buttons = _compose(kept)
        queued = outbox.enqueue(
            session,
            team_id=team_id,
            dedupe_key=dm_keys[user],
            kind="reminder_dm",
            markup=markup,
            user_id=user,
            buttons=buttons,
        )
        if queued is not None and queued.id is not None:
            ids.append(queued.id)
    return ids


def _only_fresh(inbox: Inbox, user: str, fresh: set[tuple[str, str]], calendar: WorkCalendar) -> Inbox:
    """The part of an inbox whose ledger keys this tick claimed (nothing is told twice)."""

    def ok(key: str) -> bool:
        return (key, user) in fresh

    return Inbox(
        overdue=[(a, p, s) for a, p, s in inbox.overdue if ok(step_key(a, s, calendar))],
        team_overdue=[(a, p) for a, p in inbox.team_overdue if ok(step_key(a, 2, calendar))],
        reviews=[
            (r, p)
            for r, p in inbox.reviews
            if ok(f"risk:R-{r.number}:review:{r.review_date.isoformat() if r.review_date else ''}")
        ],
        stale=[(p, d) for p, d in inbox.stale if any(k.startswith(f"stale:{p.key}:") and ok(k) for k in inbox.keys)],
        milestones=[(m, p) for m, p in inbox.milestones if ok(f"milestone:M-{m.number}:{m.due.isoformat()}")],
    )


def _compose(inbox: Inbox) -> tuple[str, list[dict[str, str]]]:
    buttons: list[dict[str, str]] = []
    shown_actions = inbox.overdue[:MAX_ITEMS_WITH_BUTTONS]
    for action, _program, _step in shown_actions:
        group, value = f"A-{action.number}", f"A-{action.number}"
        buttons += [
            {"text": "Done", "action_id": ACTION_DONE, "value": value, "style": "primary", "group": group},
            {"text": "Snooze 1 day", "action_id": ACTION_SNOOZE_DAY, "value": value, "group": group},
            {"text": "Snooze 1 week", "action_id": ACTION_SNOOZE_WEEK, "value": value, "group": group},
        ]
    room = max(0, MAX_ITEMS_WITH_BUTTONS - len(shown_actions))
    shown_reviews = inbox.reviews[:room]
    for risk, _program in shown_reviews:
        group, value = f"R-{risk.number}", f"R-{risk.number}"
        buttons += [
            {"text": "Reviewed", "action_id": RISK_REVIEWED, "value": value, "style": "primary", "group": group},
            {"text": "Update", "action_id": RISK_UPDATE, "value": value, "group": group},
        ]
    markup = render(
        "reminder_dm",
        inbox=inbox,
        overdue=shown_actions,
        more_overdue=len(inbox.overdue) - len(shown_actions),
        reviews=shown_reviews,
        more_reviews=len(inbox.reviews) - len(shown_reviews),
    )
    return markup, buttons


def _ladder_posts(
    session: Session,
    team_id: str,
    open_actions: list[Action],
    by_id: dict[int | None, Program],
    *,
    now: dt.datetime,
    calendar: WorkCalendar,
    workspace_tz: ZoneInfo,
    escalation_channel: str | None,
    step2: int,
    step3: int,
) -> list[int]:
    """Step 3: post actions overdue for `step3` working days in the escalation channel (working hours)."""
    today = now.astimezone(workspace_tz).date()
    if not calendar.is_working_day(today) or now.astimezone(workspace_tz).time() < DM_START:
        return []
    due = []
    for action in open_actions:
        if ladder_step(action, today, calendar, step2, step3) < 3:
            continue
        program = by_id[action.program_id]
        channel = escalation_channel if escalation_channel and may_post_in(program, escalation_channel) else None
        channel = channel or program.channel_id
        if channel:
            due.append((action, program, channel))
    if not due:
        return []
    fresh = reminders.claim_many(
        session, team_id=team_id, today=today, pairs=sorted({(step_key(a, 3, calendar), ch) for a, _, ch in due})
    )
    posts = [
        outbox.Outgoing(
            dedupe_key=f"ladder:{step_key(action, 3, calendar)}",
            kind="escalation",
            markup=render("ladder_post", action=action, program=program, days=(today - action.due).days),
            channel_id=channel,
            entity_ref=f"A-{action.number}",
            buttons=[{"text": "Done", "action_id": ACTION_DONE, "value": f"A-{action.number}"}],
        )
        for action, program, channel in due
        if (step_key(action, 3, calendar), channel) in fresh
    ]
    queued = outbox.enqueue_many(session, team_id=team_id, messages=posts)  # one INSERT, not one per action
    return [queued[p.dedupe_key] for p in posts if p.dedupe_key in queued]
