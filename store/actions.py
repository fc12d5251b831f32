"""Action items (A-n): one owner, a due date, optionally linked to a risk or a decision."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from store import audit
from store.access import Actor, require_cleared, require_owner_of
from store.errors import Conflict, Invalid
from store.ids import Kind, next_number, ref
from store.models import Action, ActionStatus, Decision, Program, Risk
from store.types import utcnow


def add(
    session: Session,
    actor: Actor,
    program: Program,
    *,
    title: str,
    owner_id: str,
    due: dt.date,
    risk: Risk | None = None,
    decision: Decision | None = None,
) -> Action:
    """Add an action (anyone who may see the program); a linked item must be in the same program."""
    if program.archived_at is not None:
        raise Conflict(f"{program.key} is archived; it takes no new actions.")
    if not title.strip():
        raise Invalid("An action needs a title, e.g. `/action add KEY Draft the vendor SOW owner:@ana due:fri`.")
    for linked, kind in ((risk, Kind.RISK), (decision, Kind.DECISION)):
        if linked is not None and linked.program_id != program.id:
            raise Invalid(f"{ref(kind, linked.number)} belongs to another program than {program.key}.")
    require_cleared(actor, program, owner_id, "the action owner")
    action = Action(
        team_id=actor.team_id,
        number=next_number(session, actor.team_id, Kind.ACTION),
        program_id=program.id or 0,
        title=title.strip(),
        owner_id=owner_id,
        due=due,
        risk_id=risk.id if risk else None,
        decision_id=decision.id if decision else None,
        created_by=actor.user_id,
    )
    session.add(action)
    audit.record(
        session,
        actor,
        entity_type="action",
        entity_ref=ref(Kind.ACTION, action.number),
        action="create",
        program=program,
        before=None,
        after=action,
    )
    return action


def complete(session: Session, actor: Actor, program: Program, action: Action) -> Action:
    """Mark an action done (its owner, the program owner or an admin)."""
    label = ref(Kind.ACTION, action.number)
    require_owner_of(actor, program, action.owner_id, "the action owner", f"complete {label}")
    if action.status == ActionStatus.DONE:
        raise Conflict(f"{label} is already done.")
    before = audit.snapshot(action)
    action.status = ActionStatus.DONE
    action.done_at = utcnow()
    action.done_by = actor.user_id
    session.add(action)
    audit.record(
        session,
        actor,
        entity_type="action",
        entity_ref=label,
        action="done",
        program=program,
        before=before,
        after=action,
    )
    return action


def snooze(
    session: Session, actor: Actor, program: Program, action: Action, *, until: dt.date, today: dt.date
) -> Action:
    """Hide an action from reminders until a later date (its owner, the program owner or an admin)."""
    label = ref(Kind.ACTION, action.number)
    require_owner_of(actor, program, action.owner_id, "the action owner", f"snooze {label}")
    if action.status == ActionStatus.DONE:
        raise Conflict(f"{label} is already done; nothing to snooze.")
    if until <= today:
        raise Invalid(f"Snooze until a future date, e.g. `/action snooze {label} until:+3d`.")
    before = audit.snapshot(action)
    action.snoozed_until = until
    session.add(action)
    audit.record(
        session,
        actor,
        entity_type="action",
        entity_ref=label,
        action="snooze",
        program=program,
        before=before,
        after=action,
    )
    return action


def is_overdue(action: Action, today: dt.date) -> bool:
    """Open, past due, and not snoozed beyond today."""
    if action.status != ActionStatus.OPEN or action.due >= today:
        return False
    return action.snoozed_until is None or action.snoozed_until <= today


def query(
    session: Session,
    team_id: str,
    program_ids: list[int],
    *,
    owner_id: str | None = None,
    overdue_on: dt.date | None = None,
    include_done: bool = False,
) -> list[Action]:
    """Actions of the given programs, soonest due first."""
    if not program_ids:
        return []
    statement = select(Action).where(col(Action.team_id) == team_id, col(Action.program_id).in_(program_ids))
    if not include_done:
        statement = statement.where(col(Action.status) == ActionStatus.OPEN)
    if owner_id is not None:
        statement = statement.where(col(Action.owner_id) == owner_id)
    if overdue_on is not None:
        statement = statement.where(col(Action.due) < overdue_on)
    rows = list(session.exec(statement.order_by(col(Action.due), col(Action.number))))
    return [a for a in rows if is_overdue(a, overdue_on)] if overdue_on else rows
