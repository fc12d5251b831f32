"""Queries of asks (ASK-n)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from store.models import Ask, AskState


def for_programs(session: Session, team_id: str, program_ids: list[int], *, open_only: bool = True) -> list[Ask]:
    """Asks of the given programs, soonest due first (undated last), then by number."""
    if not program_ids:
        return []
    statement = select(Ask).where(col(Ask.team_id) == team_id, col(Ask.program_id).in_(program_ids))
    if open_only:
        statement = statement.where(col(Ask.state) == AskState.OPEN)
    return list(session.exec(statement.order_by(col(Ask.due).is_(None), col(Ask.due), col(Ask.number))))


def open_with_text(session: Session, team_id: str, program_id: int, text: str) -> Ask | None:
    """The open ask of a program with this text (any case), when there is one; its row is locked for a change."""
    statement = select(Ask).where(
        col(Ask.team_id) == team_id,
        col(Ask.program_id) == program_id,
        col(Ask.state) == AskState.OPEN,
        col(Ask.text).ilike(text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"), escape="\\"),
    )
    return session.exec(statement.with_for_update()).first()
