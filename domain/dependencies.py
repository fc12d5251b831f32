"""Dependencies between programs: one program needs another (or one of its milestones) to deliver. A slipped
milestone that another program depends on is flagged in both programs' digests ("TNS-CLASSIFIER M-3 slipped 9
days; TNS-ELECTION depends on it"), naming a program only where it may be shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session

from domain.access import may_post_in
from domain.context import Context
from domain.errors import Conflict, Invalid, NotFound
from domain.evidence import Slip, slip_of
from domain.inputs import Input
from domain.lookup import item, program, program_to_change
from domain.messages import Reply, reply, use_case
from store import dependencies, milestones, programs
from store.ids import Kind, ref
from store.models import Milestone, Program, ProgramDependency

UTC = ZoneInfo("UTC")  # open milestones only: their slip does not depend on a time zone


class DependencyCreate(Input):
    """`key` depends on the program `on_key`, or on its milestone M-`milestone_number`."""

    key: str
    on_key: str
    milestone_number: int | None = None


@dataclass(frozen=True)
class DependencySlip:
    """A milestone of `upstream` that slipped while `dependent` depends on it."""

    dependent: Program
    upstream: Program
    slip: Slip


Named = Callable[[Program, Program], bool]
"""Whether the digest of the first program may name the second."""


def named_in_own_channel(about: Program, other: Program) -> bool:
    """A program's digest names another program when that one is not restricted, or is cleared for the channel
    the digest goes to."""
    return not other.restricted or (about.channel_id is not None and may_post_in(other, about.channel_id))


def slips_for(
    session: Session, team_id: str, program_list: list[Program], *, today: dt.date, named: Named
) -> dict[int, list[DependencySlip]]:
    """For each given program, the slipped open milestones on either side of its dependencies (a dependency on
    a whole program: any of its slipped milestones), where `named` allows the other program (three queries)."""
    result: dict[int, list[DependencySlip]] = {p.id: [] for p in program_list if p.id is not None}
    links = dependencies.touching(session, team_id, list(result))
    if not links:
        return result
    involved = programs.by_ids(session, list({d.program_id for d in links} | {d.on_program_id for d in links}))
    slipped: dict[int, list[Slip]] = {}
    for milestone in milestones.for_programs(session, list({d.on_program_id for d in links})):
        slip = slip_of(milestone, today, UTC)
        if slip is not None:
            slipped.setdefault(milestone.program_id, []).append(slip)
    for link in links:
        dependent, upstream = involved[link.program_id], involved[link.on_program_id]
        if dependent.archived_at is not None or upstream.archived_at is not None:
            continue
        for slip in slipped.get(upstream.id or 0, []):
            if link.milestone_id is not None and slip.milestone.id != link.milestone_id:
                continue
            flag = DependencySlip(dependent, upstream, slip)
            for about, other in ((dependent, upstream), (upstream, dependent)):
                shown = result.get(about.id or 0)
                if shown is not None and named(about, other) and flag not in shown:
                    shown.append(flag)
    for flags in result.values():
        flags.sort(key=lambda f: (-f.slip.days, f.upstream.key, f.dependent.key))
    return result


@use_case(writes=True)
def depend(ctx: Context, data: DependencyCreate) -> Reply:
    """Record that a program depends on another, or on one of its milestones (the dependent program's owner or
    an admin; the other program must be one the actor may see)."""
    dependent = program_to_change(ctx.session, ctx.actor, data.key, "add_dependency")
    upstream = program(ctx.session, ctx.actor, data.on_key)
    if upstream.id == dependent.id:
        raise Invalid("depends_on_itself", field="on_key", key=dependent.key)
    milestone: Milestone | None = None
    if data.milestone_number is not None:
        milestone, owning = item(ctx.session, ctx.actor, Milestone, Kind.MILESTONE, data.milestone_number)
        if owning.id != upstream.id:
            raise NotFound(ref(Kind.MILESTONE, data.milestone_number))
    programs.hold(ctx.session, dependent.id or 0)
    for link in dependencies.touching(ctx.session, ctx.team_id, [dependent.id or 0]):
        same = link.program_id == dependent.id and link.on_program_id == upstream.id
        if same and link.milestone_id == (milestone.id if milestone else None):
            raise Conflict("dependency_exists", key=dependent.key, on=upstream.key)
        if link.program_id == upstream.id and link.on_program_id == dependent.id:
            raise Invalid("dependency_circle", field="on_key", key=dependent.key, on=upstream.key)
    link = ProgramDependency(
        team_id=ctx.team_id,
        program_id=dependent.id or 0,
        on_program_id=upstream.id or 0,
        milestone_id=milestone.id if milestone else None,
        created_by=ctx.actor.user_id,
    )
    ctx.session.add(link)
    ctx.record("program", dependent.key, "depend", dependent, None, link)
    slip = slip_of(milestone, ctx.today, UTC) if milestone and milestone.done_at is None else None
    return reply("dependency_added", dependent=dependent, upstream=upstream, milestone=milestone, slip=slip)
