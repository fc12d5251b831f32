"""Queries of programs' stakeholders (people by function, with their RACI role)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from store.models import Stakeholder


def for_programs(session: Session, program_ids: list[int], *, lock: bool = False) -> list[Stakeholder]:
    """The current (not removed) stakeholders of the given programs, by program, function and person; `lock`
    holds their rows for a change."""
    if not program_ids:
        return []
    statement = select(Stakeholder).where(
        col(Stakeholder.program_id).in_(program_ids), col(Stakeholder.removed_at).is_(None)
    )
    statement = statement.order_by(col(Stakeholder.program_id), col(Stakeholder.function), col(Stakeholder.user_id))
    return list(session.exec(statement.with_for_update() if lock else statement))


def of_person(session: Session, program_id: int, user_id: str) -> list[Stakeholder]:
    """Every row (removed ones too) of one person around one program, locked for a change."""
    statement = select(Stakeholder).where(
        col(Stakeholder.program_id) == program_id, col(Stakeholder.user_id) == user_id
    )
    return list(session.exec(statement.order_by(col(Stakeholder.function)).with_for_update()))
