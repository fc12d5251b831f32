"""Queries of digest schedules (S-n)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from store.models import DigestSchedule


def active(session: Session, team_id: str | None = None) -> list[DigestSchedule]:
    """Schedules not removed (of one workspace, or all)."""
    statement = select(DigestSchedule).where(col(DigestSchedule.removed_at).is_(None))
    if team_id is not None:
        statement = statement.where(col(DigestSchedule.team_id) == team_id)
    return list(session.exec(statement.order_by(col(DigestSchedule.team_id), col(DigestSchedule.number))))
