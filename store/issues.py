"""Queries of issues (I-n)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from store.models import Issue, IssueStatus


def open_for_programs(session: Session, team_id: str, program_ids: list[int]) -> list[Issue]:
    """Open issues of the given programs, most severe first, then oldest."""
    if not program_ids:
        return []
    statement = select(Issue).where(
        col(Issue.team_id) == team_id, col(Issue.program_id).in_(program_ids), col(Issue.status) == IssueStatus.OPEN
    )
    return list(session.exec(statement.order_by(col(Issue.severity), col(Issue.number))))
