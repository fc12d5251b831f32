"""Queries of program milestones."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from store.models import Milestone


def for_programs(session: Session, program_ids: list[int], *, open_only: bool = True) -> list[Milestone]:
    """Milestones of the given programs, soonest first."""
    if not program_ids:
        return []
    statement = select(Milestone).where(col(Milestone.program_id).in_(program_ids))
    if open_only:
        statement = statement.where(col(Milestone.done_at).is_(None))
    return list(session.exec(statement.order_by(col(Milestone.due), col(Milestone.number))))


def done_since(session: Session, program_ids: list[int], moment: dt.datetime) -> list[Milestone]:
    """Milestones of the given programs done at or after `moment`, soonest first."""
    if not program_ids:
        return []
    statement = select(Milestone).where(col(Milestone.program_id).in_(program_ids), col(Milestone.done_at) >= moment)
    return list(session.exec(statement.order_by(col(Milestone.due), col(Milestone.number))))
