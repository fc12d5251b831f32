"""Action items (A-n): one owner, a due date, optionally linked to a risk, a decision or an issue."""

from __future__ import annotations

import datetime as dt

from domain.access import require_cleared
from domain.context import Context
from domain.errors import Conflict, Invalid
from domain.inputs import Input, NumberRef
from domain.lookup import item, item_to_change, program, visible_programs
from domain.messages import Message, Post, Reply, reply, tell, use_case
from domain.pages import page
from store import actions
from store.audit import snapshot
from store.ids import Kind, next_number, ref
from store.models import Action, ActionStatus, Decision, Issue, Program, Risk


class ActionCreate(Input):
    key: str
    title: str
    owner_id: str
    due: dt.date
    risk: int | None = None  # R-n it answers
    decision: int | None = None  # D-n it carries out
    issue: int | None = None  # I-n it works on
    source_permalink: str | None = None  # the message it was added from


class ActionSnooze(Input):
    number: int
    until: dt.date


class ActionUpdate(Input):
    """Fields to change; None means unchanged."""

    number: int
    title: str | None = None
    owner_id: str | None = None
    due: dt.date | None = None


class ActionQuery(Input):
    key: str | None = None  # every visible program when not given
    owner_id: str | None = None
    overdue: bool = False
    include_done: bool = False


def is_overdue(action: Action, today: dt.date) -> bool:
    """Open, past due, and not snoozed beyond today."""
    if action.status != ActionStatus.OPEN or action.due >= today:
        return False
    return action.snoozed_until is None or action.snoozed_until <= today


@use_case(writes=True)
def add(ctx: Context, data: ActionCreate) -> Reply:
    """Add an action (anyone who may see the program); a linked item must be in the same program."""
    owning = program(ctx.session, ctx.actor, data.key)
    risk = item(ctx.session, ctx.actor, Risk, Kind.RISK, data.risk, field="risk")[0] if data.risk is not None else None
    decision = (
        item(ctx.session, ctx.actor, Decision, Kind.DECISION, data.decision, field="decision")[0]
        if data.decision is not None
        else None
    )
    issue = item(ctx.session, ctx.actor, Issue, Kind.ISSUE, data.issue)[0] if data.issue is not None else None
    if owning.archived_at is not None:
        raise Conflict("archived", key=owning.key, act="add_action")
    if not data.title.strip():
        raise Invalid("action_needs_title", field="title")
    for linked, kind in ((risk, Kind.RISK), (decision, Kind.DECISION), (issue, Kind.ISSUE)):
        if linked is not None and linked.program_id != owning.id:
            raise Invalid("linked_elsewhere", field=kind.name.lower(), ref=ref(kind, linked.number), key=owning.key)
    require_cleared(ctx.actor, owning, data.owner_id, "action_owner")
    action = Action(
        team_id=ctx.team_id,
        number=next_number(ctx.session, ctx.team_id, Kind.ACTION),
        program_id=owning.id or 0,
        title=data.title.strip(),
        owner_id=data.owner_id,
        due=data.due,
        risk_id=risk.id if risk else None,
        decision_id=decision.id if decision else None,
        issue_id=issue.id if issue else None,
        created_by=ctx.actor.user_id,
        source_permalink=data.source_permalink,
    )
    label = ref(Kind.ACTION, action.number)
    ctx.created(action, "action", label, owning)
    answer = reply(
        "action_added", action=action, program=owning, risk=risk, decision=decision, issue=issue, today=ctx.today
    )
    answer.posts = _tell_owner(ctx, action, owning, label)
    return answer


def _tell_owner(ctx: Context, action: Action, owning: Program, label: str) -> list[Post]:
    """A DM to the action's owner when someone else gave it to them."""
    context = {"ref": label, "title": action.title, "program": owning, "by": ctx.actor.user_id, "due": action.due}
    return tell(ctx, action.owner_id, Message("assigned_dm", {**context, "what": "action"}), label)


@use_case(writes=True)
def update(ctx: Context, data: ActionUpdate) -> Reply:
    """Change an action's title, owner or due date (its owner, the program owner or an admin); a new owner is
    told by DM."""
    action, owning, label = item_to_change(
        ctx.session, ctx.actor, Action, Kind.ACTION, data.number, role="action_owner", act="update"
    )
    if action.status == ActionStatus.DONE:
        raise Conflict("action_done_reopen", ref=label)
    if data.title is not None and not data.title.strip():
        raise Invalid("action_needs_title", field="title")
    if data.owner_id is not None:
        require_cleared(ctx.actor, owning, data.owner_id, "action_owner")
    owner_before = action.owner_id
    with ctx.changing(action, "action", label, "update", owning) as before:
        for name, value in data.model_dump(exclude={"number"}, exclude_none=True).items():
            setattr(action, name, value.strip() if isinstance(value, str) and name == "title" else value)
        if snapshot(action) == before:
            raise Invalid("nothing_to_change", example=f"/action update {label} due:fri")
    answer = reply("action_updated", action=action, program=owning, before=before, today=ctx.today)
    if action.owner_id != owner_before:
        answer.posts = _tell_owner(ctx, action, owning, label)
    return answer


@use_case(writes=True)
def reopen(ctx: Context, data: NumberRef) -> Reply:
    """Undo `done`: the action is open again (its owner, the program owner or an admin)."""
    action, owning, label = item_to_change(
        ctx.session, ctx.actor, Action, Kind.ACTION, data.number, role="action_owner", act="reopen"
    )
    if action.status != ActionStatus.DONE:
        raise Conflict("not_done", ref=label)
    with ctx.changing(action, "action", label, "reopen", owning):
        action.status = ActionStatus.OPEN
        action.done_at = None
        action.done_by = None
    return reply("action_reopened", action=action, program=owning, overdue=is_overdue(action, ctx.today))


@use_case(writes=True)
def complete(ctx: Context, data: NumberRef) -> Reply:
    """Mark an action done (its owner, the program owner or an admin)."""
    action, owning, label = item_to_change(
        ctx.session, ctx.actor, Action, Kind.ACTION, data.number, role="action_owner", act="complete"
    )
    if action.status == ActionStatus.DONE:
        raise Conflict("already_done", ref=label)
    with ctx.changing(action, "action", label, "done", owning):
        action.status = ActionStatus.DONE
        action.done_at = ctx.now
        action.done_by = ctx.actor.user_id
    return reply("action_done", action=action, program=owning, late=(ctx.today - action.due).days)


@use_case(writes=True)
def snooze(ctx: Context, data: ActionSnooze) -> Reply:
    """Hide an action from reminders until a later date (its owner, the program owner or an admin)."""
    action, owning, label = item_to_change(
        ctx.session, ctx.actor, Action, Kind.ACTION, data.number, role="action_owner", act="snooze"
    )
    if action.status == ActionStatus.DONE:
        raise Conflict("done_not_snoozed", ref=label)
    if data.until <= ctx.today:
        raise Invalid("snooze_into_past", field="until", ref=label)
    with ctx.changing(action, "action", label, "snooze", owning):
        action.snoozed_until = data.until
    return reply("action_snoozed", action=action, program=owning)


@use_case(writes=False)
def list_(ctx: Context, data: ActionQuery) -> Reply:
    """Open actions by due date (`overdue`: only late ones; `include_done`: done ones too)."""
    scope = [program(ctx.session, ctx.actor, data.key)] if data.key else visible_programs(ctx.session, ctx.actor)
    found = actions.query(
        ctx.session,
        ctx.team_id,
        [p.id or 0 for p in scope],
        owner_id=data.owner_id,
        due_before=ctx.today if data.overdue else None,
        include_done=data.include_done,
    )
    if data.overdue:
        found = [a for a in found if is_overdue(a, ctx.today)]
    keys = {p.id: p.key for p in scope}
    rows = [(a, keys[a.program_id], is_overdue(a, ctx.today)) for a in found]
    filtered = bool(data.key or data.owner_id or data.overdue or data.include_done)
    return reply("action_list", page=page(rows), filtered=filtered)
