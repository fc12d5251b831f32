"""The audit trail: every mutation records who changed what, before and after, in its transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from store.models import AuditEvent, Program

CHANGED_CHANNELS = "pulse.changed_channels"  # session.info key: home channels of the programs changed


def snapshot(row: SQLModel | None) -> dict[str, Any] | None:
    """A JSON-safe copy of a row's fields."""
    return None if row is None else row.model_dump(mode="json")


def record(
    session: Session,
    *,
    team_id: str,
    actor_id: str,
    entity_type: str,
    entity_ref: str,
    action: str,
    program: Program | None,
    before: dict[str, Any] | None,
    after: SQLModel | dict[str, Any] | None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    """Add one audit event to the session (flushed with the change it describes), made `at` (now by default)."""
    session.flush()
    event = AuditEvent(
        team_id=team_id,
        actor_id=actor_id,
        entity_type=entity_type,
        entity_ref=entity_ref,
        program_id=program.id if program else None,
        action=action,
        before=before,
        after=after if isinstance(after, dict) or after is None else snapshot(after),
    )
    if at is not None:
        event.created_at = at
    session.add(event)
    if program is not None:
        moved_from = (before or {}).get("channel_id") if entity_type == "program" else None
        channels = session.info.setdefault(CHANGED_CHANNELS, set())
        channels.update(str(c) for c in (program.channel_id, moved_from) if c)
    return event


def changed_channels(session: Session) -> set[str]:
    """The home channels (and former home channels) of the programs this session's transaction changed so far:
    what follows a change there, such as the channel's canvas, is due."""
    return set(session.info.get(CHANGED_CHANNELS, ()))


def history(
    session: Session, team_id: str, entity_type: str, entity_ref: str, limit: int = 50, offset: int = 0
) -> list[AuditEvent]:
    """The newest audit events for one entity, newest first (skipping the `offset` newest)."""
    statement = (
        select(AuditEvent)
        .where(
            col(AuditEvent.team_id) == team_id,
            col(AuditEvent.entity_type) == entity_type,
            col(AuditEvent.entity_ref) == entity_ref,
        )
        .order_by(col(AuditEvent.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return list(session.exec(statement))


def program_history(session: Session, program: Program, limit: int = 50, offset: int = 0) -> list[AuditEvent]:
    """The newest audit events of a program and everything in it, newest first (skipping the `offset` newest)."""
    statement = (
        select(AuditEvent)
        .where(col(AuditEvent.team_id) == program.team_id, col(AuditEvent.program_id) == program.id)
        .order_by(col(AuditEvent.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return list(session.exec(statement))


def risk_events_since(session: Session, team_id: str, program_ids: list[int], moment: dt.datetime) -> list[AuditEvent]:
    """Risk creations and updates in the given programs at or after `moment`, oldest first."""
    statement = (
        select(AuditEvent)
        .where(
            col(AuditEvent.team_id) == team_id,
            col(AuditEvent.program_id).in_(program_ids),
            col(AuditEvent.entity_type) == "risk",
            col(AuditEvent.created_at) >= moment,
            col(AuditEvent.action).in_(["create", "update"]),
        )
        .order_by(col(AuditEvent.id))
    )
    return list(session.exec(statement))


def newest_id(session: Session, team_id: str) -> int:
    """The id of the workspace's newest audit event (0 when none): it moves whenever anything changes."""
    return session.exec(select(func.max(col(AuditEvent.id))).where(col(AuditEvent.team_id) == team_id)).one() or 0
