"""What earlier imports into a program recorded: the IDs a register used and the Pulse IDs they became."""

from __future__ import annotations

from sqlmodel import Session, col, select

from store.models import AuditEvent

IMPORT_ENTITY = "import"  # the audit trail's entity type of a whole import (its entity_ref is the program key)


def imported_refs(session: Session, team_id: str, program_id: int, kind: str) -> dict[str, str]:
    """Register ID -> Pulse ID for items of `kind` imported into a program (later imports win)."""
    statement = (
        select(AuditEvent)
        .where(
            col(AuditEvent.team_id) == team_id,
            col(AuditEvent.program_id) == program_id,
            col(AuditEvent.entity_type) == IMPORT_ENTITY,
        )
        .order_by(col(AuditEvent.id))
    )
    refs: dict[str, str] = {}
    for event in session.exec(statement):
        after = event.after or {}
        if after.get("kind") == kind:
            refs.update({str(k): str(v) for k, v in (after.get("refs") or {}).items()})
    return refs
