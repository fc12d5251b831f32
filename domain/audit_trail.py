"""The audit trail as people read it: who changed what and when, with the fields that changed."""

from __future__ import annotations

from typing import Any

from domain.context import Context
from domain.inputs import Input
from domain.lookup import item, program
from domain.messages import Reply, reply, use_case
from store import audit
from store.ids import Kind, parse_ref, ref
from store.items import MODEL_FOR_KIND

ENTITY_TYPES = {
    Kind.RISK: "risk",
    Kind.DECISION: "decision",
    Kind.ACTION: "action",
    Kind.MILESTONE: "milestone",
    Kind.KPI: "kpi",
}
AUDIT_LIMIT = 15
IGNORED = {"updated_at", "id", "team_id", "program_id", "created_at"}


class AuditQuery(Input):
    target: str  # a program KEY or an item ID (R-n, D-n, A-n, M-n, K-n)


@use_case(writes=False)
def trail(ctx: Context, data: AuditQuery) -> Reply:
    """The newest changes of a program (and everything in it) or of one item."""
    parsed = parse_ref(data.target)
    if parsed is not None and parsed[0] in ENTITY_TYPES:
        kind, number = parsed
        item(ctx.session, ctx.actor, MODEL_FOR_KIND[kind], kind, number)  # type: ignore[type-var]
        entity_ref = ref(kind, number)
        events = audit.history(ctx.session, ctx.team_id, ENTITY_TYPES[kind], entity_ref, limit=AUDIT_LIMIT + 1)
    else:
        found = program(ctx.session, ctx.actor, data.target)
        entity_ref = found.key
        events = audit.program_history(ctx.session, found, limit=AUDIT_LIMIT + 1)
    rows = [(event, changed_fields(event.before, event.after)) for event in events[:AUDIT_LIMIT]]
    return reply("audit", ref=entity_ref, rows=rows, more=len(events) > AUDIT_LIMIT)


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[tuple[str, Any, Any]]:
    """(field, old, new) for each field that differs."""
    before, after = before or {}, after or {}
    names = [n for n in after if n not in IGNORED] if not before else [n for n in before if n not in IGNORED]
    return [(n, before.get(n), after.get(n)) for n in names if before.get(n) != after.get(n)]
