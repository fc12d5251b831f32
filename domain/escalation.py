"""Escalation alerts: raised when a program turns red, a risk becomes critical or a severity-1 issue is raised,
repeated until acknowledged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from pydantic import Field
from sqlmodel import Session

from domain import links
from domain.access import may_post_in, may_see
from domain.bands import band_for
from domain.calendar import WorkCalendar
from domain.context import Context
from domain.errors import Conflict, PulseError
from domain.inputs import Input
from domain.messages import Edit, Message, Post, Reply, use_case
from domain.status import status_of
from store import alerts, asks, items, programs
from store.ids import Kind, parse_ref
from store.models import Alert, Issue, Program, Risk
from store.settings import workspace_settings

PROGRAM_RED = "program_red"
RISK_CRITICAL = "risk_critical"
ISSUE_SEVERE = "issue_severe"  # an open severity-1 issue (domain/issues.py ESCALATE_AT)
MAX_REPEATS = 3
REPEAT_FROM = dt.time(9, 0)
ALERT_KIND = "alert"  # outbox kind of an alert's posts and repeats


def channel_for(session: Session, team_id: str, default: str | None) -> str | None:
    """The workspace's escalation channel: its own (`/pulse settings escalation:#c`), else `default` (the
    environment's PULSE_ESCALATION_CHANNEL)."""
    return workspace_settings(session, team_id).escalation_channel or default


def alert_channels(program: Program, escalation_channel: str | None) -> list[str]:
    """Where an alert about `program` goes: the escalation channel (if cleared for it) and its own channel."""
    channels = []
    if escalation_channel and may_post_in(program, escalation_channel):
        channels.append(escalation_channel)
    if program.channel_id and program.channel_id not in channels:
        channels.append(program.channel_id)
    return channels


def raise_alert(ctx: Context, *, kind: str, program: Program, entity_ref: str, body: Message) -> list[Post]:
    """Open an alert and return its posts (the message `body` framed as an escalation); [] when the same
    alert is already open."""
    if ctx.quiet or alerts.unresolved(ctx.session, ctx.team_id, kind, entity_ref, unacknowledged=True):
        return []
    alert = Alert(
        team_id=ctx.team_id,
        kind=kind,
        entity_ref=entity_ref,
        program_id=program.id or 0,
        last_posted_on=ctx.now.date(),
    )
    ctx.session.add(alert)
    ctx.session.flush()
    ctx.record("alert", f"{kind}:{entity_ref}", "raise", program, None, alert)
    framed = Message(
        "alert", {"body": body, "acknowledged_by": None, "acknowledged_at": None, "resolved_at": None, "kind": kind}
    )
    escalation_channel = channel_for(ctx.session, ctx.team_id, ctx.escalation_channel)
    return posts_of(alert, program, framed, escalation_channel, round_=0)


def posts_of(
    alert: Alert, program: Program, message: Message, escalation_channel: str | None, round_: int
) -> list[Post]:
    """One post of an alert (round 0) or of one of its repeats, per channel it goes to."""
    return [
        Post(
            channel,
            message,
            entity_ref=f"alert:{alert.id}",
            kind=ALERT_KIND,
            dedupe_key=f"alert:{alert.id}:{round_}:{channel}",
        )
        for channel in alert_channels(program, escalation_channel)
    ]


def subject(session: Session, alert: Alert, program: Program, today: dt.date) -> Message:
    """What the alert is about, as it stands now: the program's status (and its first open ask), the risk, or the
    issue."""
    if alert.kind == PROGRAM_RED:
        status = status_of(session, [program])[program.id or 0]
        if status.current is not None:
            ask = next(iter(asks.for_programs(session, alert.team_id, [program.id or 0])), None)
            context = {"program": program, "update": status.current, "status": status, "ask": ask, "today": today}
            return Message("status_post", context)
    issue = _issue(session, alert)
    if issue is not None:
        risk = session.get(Risk, issue.risk_id) if issue.risk_id else None
        return Message("issue_post", {"program": program, "issue": issue, "risk": risk})
    risk = _risk(session, alert)
    if risk is not None:
        band = band_for(risk.score, workspace_settings(session, alert.team_id))
        return Message("risk_post", {"program": program, "risk": risk, "band": band})
    return Message("alert_subject", {"alert": alert, "program": program})


def _risk(session: Session, alert: Alert) -> Risk | None:
    """The risk a risk alert is about."""
    parsed = parse_ref(alert.entity_ref)
    if alert.kind != RISK_CRITICAL or parsed is None or parsed[0] != Kind.RISK:
        return None
    return items.by_number(session, Risk, alert.team_id, parsed[1])


def _issue(session: Session, alert: Alert) -> Issue | None:
    """The issue an issue alert is about."""
    parsed = parse_ref(alert.entity_ref)
    if alert.kind != ISSUE_SEVERE or parsed is None or parsed[0] != Kind.ISSUE:
        return None
    return items.by_number(session, Issue, alert.team_id, parsed[1])


def living(session: Session, alert: Alert, program: Program, today: dt.date) -> Edit:
    """Every posted copy of an alert (and its repeats) as it stands now: its subject's latest state, who
    acknowledged it and whether its condition has passed."""
    context = {
        "body": subject(session, alert, program, today),
        "acknowledged_by": alert.acknowledged_by,
        "acknowledged_at": alert.acknowledged_at,
        "resolved_at": alert.resolved_at,
        "kind": alert.kind,
    }
    return Edit(f"alert:{alert.id}", Message("alert", context), kind=ALERT_KIND)


def resolve(ctx: Context, *, kind: str, entity_ref: str, program: Program) -> list[Edit]:
    """Close open alerts whose condition no longer holds (program no longer red, risk no longer critical, issue
    resolved); their posts then say so."""
    edits = []
    for alert in alerts.unresolved(ctx.session, ctx.team_id, kind, entity_ref, unacknowledged=False):
        with ctx.changing(alert, "alert", f"{kind}:{entity_ref}", "resolve", program):
            alert.resolved_at = ctx.now
        edits.append(living(ctx.session, alert, program, ctx.today))
    return edits


def refreshed(ctx: Context, *, kind: str, entity_ref: str, program: Program) -> list[Edit]:
    """The posts of open alerts whose subject changed but still holds (a program reported red again)."""
    return [
        living(ctx.session, alert, program, ctx.today)
        for alert in alerts.unresolved(ctx.session, ctx.team_id, kind, entity_ref, unacknowledged=False)
    ]


class AlertAck(Input):
    """Acknowledge an alert (its Acknowledge button)."""

    alert_id: int = Field(ge=1, le=2**31 - 1)


@use_case(writes=True)
def acknowledge(ctx: Context, data: AlertAck) -> Reply:
    """Acknowledge an alert (anyone who may see its program); its posts are then updated in place. Its row is
    locked first, so two people pressing the button at once acknowledge it once."""
    alert = ctx.session.get(Alert, data.alert_id, with_for_update=True, populate_existing=True)
    program = ctx.session.get(Program, alert.program_id) if alert and alert.team_id == ctx.team_id else None
    if alert is None or program is None or not may_see(ctx.actor, program):
        raise PulseError("alert_gone")
    if alert.acknowledged_at is not None:
        raise Conflict("already_acknowledged", by=alert.acknowledged_by)
    with ctx.changing(alert, "alert", f"{alert.kind}:{alert.entity_ref}", "acknowledge", program):
        alert.acknowledged_at = ctx.now
        alert.acknowledged_by = ctx.actor.user_id
    edit = living(ctx.session, alert, program, ctx.today)
    return Reply(edit.message, edits=[edit])


@dataclass(frozen=True)
class Repeat:
    """An alert due for its daily repeat today."""

    alert: Alert
    program: Program
    round: int

    def posts(self, session: Session, escalation_channel: str | None) -> list[Post]:
        """The repeat: one line with a link to the original alert, in the first channel the alert went to (the
        escalation channel when it is cleared for the program), where the people who can act on it are. The
        program's own channel has the alert already; repeating it there adds nothing."""
        channels = alert_channels(self.program, escalation_channel)[:1]
        if not channels:
            return []
        channel = channels[0]
        domain = links.team_domain(session, self.alert.team_id)
        original = next((m for m in alerts.sent_messages(session, self.alert) if m.sent_channel == channel), None)
        context = {
            "alert": self.alert,
            "program": self.program,
            "round": self.round,
            "limit": MAX_REPEATS,
            "risk": _risk(session, self.alert),
            "issue": _issue(session, self.alert),
            "link": links.permalink(domain, channel, original.sent_ts)
            if domain and original and original.sent_ts
            else None,
        }
        message = Message("alert_repeat", context)
        return [
            Post(
                channel,
                message,
                entity_ref=f"alert:{self.alert.id}",
                kind=ALERT_KIND,
                dedupe_key=f"alert:{self.alert.id}:{self.round}:{channel}",
            )
        ]


def repeats_due(session: Session, *, now: dt.datetime, calendar: WorkCalendar, workspace_tz: ZoneInfo) -> list[Repeat]:
    """Alerts still unacknowledged that repeat now: once a working day from 09:00, MAX_REPEATS times at most."""
    local = now.astimezone(workspace_tz)
    if not calendar.is_working_day(local.date()) or local.time() < REPEAT_FROM:
        return []
    today = local.date()
    due = [a for a in alerts.needing_repeat(session, today, MAX_REPEATS) if _last_posted_on(a, workspace_tz) < today]
    by_id = programs.by_ids(session, [a.program_id for a in due])
    return [Repeat(a, by_id[a.program_id], a.repeats + 1) for a in due]


def mark_repeated(session: Session, alert: Alert, today: dt.date) -> None:
    """Count a repeat as posted today."""
    alert.repeats += 1
    alert.last_posted_on = today
    session.add(alert)


def _last_posted_on(alert: Alert, workspace_tz: ZoneInfo) -> dt.date:
    """The workspace-local day the alert was last posted (raised, or last repeated)."""
    if alert.repeats == 0 or alert.last_posted_on is None:
        return alert.created_at.astimezone(workspace_tz).date()
    return alert.last_posted_on
