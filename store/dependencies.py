"""Queries of dependencies between programs."""

from __future__ import annotations

from sqlmodel import Session, col, or_, select

from store.models import ProgramDependency


def touching(session: Session, team_id: str, program_ids: list[int]) -> list[ProgramDependency]:
    """Dependencies in which any of the given programs depends or is depended on, oldest first."""
    if not program_ids:
        return []
    statement = select(ProgramDependency).where(
        col(ProgramDependency.team_id) == team_id,
        or_(col(ProgramDependency.program_id).in_(program_ids), col(ProgramDependency.on_program_id).in_(program_ids)),
    )
    return list(session.exec(statement.order_by(col(ProgramDependency.id))))
