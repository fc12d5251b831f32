"""Queries of programs' staffing lines."""

from __future__ import annotations

from sqlmodel import Session, col, select

from store.models import StaffingLine


def lines_for(session: Session, program_ids: list[int]) -> list[StaffingLine]:
    """The staffing lines of the given programs, by program and role."""
    if not program_ids:
        return []
    statement = select(StaffingLine).where(col(StaffingLine.program_id).in_(program_ids))
    return list(session.exec(statement.order_by(col(StaffingLine.program_id), col(StaffingLine.role))))
