"""What changed in a set of programs since a moment: the "since last digest" part of digests, achievements
included (milestones done, risks closed, decisions made, asks answered, actions done)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial

from sqlmodel import Session

from domain.status import RAG_RANK, status_of
from store import audit, decisions, items
from store.models import Action, Ask, AskState, Decision, DecisionStatus, Milestone, Program, Rag, Risk
from store.settings import workspace_settings


@dataclass
class StatusMove:
    """A program's status then (at the start of the window, else its report before the current one) and now;
    `before` is None for a program's first report."""

    program: Program
    before: Rag | None
    after: Rag

    @property
    def improving(self) -> bool:
        return self.before is not None and RAG_RANK[self.after] < RAG_RANK[self.before]


@dataclass
class DecisionNews:
    """A decision made (or proposed) in the window, with the decisions it superseded; a superseded decision is
    only ever shown here, under its successor."""

    decision: Decision
    program: Program
    supersedes: list[Decision] = field(default_factory=list)


@dataclass
class Changes:
    """What moved since `since`."""

    since: dt.datetime
    status_moves: list[StatusMove] = field(default_factory=list)
    new_critical: list[tuple[str, str, Program]] = field(default_factory=list)  # (R-n, title, program)
    decisions: list[DecisionNews] = field(default_factory=list)
    done_milestones: list[tuple[Milestone, Program]] = field(default_factory=list)
    closed_risks: list[tuple[Risk, Program]] = field(default_factory=list)
    answered_asks: list[tuple[Ask, Program]] = field(default_factory=list)
    done_actions: list[tuple[Action, Program]] = field(default_factory=list)

    @property
    def improving(self) -> list[StatusMove]:
        return [move for move in self.status_moves if move.improving]

    @property
    def achieved(self) -> list[tuple[str, Milestone | Risk | DecisionNews | Ask, Program]]:
        """Milestones done, risks closed, decisions made and asks answered, as (kind, item, program)."""
        return [
            *(("milestone", m, p) for m, p in self.done_milestones),
            *(("risk", r, p) for r, p in self.closed_risks),
            *(("decision", news, news.program) for news in self.decisions),
            *(("ask", a, p) for a, p in self.answered_asks),
        ]

    @property
    def everything(self) -> list[tuple[str, object]]:
        """Every change as (kind, item), status moves first, for a program's own digest."""
        return [
            *(("move", move) for move in self.status_moves),
            *(("critical", ref) for ref, _title, _program in self.new_critical),
            *((kind, item) for kind, item, _program in self.achieved),
            *(("action", a) for a, _program in self.done_actions),
        ]


def since(session: Session, team_id: str, programs: list[Program], moment: dt.datetime) -> Changes:
    """Changes to `programs` after `moment`, in a fixed number of queries."""
    changes = Changes(since=moment)
    by_id = {p.id: p for p in programs if p.id is not None}
    if not by_id:
        return changes
    ids = list(by_id)
    now_status = status_of(session, programs)
    then_status = status_of(session, programs, before=moment)
    for pid, program in by_id.items():
        current, baseline = now_status[pid].current, then_status[pid].current or now_status[pid].previous
        if current is not None and current.created_at >= moment and (baseline is None or baseline.rag != current.rag):
            changes.status_moves.append(StatusMove(program, baseline.rag if baseline else None, current.rag))
    critical = workspace_settings(session, team_id).band_critical_min
    seen: set[str] = set()
    for event in audit.risk_events_since(session, team_id, ids, moment):
        after, before = event.after or {}, event.before or {}
        rose = int(after.get("score", 0)) >= critical and int(before.get("score", 0)) < critical
        if rose and after.get("status") != "closed" and event.entity_ref not in seen and event.program_id in by_id:
            seen.add(event.entity_ref)
            changes.new_critical.append((event.entity_ref, str(after.get("title", "")), by_id[event.program_id]))
    made = list(reversed(decisions.query(session, team_id, ids, since=moment)))
    current_ones = [d for d in made if d.status != DecisionStatus.SUPERSEDED]
    replaced = decisions.superseded_by(session, [d.id for d in current_ones if d.id is not None])
    for decision in current_ones:
        older = [d for d in replaced if d.superseded_by_id == decision.id]
        changes.decisions.append(DecisionNews(decision, by_id[decision.program_id], older))
    ended = partial(items.ended_since, session, team_id=team_id, program_ids=ids, moment=moment)
    changes.done_milestones = [(m, by_id[m.program_id]) for m in ended(Milestone)]
    changes.closed_risks = [(r, by_id[r.program_id]) for r in ended(Risk)]
    changes.answered_asks = [(a, by_id[a.program_id]) for a in ended(Ask) if a.state == AskState.ANSWERED]
    changes.done_actions = [(a, by_id[a.program_id]) for a in ended(Action)]
    return changes
