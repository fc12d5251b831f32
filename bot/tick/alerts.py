"""Repeats of unacknowledged escalation alerts: once a working day, three times at most."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from store import alerts
from store.calendar import WorkCalendar
from store.models import Program
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
    due = alerts.needing_repeat(session, local.date())
    if not due:
        return []
    programs = {p.id: p for p in session.exec(select(Program).where(col(Program.id).in_([a.program_id for a in due])))}
    ids: list[int] = []
    for alert in due:
        program = programs[alert.program_id]
        markup = render("alert_repeat", alert=alert, round=alert.repeats + 1, limit=alerts.MAX_REPEATS)
        ids += alerts.repeat(session, alert, program, markup, escalation_channel, local.date())
    return ids
