"""What each person is told today: one gathered DM per person per working day, 09:00-10:00 their time,
and the ladder's step-3 channel posts. Each item reaches each recipient at most once (the reminder ledger).

A DM gathers: their overdue actions (and those of programs they own, from step 2), actions due tomorrow, asks put
to them that are past their date (an ask put to a function, such as Legal: to the program's people of that function,
or when it has none, to the owner of the program that asked, to chase), risks due for review, stale programs they own,
milestones due soon, and the decisions they are Informed of (each once, and only while they may see the program)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlmodel import Session

from domain.access import may_post_in
from domain.calendar import WorkCalendar, in_local_window
from domain.ladder import ladder_step, step_key
from domain.portfolio import STALE_AFTER_DAYS
from domain.stakeholders import addressees, may_be_told
from domain.status import status_of
from store import actions, asks, decisions, milestones, outbox, programs, reminders, risks
from store.models import Action, Ask, Decision, Milestone, Program, Risk
from store.settings import workspace_settings

DM_START, DM_END = dt.time(9, 0), dt.time(10, 0)
# Every local date is within a day of the UTC date: an action due (a risk to review) later than this many days
# after it is neither overdue nor due tomorrow for anyone, so the reminders never read it.
NEAR_DAYS = 3
MILESTONE_SOON_DAYS = 3
INFORMED_WITHIN = dt.timedelta(days=7)  # decisions older than this are not news to their Informed people


@dataclass
class Inbox:
    """What one person is told today, with the ledger key of each item."""

    overdue: list[tuple[Action, Program, int]] = field(default_factory=list)  # (action, program, step)
    team_overdue: list[tuple[Action, Program]] = field(default_factory=list)
    reviews: list[tuple[Risk, Program]] = field(default_factory=list)
    stale: list[tuple[Program, int, bool]] = field(default_factory=list)  # (program, quiet days, never reported)
    milestones: list[tuple[Milestone, Program]] = field(default_factory=list)
    due_tomorrow: list[tuple[Action, Program]] = field(default_factory=list)
    asks: list[tuple[Ask, Program]] = field(default_factory=list)  # put to them and past their date
    chase: list[tuple[Ask, Program]] = field(default_factory=list)  # their programs' asks to a function, past date
    informed: list[tuple[Decision, Program]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(
            self.overdue
            or self.team_overdue
            or self.reviews
            or self.stale
            or self.milestones
            or self.due_tomorrow
            or self.asks
            or self.chase
            or self.informed
        )


@dataclass(frozen=True)
class ReminderDM:
    """One person's DM for today."""

    user_id: str
    inbox: Inbox
    dedupe_key: str


@dataclass(frozen=True)
class LadderPost:
    """Step 3 for one overdue action: a post in a channel."""

    action: Action
    program: Program
    channel_id: str
    days_overdue: int
    dedupe_key: str


@dataclass
class TeamReminders:
    dms: list[ReminderDM] = field(default_factory=list)
    ladder: list[LadderPost] = field(default_factory=list)


def _review_key(risk: Risk) -> str:
    return f"risk:R-{risk.number}:review:{risk.review_date.isoformat() if risk.review_date else ''}"


def _milestone_key(milestone: Milestone) -> str:
    return f"milestone:M-{milestone.number}:{milestone.due.isoformat()}"


def _tomorrow_key(action: Action) -> str:
    return f"action:A-{action.number}:due:{action.due.isoformat()}"


def _ask_key(ask: Ask) -> str:
    return f"ask:ASK-{ask.number}:{ask.due.isoformat() if ask.due else ''}"


def _informed_key(decision: Decision) -> str:
    return f"informed:D-{decision.number}"


def due(
    session: Session,
    team_id: str,
    *,
    now: dt.datetime,
    calendar: WorkCalendar,
    tz_for: Callable[[list[str]], dict[str, ZoneInfo]],
    workspace_tz: ZoneInfo,
    escalation_channel: str | None,
    dms: bool = True,
    ladder: bool = True,
) -> TeamReminders:
    """Claim (in the ledger) and return today's DMs for people in their 09:00-10:00 window, and ladder step-3 posts
    (`dms` / `ladder` False: that part is known to have nothing due, and is not read)."""
    if not (dms or ladder):
        return TeamReminders()
    active = programs.for_team(session, team_id)
    if not active:
        return TeamReminders()
    by_id = {p.id: p for p in active}
    settings = workspace_settings(session, team_id)
    steps = settings.ladder_step2_days, settings.ladder_step3_days
    near = now.astimezone(dt.UTC).date() + dt.timedelta(days=NEAR_DAYS)
    open_actions = actions.query(session, team_id, [p.id or 0 for p in active], due_before=near)
    found = TeamReminders()
    if dms:
        inboxes, local_today = _inboxes(session, team_id, active, open_actions, now, calendar, tz_for, steps)
        found.dms = _fresh_dms(session, team_id, inboxes, local_today, now.date(), calendar)
    if ladder:
        found.ladder = _step3(
            session,
            team_id,
            open_actions,
            by_id,
            now=now,
            calendar=calendar,
            workspace_tz=workspace_tz,
            escalation_channel=escalation_channel,
            steps=steps,
        )
    return found


def _inboxes(
    session: Session,
    team_id: str,
    active: list[Program],
    open_actions: list[Action],
    now: dt.datetime,
    calendar: WorkCalendar,
    tz_for: Callable[[list[str]], dict[str, ZoneInfo]],
    steps: tuple[int, int],
) -> tuple[dict[str, Inbox], dict[str, dt.date]]:
    """What each person in their window is told today, and each person's local date."""
    by_id = {p.id: p for p in active}
    ids = [p.id or 0 for p in active]
    step2, step3 = steps
    near = now.astimezone(dt.UTC).date() + dt.timedelta(days=NEAR_DAYS)
    open_risks = risks.query(session, team_id, ids, review_before=near)
    open_milestones = milestones.for_programs(session, ids)
    open_asks = [a for a in asks.for_programs(session, team_id, ids) if (a.to_user or a.to_function) and a.due]
    recent = [d for d in decisions.query(session, team_id, ids, since=now - INFORMED_WITHIN) if d.informed]
    statuses = status_of(session, active)
    function_people = addressees(session, open_asks, by_id)

    people = (
        {a.owner_id for a in open_actions}
        | {r.owner_id for r in open_risks}
        | {m.owner_id for m in open_milestones}
        | {p.owner_id for p in active}
        | {a.to_user for a in open_asks if a.to_user}
        | {by_id[a.program_id].owner_id for a in open_asks if not a.to_user}
        | {person for found in function_people.values() for person in found}
        | {person for d in recent for person in d.informed}
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
            step = ladder_step(action, local_today[person], calendar, step2, step3)
            if step == 0:
                continue
            if person == action.owner_id:
                reached = 2 if step >= 2 else 1
                inboxes[person].overdue.append((action, program, reached))
                inboxes[person].keys.append(step_key(action, reached, calendar))
            elif step >= 2:
                inboxes[person].team_overdue.append((action, program))
                inboxes[person].keys.append(step_key(action, 2, calendar))
    for action in open_actions:
        if action.owner_id in awake and action.due == local_today[action.owner_id] + dt.timedelta(days=1):
            inboxes[action.owner_id].due_tomorrow.append((action, by_id[action.program_id]))
            inboxes[action.owner_id].keys.append(_tomorrow_key(action))
    for ask in open_asks:
        program = by_id[ask.program_id]
        asked = [ask.to_user] if ask.to_user else function_people.get(ask.id or 0, [])
        # A function with no one known: its program's owner chases it.
        for person in asked or [program.owner_id]:
            if person in awake and ask.due and ask.due < local_today[person]:
                (inboxes[person].asks if asked else inboxes[person].chase).append((ask, program))
                inboxes[person].keys.append(_ask_key(ask))
    for decision in reversed(recent):
        program = by_id[decision.program_id]
        for person in sorted(set(decision.informed) & awake):
            if not may_be_told(program, person):
                continue
            inboxes[person].informed.append((decision, program))
            inboxes[person].keys.append(_informed_key(decision))
    for risk in open_risks:
        if risk.owner_id in awake and risk.review_date and risk.review_date < local_today[risk.owner_id]:
            inboxes[risk.owner_id].reviews.append((risk, by_id[risk.program_id]))
            inboxes[risk.owner_id].keys.append(_review_key(risk))
    for program in active:
        owner = program.owner_id
        if owner not in awake:
            continue
        current = statuses[program.id or 0].current
        since = current.created_at if current else program.created_at
        days = (now - since).days
        if days >= STALE_AFTER_DAYS:
            inboxes[owner].stale.append((program, days, current is None))
            inboxes[owner].keys.append(f"stale:{program.key}:{current.id if current else 0}:{days // STALE_AFTER_DAYS}")
    for milestone in open_milestones:
        owner = milestone.owner_id
        if owner in awake and 0 <= (milestone.due - local_today[owner]).days <= MILESTONE_SOON_DAYS:
            inboxes[owner].milestones.append((milestone, by_id[milestone.program_id]))
            inboxes[owner].keys.append(_milestone_key(milestone))

    return inboxes, local_today


def _fresh_dms(
    session: Session,
    team_id: str,
    inboxes: dict[str, Inbox],
    local_today: dict[str, dt.date],
    today: dt.date,
    calendar: WorkCalendar,
) -> list[ReminderDM]:
    candidates = {user: inbox for user, inbox in inboxes.items() if inbox}
    if not candidates:
        return []
    dm_keys = {user: f"dm:{user}:{local_today[user].isoformat()}" for user in candidates}
    already = outbox.queued_keys(session, team_id, list(dm_keys.values()))
    pending = {(key, user) for user, inbox in candidates.items() if dm_keys[user] not in already for key in inbox.keys}
    fresh = reminders.claim_many(session, team_id=team_id, pairs=sorted(pending), today=today)
    found = []
    for user, inbox in sorted(candidates.items()):
        if dm_keys[user] in already:
            continue
        kept = _only_fresh(inbox, user, fresh, calendar)
        if kept:
            found.append(ReminderDM(user, kept, dm_keys[user]))
    return found


def _only_fresh(inbox: Inbox, user: str, fresh: set[tuple[str, str]], calendar: WorkCalendar) -> Inbox:
    """The part of an inbox whose ledger keys this tick claimed (nothing is told twice)."""

    def ok(key: str) -> bool:
        return (key, user) in fresh

    return Inbox(
        overdue=[(a, p, s) for a, p, s in inbox.overdue if ok(step_key(a, s, calendar))],
        team_overdue=[(a, p) for a, p in inbox.team_overdue if ok(step_key(a, 2, calendar))],
        reviews=[(r, p) for r, p in inbox.reviews if ok(_review_key(r))],
        stale=[s for s in inbox.stale if any(k.startswith(f"stale:{s[0].key}:") and ok(k) for k in inbox.keys)],
        milestones=[(m, p) for m, p in inbox.milestones if ok(_milestone_key(m))],
        due_tomorrow=[(a, p) for a, p in inbox.due_tomorrow if ok(_tomorrow_key(a))],
        asks=[(a, p) for a, p in inbox.asks if ok(_ask_key(a))],
        chase=[(a, p) for a, p in inbox.chase if ok(_ask_key(a))],
        informed=[(d, p) for d, p in inbox.informed if ok(_informed_key(d))],
    )


def _step3(
    session: Session,
    team_id: str,
    open_actions: list[Action],
    by_id: dict[int | None, Program],
    *,
    now: dt.datetime,
    calendar: WorkCalendar,
    workspace_tz: ZoneInfo,
    escalation_channel: str | None,
    steps: tuple[int, int],
) -> list[LadderPost]:
    """Actions overdue for `step3` working days, for the escalation channel (working days, from 09:00)."""
    today = now.astimezone(workspace_tz).date()
    if not calendar.is_working_day(today) or now.astimezone(workspace_tz).time() < DM_START:
        return []
    found = []
    for action in open_actions:
        if ladder_step(action, today, calendar, *steps) < 3:
            continue
        program = by_id[action.program_id]
        channel = escalation_channel if escalation_channel and may_post_in(program, escalation_channel) else None
        channel = channel or program.channel_id
        if channel:
            found.append((action, program, channel))
    if not found:
        return []
    fresh = reminders.claim_many(
        session, team_id=team_id, today=today, pairs=sorted({(step_key(a, 3, calendar), ch) for a, _, ch in found})
    )
    return [
        LadderPost(action, program, channel, (today - action.due).days, f"ladder:{step_key(action, 3, calendar)}")
        for action, program, channel in found
        if (step_key(action, 3, calendar), channel) in fresh
    ]
