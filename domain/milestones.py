"""Program milestones (M-n): added and completed by the program owner."""

from __future__ import annotations

import datetime as dt

from domain.access import require_cleared, require_program_owner
from domain.context import Context
from domain.errors import Conflict, Invalid
from domain.inputs import Input, NumberRef
from domain.lookup import item, program_to_change
from domain.messages import Reply, reply, use_case
from store.audit import snapshot
from store.ids import Kind, next_number, ref
from store.models import Milestone, Program


class MilestoneCreate(Input):
    key: str
    title: str
    due: dt.date
    owner_id: str | None = None  # the program owner when not given


class MilestoneUpdate(Input):
    """Fields to change (None: unchanged); a new date re-baselines the milestone."""

    number: int
    title: str | None = None
    due: dt.date | None = None
    reason: str | None = None  # why the date moves, kept with the milestone


@use_case(writes=True)
def add(ctx: Context, data: MilestoneCreate) -> Reply:
    """Add a milestone (program owner or admin)."""
    owning = program_to_change(ctx.session, ctx.actor, data.key, "add_milestone")
    if not data.title.strip():
        raise Invalid("milestone_needs_title", field="title")
    owner = data.owner_id or owning.owner_id
    require_cleared(ctx.actor, owning, owner, "milestone_owner")
    milestone = Milestone(
        team_id=ctx.team_id,
        number=next_number(ctx.session, ctx.team_id, Kind.MILESTONE),
        program_id=owning.id or 0,
        title=data.title.strip(),
        due=data.due,
        owner_id=owner,
        created_by=ctx.actor.user_id,
    )
    ctx.created(milestone, "milestone", ref(Kind.MILESTONE, milestone.number), owning)
    return reply("milestone_added", program=owning, milestone=milestone, today=ctx.today)


@use_case(writes=True)
def update(ctx: Context, data: MilestoneUpdate) -> Reply:
    """Rename or re-date a milestone (program owner or admin). A new date is a re-baseline: the first date
    promised is kept, so the slip shows."""
    milestone, owning = item(ctx.session, ctx.actor, Milestone, Kind.MILESTONE, data.number, lock=True)
    require_program_owner(ctx.actor, owning, "update_milestone")
    label = ref(Kind.MILESTONE, milestone.number)
    if milestone.done_at is not None:
        raise Conflict("milestone_done_already", ref=label)
    if data.title is not None and not data.title.strip():
        raise Invalid("milestone_needs_title", field="title")
    with ctx.changing(milestone, "milestone", label, "update", owning) as before:
        if data.title is not None:
            milestone.title = data.title.strip()
        redated = data.due is not None and data.due != milestone.due
        if data.reason is not None and not redated:
            raise Invalid("reason_needs_date", field="reason", example=f"/program milestone-update {label} due:+2w")
        if data.due is not None and redated:
            milestone.baseline_due = milestone.baseline_due or milestone.due
            milestone.due = data.due
            milestone.replan_reason = (data.reason or "").strip() or None
        if snapshot(milestone) == before:
            raise Invalid("nothing_to_change", example=f"/program milestone-update {label} due:+2w")
    first = milestone.baseline_due
    slip = (milestone.due - first).days if first else 0
    return reply("milestone_updated", program=owning, milestone=milestone, slip=slip, today=ctx.today)


@use_case(writes=True)
def complete(ctx: Context, data: NumberRef) -> Reply:
    """Mark a milestone done (program owner or admin)."""
    milestone, owning, label = _open_milestone(ctx, data.number, "complete_milestone")
    with ctx.changing(milestone, "milestone", label, "done", owning):
        milestone.done_at = ctx.now
        milestone.done_by = ctx.actor.user_id
    return reply("milestone_done", program=owning, milestone=milestone, late=(ctx.today - milestone.due).days)


def _open_milestone(ctx: Context, number: int, act: str) -> tuple[Milestone, Program, str]:
    """M-n (its row locked), its program and its label, when the actor may `act` on it and it is not done."""
    milestone, owning = item(ctx.session, ctx.actor, Milestone, Kind.MILESTONE, number, lock=True)
    require_program_owner(ctx.actor, owning, act)
    label = ref(Kind.MILESTONE, milestone.number)
    if milestone.done_at is not None:
        raise Conflict("already_done", ref=label)
    return milestone, owning, label
