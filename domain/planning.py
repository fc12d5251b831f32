"""Whether a tick must plan a workspace's reminder DMs and ladder posts: only when something could be due.

DMs go out 09:00-10:00 in each person's time zone on their working days: outside every known zone's window
no one can be told anything. The ladder's steps move only with the workspace's working date (and its 09:00)
and with changes, and every change is audited: once a planning period was planned against the workspace's
newest audit event, planning it again finds nothing new. Two concurrent transactions can make a change
visible after a newer one, so a period counts as settled only once two plannings saw the same newest event.
A change also plans the DMs once, outside the windows too: that is when people new to Pulse get their zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session

from domain.calendar import WorkCalendar, in_local_window
from domain.reminders import DM_END, DM_START
from store import audit, ticks


@dataclass(frozen=True)
class Needs:
    """What one tick plans for a workspace, and what it is planned against."""

    dms: bool
    ladder: bool
    audit_id: int
    same_period: bool  # the last planning was in this period against the same newest change


def needs(
    session: Session,
    team_id: str,
    *,
    now: dt.datetime,
    calendar: WorkCalendar,
    zones: set[ZoneInfo],
    workspace_tz: ZoneInfo,
) -> Needs:
    """What can be due for the workspace at `now` (`zones`: every time zone its people are in)."""
    mark = ticks.plan_mark(session, team_id)
    newest = audit.newest_id(session, team_id)
    same = (
        mark is not None
        and mark.audit_id == newest
        and _period(mark.planned_at, workspace_tz) == _period(now, workspace_tz)
    )
    settled = same and mark is not None and mark.steady
    awake = any(
        calendar.is_working_day(now.astimezone(z).date()) and in_local_window(now, z, DM_START, DM_END) for z in zones
    )
    return Needs(dms=awake or not settled, ladder=not settled, audit_id=newest, same_period=same)


def remember(session: Session, team_id: str, needs: Needs, now: dt.datetime) -> None:
    """Note that the workspace's ladder was planned at `now` (after planning it)."""
    if needs.ladder:
        ticks.set_plan_mark(session, team_id, at=now, audit_id=needs.audit_id, steady=needs.same_period)


def _period(at: dt.datetime, workspace_tz: ZoneInfo) -> tuple[dt.date, bool]:
    """The ladder's planning period: the workspace's local date, before or from its 09:00."""
    local = at.astimezone(workspace_tz)
    return local.date(), local.time() >= DM_START
