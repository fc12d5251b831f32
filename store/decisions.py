"""The decision log (D-n, DACI): decisions are superseded, never edited away."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_
from sqlmodel import Session, col, select

from store import audit
from store.access import Actor, require_cleared, require_owner_of
from store.errors import Conflict, Invalid
from store.ids import Kind, next_number, ref
from store.models import Decision, DecisionStatus, Program
from store.types import utcnow


def log(
    session: Session,
    actor: Actor,
    program: Program,
    *,
    title: str,
    decider_id: str,
    rationale: str | None = None,
    options: str | None = None,
    context: str | None = None,
    consulted: list[str] | None = None,
    informed: list[str] | None = None,
    status: DecisionStatus = DecisionStatus.DECIDED,
    source_permalink: str | None = None,
) -> Decision:
    """Log a decision; the caller is its driver (anyone who may see the program)."""
    if not title.strip():
        raise Invalid('A decision needs a title, e.g. `/decision log KEY Use vendor B for EU queues why:"cost"`.')
    if status == DecisionStatus.SUPERSEDED:
        raise Invalid("A new decision cannot start superseded; log it, then `/decision supersede D-old D-new`.")
    for person in {decider_id, *(consulted or []), *(informed or [])}:
        require_cleared(actor, program, person, "named on this decision")
    decision = Decision(
        team_id=actor.team_id,
        number=next_number(session, actor.team_id, Kind.DECISION),
        program_id=program.id or 0,
        title=title.strip(),
        decision=title.strip(),
        rationale=rationale,
        options=options,
        context=context,
        driver_id=actor.user_id,
        decider_id=decider_id,
        consulted=sorted(set(consulted or [])),
        informed=sorted(set(informed or [])),
        status=status,
        source_permalink=source_permalink,
        decided_at=utcnow() if status == DecisionStatus.DECIDED else None,
    )
    session.add(decision)
    audit.record(
        session,
        actor,
        entity_type="decision",
        entity_ref=ref(Kind.DECISION, decision.number),
        action="create",
        program=program,
        before=None,
        after=decision,
    )
    return decision


def supersede(
    session: Session, actor: Actor, old: Decision, old_program: Program, new: Decision, new_program: Program
) -> Decision:
    """Mark `old` superseded by `new` (its decider, the program owner or an admin)."""
    old_ref, new_ref = ref(Kind.DECISION, old.number), ref(Kind.DECISION, new.number)
    require_owner_of(actor, old_program, old.decider_id, "the decider", f"supersede {old_ref}")
    if old.id == new.id:
        raise Invalid("A decision cannot supersede itself.")
    if old.status == DecisionStatus.SUPERSEDED:
        raise Conflict(f"{old_ref} is already superseded.")
    if new.status == DecisionStatus.SUPERSEDED:
        raise Conflict(f"{new_ref} is itself superseded; supersede with the current decision.")
    if old_program.id != new_program.id:
        raise Invalid(f"{old_ref} and {new_ref} belong to different programs.")
    if new.number < old.number:
        raise Invalid(f"{new_ref} is older than {old_ref}; a decision is superseded by a later one.")
    before = audit.snapshot(old)
    old.status = DecisionStatus.SUPERSEDED
    old.superseded_by_id = new.id
    session.add(old)
    audit.record(
        session,
        actor,
        entity_type="decision",
        entity_ref=old_ref,
        action="supersede",
        program=old_program,
        before=before,
        after=old,
    )
    return old


def successor(session: Session, decision: Decision) -> Decision | None:
    """The decision that superseded `decision`, if any."""
    return session.get(Decision, decision.superseded_by_id) if decision.superseded_by_id else None


def query(
    session: Session,
    team_id: str,
    program_ids: list[int],
    *,
    words: str | None = None,
    since: dt.datetime | None = None,
) -> list[Decision]:
    """Decisions of the given programs, newest first, optionally matching all `words`."""
    if not program_ids:
        return []
    statement = select(Decision).where(col(Decision.team_id) == team_id, col(Decision.program_id).in_(program_ids))
    for word in (words or "").split():
        pattern = f"%{word.lower()}%"
        statement = statement.where(
            or_(
                col(Decision.title).ilike(pattern),
                col(Decision.rationale).ilike(pattern),
                col(Decision.options).ilike(pattern),
                col(Decision.context).ilike(pattern),
            )
        )
    if since is not None:
        statement = statement.where(col(Decision.created_at) >= since)
    return list(session.exec(statement.order_by(col(Decision.created_at).desc(), col(Decision.number).desc())))
