"""The audit trail: every mutation records who changed what, before and after, in its transaction."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, SQLModel, col, select

from store.access import Actor
from store.models import AuditEvent, Program


def snapshot(row: SQLModel | None) -> dict[str, Any] | None:
    """A JSON-safe copy of a row's fields."""
    return None if row is None else row.model_dump(mode="json")


def record(
    session: Session,
    actor: Actor,
    *,
    entity_type: str,
    entity_ref: str,
    action: str,
    program: Program | None,
    before: dict[str, Any] | None,
    after: SQLModel | dict[str, Any] | None,
) -> AuditEvent:
    """Add one audit event to the session (flushed with the change it describes)."""
    session.flush()
    event = AuditEvent(
        team_id=actor.team_id,
        actor_id=actor.user_id,
        entity_type=entity_type,
        entity_ref=entity_ref,
        program_id=program.id if program else None,
        action=action,
        before=before,
        after=after if isinstance(after, dict) or after is None else snapshot(after),
    )
    session.add(event)
    return event


def history(session: Session, team_id: str, entity_type: str, entity_ref: str, limit: int = 50) -> list[AuditEvent]:
    """The newest audit events for one entity, newest first."""
    statement = (
        select(AuditEvent)
        .where(
            col(AuditEvent.team_id) == team_id,
            col(AuditEvent.entity_type) == entity_type,
            col(AuditEvent.entity_ref) == entity_ref,
        )
        .order_by(col(AuditEvent.id).desc())
        .limit(limit)
    )
    return list(session.exec(statement))


def program_history(session: Session, program: Program, limit: int = 50) -> list[AuditEvent]:
    """The newest audit events of a program and everything in it, newest first."""
    statement = (
        select(AuditEvent)
        .where(col(AuditEvent.team_id) == program.team_id, col(AuditEvent.program_id) == program.id)
        .order_by(col(AuditEvent.id).desc())
        .limit(limit)
    )
    return list(session.exec(statement))
