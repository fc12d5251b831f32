"""What changed in a set of programs since a moment: the "since last digest" part of digests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from store.bands import workspace_settings
from store.models import AuditEvent, Decision, Program, Rag
from store.programs import status_of


@dataclass
class StatusMove:
    program: Program
    before: Rag | None
    after: Rag


@dataclass
class Changes:
    """Status moves, risks that became critical and decisions logged since `since`."""

    since: dt.datetime
    status_moves: list[StatusMove] = field(default_factory=list)
    new_critical: list[tuple[str, str, Program]] = field(default_factory=list)  # (R-n, title, program)
    decisions: list[tuple[Decision, Program]] = field(default_factory=list)

    @property
    def nothing(self) -> bool:
        return not (self.status_moves or self.new_critical or self.decisions)


def since(session: Session, team_id: str, programs: list[Program], moment: dt.datetime) -> Changes:
    """Changes to `programs` after `moment`, in a fixed number of queries."""
    changes = Changes(since=moment)
    by_id = {p.id: p for p in programs if p.id is not None}
    if not by_id:
        return changes
    now_status = status_of(session, programs)
    then_status = status_of(session, programs, before=moment)
    for pid, program in by_id.items():
        current, baseline = now_status[pid].current, then_status[pid].current
        if current is not None and current.created_at >= moment and (baseline is None or baseline.rag != current.rag):
            changes.status_moves.append(StatusMove(program, baseline.rag if baseline else None, current.rag))
    critical = workspace_settings(session, team_id).band_critical_min
    events = session.exec(
        select(AuditEvent)
        .where(
            col(AuditEvent.team_id) == team_id,
            col(AuditEvent.program_id).in_(list(by_id)),
            col(AuditEvent.entity_type) == "risk",
            col(AuditEvent.created_at) >= moment,
            col(AuditEvent.action).in_(["create", "update"]),
        )
        .order_by(col(AuditEvent.id))
    )
    seen: set[str] = set()
    for event in events:
        after, before = event.after or {}, event.before or {}
        rose = int(after.get("score", 0)) >= critical and int(before.get("score", 0)) < critical
        if rose and after.get("status") != "closed" and event.entity_ref not in seen and event.program_id in by_id:
            seen.add(event.entity_ref)
            changes.new_critical.append((event.entity_ref, str(after.get("title", "")), by_id[event.program_id]))
    for decision in session.exec(
        select(Decision)
        .where(
            col(Decision.team_id) == team_id,
            col(Decision.program_id).in_(list(by_id)),
            col(Decision.created_at) >= moment,
        )
        .order_by(col(Decision.created_at))
    ):
        changes.decisions.append((decision, by_id[decision.program_id]))
    return changes
