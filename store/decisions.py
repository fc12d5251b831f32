"""Queries of the decision log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_
from sqlmodel import Session, col, select

from store.models import Decision


def query(
    session: Session,
    team_id: str,
    program_ids: list[int],
    *,
    words: str | None = None,
    since: dt.datetime | None = None,
) -> list[Decision]:
    """Decisions of the given programs, newest first, optionally matching all `words`."""
    if not program_ids:
        return []
    statement = select(Decision).where(col(Decision.team_id) == team_id, col(Decision.program_id).in_(program_ids))
    for word in (words or "").split():
        pattern = f"%{word.lower()}%"
        statement = statement.where(
            or_(
                col(Decision.title).ilike(pattern),
                col(Decision.rationale).ilike(pattern),
                col(Decision.options).ilike(pattern),
                col(Decision.context).ilike(pattern),
            )
        )
    if since is not None:
        statement = statement.where(col(Decision.created_at) >= since)
    return list(session.exec(statement.order_by(col(Decision.created_at).desc(), col(Decision.number).desc())))


def by_id(session: Session, decision_id: int | None) -> Decision | None:
    """A decision by primary key (e.g. the one that superseded another)."""
    return session.get(Decision, decision_id) if decision_id else None


def superseded_by(session: Session, successor_ids: list[int]) -> list[Decision]:
    """The decisions the given decisions superseded, oldest first (one query, also for none)."""
    statement = select(Decision).where(col(Decision.superseded_by_id).in_(successor_ids))
    return list(session.exec(statement.order_by(col(Decision.number))))
