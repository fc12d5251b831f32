"""Bookkeeping of the clock: when it last ran, and one planner at a time."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlmodel import Session

from store.models import PlanMark, TickRun

PLANNING_LOCK = 0x50554C5345  # "PULSE"


def lock_planning(session: Session) -> None:
    """Make concurrent planners queue up for this transaction (PostgreSQL; SQLite writers already do)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PLANNING_LOCK})


def last_run(session: Session, name: str) -> dt.datetime | None:
    """When the clock `name` last planned, or None."""
    run = session.get(TickRun, name)
    return run.last_at if run else None


def record_run(session: Session, name: str, at: dt.datetime) -> None:
    """Remember that the clock planned at `at` (never moves backwards)."""
    run = session.get(TickRun, name)
    if run is None:
        session.add(TickRun(name=name, last_at=at))
    elif at > run.last_at:
        run.last_at = at
        session.add(run)


def plan_mark(session: Session, team_id: str) -> PlanMark | None:
    """What the workspace's reminders and ladder were last planned against, or None."""
    return session.get(PlanMark, team_id)


def set_plan_mark(session: Session, team_id: str, *, at: dt.datetime, audit_id: int, steady: bool) -> None:
    """Remember that the workspace was planned at `at` with `audit_id` its newest change."""
    mark = session.get(PlanMark, team_id) or PlanMark(team_id=team_id)
    mark.planned_at, mark.audit_id, mark.steady = at, audit_id, steady
    session.add(mark)
