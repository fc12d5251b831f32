"""Queries behind the evidence Pulse shows: where risks stood at an instant, what closed or finished since,
status reports by week, and when a digest last went out."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, col, select

from store.models import Action, ActionStatus, AuditEvent, OutboxMessage, OutboxStatus, Risk, RiskStatus, StatusUpdate


def risk_snapshots(session: Session, team_id: str, program_ids: list[int], before: dt.datetime) -> dict[str, Any]:
    """Each risk as it stood just before `before` (R-n -> the fields of its newest audit event until then),
    in one query; risks created at or after `before` are absent."""
    if not program_ids:
        return {}
    ranked = (
        select(
            col(AuditEvent.id).label("id"),
            func.row_number()
            .over(partition_by=col(AuditEvent.entity_ref), order_by=col(AuditEvent.id).desc())
            .label("rank"),
        )
        .where(
            col(AuditEvent.team_id) == team_id,
            col(AuditEvent.program_id).in_(program_ids),
            col(AuditEvent.entity_type) == "risk",
            col(AuditEvent.created_at) < before,
        )
        .subquery()
    )
    statement = (
        select(col(AuditEvent.entity_ref), col(AuditEvent.after))
        .join(ranked, ranked.c.id == col(AuditEvent.id))
        .where(ranked.c.rank == 1)
    )
    return {entity_ref: after or {} for entity_ref, after in session.execute(statement)}


def risks_closed_since(session: Session, team_id: str, program_ids: list[int], moment: dt.datetime) -> list[Risk]:
    """Risks of the given programs closed at or after `moment`, by number."""
    if not program_ids:
        return []
    statement = select(Risk).where(
        col(Risk.team_id) == team_id,
        col(Risk.program_id).in_(program_ids),
        col(Risk.status) == RiskStatus.CLOSED,
        col(Risk.closed_at) >= moment,
    )
    return list(session.exec(statement.order_by(col(Risk.number))))


class DoneAction(NamedTuple):
    """What delivery health needs of an action marked done (read as plain columns: there are thousands)."""

    number: int
    title: str
    program_id: int
    due: dt.date
    done_at: dt.datetime | None


def actions_done_since(session: Session, team_id: str, program_ids: list[int], moment: dt.datetime) -> list[DoneAction]:
    """Actions of the given programs marked done at or after `moment`, by number."""
    if not program_ids:
        return []
    statement = sa.select(  # sqlmodel's select() takes four columns at most
        col(Action.number), col(Action.title), col(Action.program_id), col(Action.due), col(Action.done_at)
    ).where(
        col(Action.team_id) == team_id,
        col(Action.program_id).in_(program_ids),
        col(Action.status) == ActionStatus.DONE,
        col(Action.done_at) >= moment,
    )
    return [DoneAction(*row) for row in session.execute(statement.order_by(col(Action.number)))]


def statuses_since(session: Session, program_ids: list[int], moment: dt.datetime) -> list[StatusUpdate]:
    """Status reports of the given programs at or after `moment`, oldest first."""
    if not program_ids:
        return []
    statement = select(StatusUpdate).where(
        col(StatusUpdate.program_id).in_(program_ids), col(StatusUpdate.created_at) >= moment
    )
    return list(session.exec(statement.order_by(col(StatusUpdate.created_at), col(StatusUpdate.id))))


def last_sent(session: Session, team_id: str, kind: str, entity_ref: str) -> dt.datetime | None:
    """When a message of `kind` about `entity_ref` (a digest of KEY or of the portfolio) was last delivered."""
    statement = select(func.max(col(OutboxMessage.sent_at))).where(
        col(OutboxMessage.team_id) == team_id,
        col(OutboxMessage.kind) == kind,
        col(OutboxMessage.entity_ref) == entity_ref,
        col(OutboxMessage.status) == OutboxStatus.SENT,
    )
    value = session.exec(statement).one()
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value
