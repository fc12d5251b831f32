"""Queries of action items."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from store.models import Action, ActionStatus


def query(
    session: Session,
    team_id: str,
    program_ids: list[int],
    *,
    owner_id: str | None = None,
    due_before: dt.date | None = None,
    include_done: bool = False,
) -> list[Action]:
    """Actions of the given programs, soonest due first."""
    if not program_ids:
        return []
    statement = select(Action).where(col(Action.team_id) == team_id, col(Action.program_id).in_(program_ids))
    if not include_done:
        statement = statement.where(col(Action.status) == ActionStatus.OPEN)
    if owner_id is not None:
        statement = statement.where(col(Action.owner_id) == owner_id)
    if due_before is not None:
        statement = statement.where(col(Action.due) < due_before)
    return list(session.exec(statement.order_by(col(Action.due), col(Action.number))))


def for_issue(session: Session, issue_id: int) -> list[Action]:
    """Every action working on an issue, open ones first (`open` sorts after `done`), then by due date."""
    statement = select(Action).where(col(Action.issue_id) == issue_id)
    return list(session.exec(statement.order_by(col(Action.status).desc(), col(Action.due), col(Action.number))))
