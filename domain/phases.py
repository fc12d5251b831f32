"""Program phases (`Build`: Jan 4 to Mar 26): set by the program owner; re-dated, a phase keeps the dates first
planned as its baseline and the reason it moved."""

from __future__ import annotations

import datetime as dt

from domain.context import Context
from domain.errors import Invalid
from domain.inputs import Input
from domain.lookup import program_to_change
from domain.messages import Reply, reply, use_case
from store import phases
from store.models import ProgramPhase

MAX_NAME = 80
REPLAN_PHASE = "replan_phase"  # the audit action of a phase re-planned


class PhaseSet(Input):
    """A phase of `key` called `name` from `start` to `end`; `reason` says why, when it is re-planned."""

    key: str
    name: str
    start: dt.date
    end: dt.date
    reason: str | None = None


@use_case(writes=True)
def set_phase(ctx: Context, data: PhaseSet) -> Reply:
    """Add a phase, or re-plan one of the same name (program owner or admin): its first dates stay as the
    baseline, so the move shows, with the reason given."""
    owning = program_to_change(ctx.session, ctx.actor, data.key, "set_phase")
    name = data.name.strip()
    if not name or len(name) > MAX_NAME:
        raise Invalid("phase_needs_name", field="name", most=MAX_NAME)
    if data.end < data.start:
        raise Invalid("phase_ends_before_start", field="end", start=data.start.isoformat(), end=data.end.isoformat())
    reason = (data.reason or "").strip() or None
    phase = phases.by_name(ctx.session, owning.id or 0, name)
    if phase is None:
        phase = ProgramPhase(
            team_id=ctx.team_id,
            program_id=owning.id or 0,
            name=name,
            start=data.start,
            end=data.end,
            created_by=ctx.actor.user_id,
        )
        ctx.session.add(phase)
        ctx.session.flush()  # its id, for the audit row that later re-plans are matched to
        ctx.record("program", owning.key, "add_phase", owning, None, phase)
        return reply("phase_set", program=owning, phase=phase, moved=None)
    with ctx.changing(phase, "program", owning.key, REPLAN_PHASE, owning):
        if (phase.start, phase.end) != (data.start, data.end):
            phase.baseline_start = phase.baseline_start or phase.start
            phase.baseline_end = phase.baseline_end or phase.end
            phase.start, phase.end = data.start, data.end
            phase.replan_reason = reason
        elif reason is None or reason == phase.replan_reason:
            raise Invalid("nothing_to_change", example=f"/program phase {owning.key} {name} {_span(data)}")
        else:
            phase.replan_reason = reason
        phase.updated_at = ctx.now
    moved = (phase.end - (phase.baseline_end or phase.end)).days
    return reply("phase_set", program=owning, phase=phase, moved=moved)


def _span(data: PhaseSet) -> str:
    return f"{data.start.isoformat()}..{(data.end + dt.timedelta(weeks=2)).isoformat()}"
