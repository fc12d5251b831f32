"""What changed in a set of programs since a moment: the "since last digest" part of digests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlmodel import Session

from domain.status import status_of
from store import audit, decisions
from store.models import Decision, Program, Rag
from store.settings import workspace_settings


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
    events = audit.risk_events_since(session, team_id, list(by_id), moment)
    seen: set[str] = set()
    for event in events:
        after, before = event.after or {}, event.before or {}
        rose = int(after.get("score", 0)) >= critical and int(before.get("score", 0)) < critical
        if rose and after.get("status") != "closed" and event.entity_ref not in seen and event.program_id in by_id:
            seen.add(event.entity_ref)
            changes.new_critical.append((event.entity_ref, str(after.get("title", "")), by_id[event.program_id]))
    for decision in reversed(decisions.query(session, team_id, list(by_id), since=moment)):
        changes.decisions.append((decision, by_id[decision.program_id]))
    return changes
