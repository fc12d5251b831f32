"""The audit trail as people read it: who changed what and when, with the fields that changed, a page at a time.

Values read as a person reads them: people as people, instants and dates as dates, the rows an item points to as
their IDs (D-6, R-11), never row numbers or raw timestamps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from domain.context import Context
from domain.inputs import Input
from domain.lookup import item, program
from domain.messages import Reply, reply, use_case
from domain.schedules import schedule_for
from domain.workspace import SETTINGS_REF
from store import audit, items
from store.ids import Kind, parse_ref, ref
from store.items import MODEL_FOR_KIND
from store.models import AuditEvent, Decision, Risk

ENTITY_TYPES = {
    Kind.RISK: "risk",
    Kind.DECISION: "decision",
    Kind.ACTION: "action",
    Kind.MILESTONE: "milestone",
    Kind.SCHEDULE: "schedule",
    Kind.ASK: "ask",
    Kind.KPI: "kpi",
    Kind.ISSUE: "issue",
}
AUDIT_LIMIT = 15
IGNORED = {"updated_at", "id", "team_id", "program_id", "created_at", "number", "decision", "score_band"}
PEOPLE = {"owner_id", "decider_id", "driver_id", "author_id", "created_by", "done_by", "removed_by"}
PEOPLE |= {"acknowledged_by", "closed_by", "to_user"}
PEOPLE_LISTS = {"consulted", "informed", "members"}
CHANNELS = {"channel_id", "escalation_channel"}
CHANNEL_LISTS = {"allowed_channels"}
POINTERS: dict[str, tuple[Kind, type[Risk] | type[Decision]]] = {
    "superseded_by_id": (Kind.DECISION, Decision),
    "risk_id": (Kind.RISK, Risk),
    "decision_id": (Kind.DECISION, Decision),
}


class AuditQuery(Input):
    target: str  # a program KEY, an item ID (R-n, D-n, A-n, M-n, S-n, ASK-n, K-n) or `settings`
    page: int = 1


@dataclass(frozen=True)
class Change:
    """One field that changed, its values before and after, and what kind of value they are (for wording):
    `person`, `people`, `channel`, `channels`, `instant`, `date` or `text`."""

    name: str
    old: Any
    new: Any
    kind: str


@use_case(writes=False)
def trail(ctx: Context, data: AuditQuery) -> Reply:
    """A page of the newest changes of a program (and everything in it), of one item or of the workspace's
    settings."""
    parsed = parse_ref(data.target)
    offset = (max(data.page, 1) - 1) * AUDIT_LIMIT
    if data.target.lower() == SETTINGS_REF:
        entity_ref = SETTINGS_REF
        events = audit.history(
            ctx.session, ctx.team_id, SETTINGS_REF, SETTINGS_REF, limit=AUDIT_LIMIT + 1, offset=offset
        )
    elif parsed is not None and parsed[0] in ENTITY_TYPES:
        kind, number = parsed
        if kind == Kind.SCHEDULE:
            schedule_for(ctx, number)  # portfolio schedules have no program: visible as `/digest list` shows them
        else:
            item(ctx.session, ctx.actor, MODEL_FOR_KIND[kind], kind, number)  # type: ignore[type-var]
        entity_ref = ref(kind, number)
        events = audit.history(
            ctx.session, ctx.team_id, ENTITY_TYPES[kind], entity_ref, limit=AUDIT_LIMIT + 1, offset=offset
        )
    else:
        found = program(ctx.session, ctx.actor, data.target)
        entity_ref = found.key
        events = audit.program_history(ctx.session, found, limit=AUDIT_LIMIT + 1, offset=offset)
    shown = events[:AUDIT_LIMIT]
    refs = _pointed_to(ctx, shown)
    rows = [(event, changed_fields(event.before, event.after, refs)) for event in shown]
    return reply("audit", ref=entity_ref, rows=rows, page=max(data.page, 1), more=len(events) > AUDIT_LIMIT)


def _pointed_to(ctx: Context, events: list[AuditEvent]) -> dict[tuple[str, int], str]:
    """(field, row id) -> the ID it points to (`superseded_by_id` 17 -> D-6), in one query per kind."""
    wanted: dict[str, set[int]] = {}
    for event in events:
        for snapshot in (event.before or {}, event.after or {}):
            for name in POINTERS:
                if isinstance(snapshot.get(name), int):
                    wanted.setdefault(name, set()).add(snapshot[name])
    found: dict[tuple[str, int], str] = {}
    for name, row_ids in wanted.items():
        kind, model = POINTERS[name]
        for row_id, number in items.numbers_of(ctx.session, model, sorted(row_ids)).items():
            found[(name, row_id)] = ref(kind, number)
    return found


def changed_fields(
    before: dict[str, Any] | None, after: dict[str, Any] | None, refs: dict[tuple[str, int], str] | None = None
) -> list[Change]:
    """Each field that differs, with its values as a person reads them."""
    before, after = before or {}, after or {}
    names = [n for n in after if n not in IGNORED] if not before else [n for n in before if n not in IGNORED]
    names += [n for n in after if n not in before and n not in IGNORED and n not in names]
    return [
        Change(name, *_readable(name, before.get(name), after.get(name), refs or {}))
        for name in names
        if before.get(name) != after.get(name)
    ]


def _readable(name: str, old: Any, new: Any, refs: dict[tuple[str, int], str]) -> tuple[Any, Any, str]:
    if name in POINTERS:
        return refs.get((name, old), old), refs.get((name, new), new), "text"
    if name in PEOPLE:
        return old, new, "person"
    if name in PEOPLE_LISTS:
        return old, new, "people"
    if name in CHANNELS:
        return old, new, "channel"
    if name in CHANNEL_LISTS:
        return old, new, "channels"
    if name.endswith("_at"):
        return _instant(old), _instant(new), "instant"
    if isinstance(new or old, str) and _date(new or old) is not None:
        return _date(old), _date(new), "date"
    return old, new, "text"


def _instant(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.UTC)
    except ValueError:
        return None


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or len(value) != len("2027-01-05"):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
