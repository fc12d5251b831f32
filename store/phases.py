"""Queries of program phases."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from store.models import ProgramPhase


def for_programs(session: Session, program_ids: list[int]) -> list[ProgramPhase]:
    """Phases of the given programs, earliest first."""
    if not program_ids:
        return []
    statement = select(ProgramPhase).where(col(ProgramPhase.program_id).in_(program_ids))
    return list(session.exec(statement.order_by(col(ProgramPhase.start), col(ProgramPhase.id))))


def slipped(session: Session, program_id: int) -> list[ProgramPhase]:
    """The program's phases that now end later than first planned, earliest first."""
    return [
        phase
        for phase in for_programs(session, [program_id])
        if phase.baseline_end is not None and phase.end > phase.baseline_end
    ]


def by_name(session: Session, program_id: int, name: str) -> ProgramPhase | None:
    """The program's phase called `name` (in any case), its row locked for a change."""
    statement = select(ProgramPhase).where(
        col(ProgramPhase.program_id) == program_id, func.lower(col(ProgramPhase.name)) == name.lower()
    )
    return session.exec(statement.with_for_update()).first()
