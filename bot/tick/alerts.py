"""Repeats of unacknowledged escalation alerts: once a working day, three times at most."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlmodel import Session

from store import alerts
from store.calendar import WorkCalendar
from store.lookup import programs_by_id
from store.models import Alert
from templates import render

REPEAT_FROM = dt.time(9, 0)


def plan(
    session: Session,
    *,
    now: dt.datetime,
    calendar: WorkCalendar,
    workspace_tz: ZoneInfo,
    escalation_channel: str | None,
) -> list[int]:
    """Queue today's repeat of every alert still unacknowledged (working days, from 09:00)."""
    local = now.astimezone(workspace_tz)
    if not calendar.is_working_day(local.date()) or local.time() < REPEAT_FROM:
        return []
    today = local.date()
    due = [a for a in alerts.needing_repeat(session, today) if _last_posted_on(a, workspace_tz) < today]
    if not due:
        return []
    programs = programs_by_id(session, [a.program_id for a in due])
    ids: list[int] = []
    for alert in due:
        program = programs[alert.program_id]
        markup = render("alert_repeat", alert=alert, round=alert.repeats + 1, limit=alerts.MAX_REPEATS)
        ids += alerts.repeat(session, alert, program, markup, escalation_channel, local.date())
    return ids


def _last_posted_on(alert: Alert, workspace_tz: ZoneInfo) -> dt.date:
    """The workspace-local day the alert was last posted (raised, or last repeated)."""
    if alert.repeats == 0 or alert.last_posted_on is None:
        return alert.created_at.astimezone(workspace_tz).date()
    return alert.last_posted_on
