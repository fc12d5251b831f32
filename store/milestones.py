"""Program milestones (M-n)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from store import audit
from store.access import Actor, require_cleared, require_program_owner
from store.errors import Conflict, Invalid
from store.ids import Kind, next_number, ref
from store.models import Milestone, Program
from store.types import utcnow


def add(session: Session, actor: Actor, program: Program, *, title: str, due: dt.date, owner_id: str) -> Milestone:
    """Add a milestone (program owner or admin)."""
    require_program_owner(actor, program, "add milestones to")
    if program.archived_at is not None:
        raise Conflict(f"{program.key} is archived; it takes no new milestones.")
    if not title.strip():
        raise Invalid("A milestone needs a title, e.g. `/program milestone KEY Vendor signed due:2026-12-01`.")
    require_cleared(actor, program, owner_id, "the milestone owner")
    milestone = Milestone(
        team_id=actor.team_id,
        number=next_number(session, actor.team_id, Kind.MILESTONE),
        program_id=program.id or 0,
        title=title.strip(),
        due=due,
        owner_id=owner_id,
        created_by=actor.user_id,
    )
    session.add(milestone)
    audit.record(
        session,
        actor,
        entity_type="milestone",
        entity_ref=ref(Kind.MILESTONE, milestone.number),
        action="create",
        program=program,
        before=None,
        after=milestone,
    )
    return milestone


def complete(session: Session, actor: Actor, program: Program, milestone: Milestone) -> Milestone:
    """Mark a milestone done (program owner or admin)."""
    require_program_owner(actor, program, "complete milestones of")
    label = ref(Kind.MILESTONE, milestone.number)
    if milestone.done_at is not None:
        raise Conflict(f"{label} is already done.")
    before = audit.snapshot(milestone)
    milestone.done_at = utcnow()
    milestone.done_by = actor.user_id
    session.add(milestone)
    audit.record(
        session,
        actor,
        entity_type="milestone",
        entity_ref=label,
        action="done",
        program=program,
        before=before,
        after=milestone,
    )
    return milestone


def for_programs(session: Session, program_ids: list[int], *, open_only: bool = True) -> list[Milestone]:
    """Milestones of the given programs, soonest first."""
    if not program_ids:
        return []
    statement = select(Milestone).where(col(Milestone.program_id).in_(program_ids))
    if open_only:
        statement = statement.where(col(Milestone.done_at).is_(None))
    return list(session.exec(statement.order_by(col(Milestone.due), col(Milestone.number))))
