"""A program's plan: its phases and milestones, each with the dates first planned and how far it moved (and why),
and the dependencies on either side; and the roadmap picture of it, or of the portfolio (`/pulse roadmap`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from domain.access import may_see
from domain.audience import private_to, shown_to
from domain.context import Context
from domain.dependencies import DependencySlip, slips_for
from domain.evidence import PORTFOLIO, PictureRequest, pictured
from domain.figures import PlanBar, PlanDiamond, Roadmap, RoadmapLine, Upload
from domain.lookup import program as find_program
from domain.messages import Reply, reply, use_case
from domain.phases import REPLAN_PHASE
from domain.programs import ProgramRef
from store import audit, dependencies, milestones, phases, programs
from store.ids import Kind, ref
from store.models import AuditEvent, Milestone, Program, ProgramPhase

LABEL_CHARS = 24  # a milestone's title on the roadmap, after its M-n
MAX_HISTORY = 200  # audit events read back for a plan's re-plans


@dataclass(frozen=True)
class Replan:
    """One re-plan of a phase's end or a milestone's date, as the audit trail kept it."""

    at: dt.datetime
    by: str
    before: dt.date
    after: dt.date
    reason: str | None


@dataclass(frozen=True)
class PlannedPhase:
    """A phase with the days its end moved from the one first planned, and its re-plans (oldest first)."""

    phase: ProgramPhase
    moved: int
    replans: list[Replan]


@dataclass(frozen=True)
class PlannedMilestone:
    """A milestone with the days it moved from the date first promised (negative: earlier) and its re-plans."""

    milestone: Milestone
    moved: int
    late: int  # days past due while still open
    replans: list[Replan]


@dataclass(frozen=True)
class Link:
    """A dependency as one program's plan shows it: the other program and the milestone it is about, if one."""

    other: Program
    milestone: Milestone | None
    upstream: bool  # True: this program depends on `other`; False: `other` depends on this program


@dataclass(frozen=True)
class PlanFacts:
    program: Program
    phases: list[PlannedPhase]
    milestones: list[PlannedMilestone]
    links: list[Link]
    flags: list[DependencySlip]


def moved_days(current: dt.date, baseline: dt.date | None) -> int:
    """Days from the first date planned to the current one (0 when never re-planned)."""
    return (current - baseline).days if baseline else 0


def plan_of(ctx: Context, program: Program) -> PlanFacts:
    """The plan of `program` as the actor may see it: other programs they may not see are left out."""
    session, pid = ctx.session, program.id or 0
    phase_replans: dict[int, list[Replan]] = {}
    for event in reversed(audit.history(session, ctx.team_id, "program", program.key, limit=MAX_HISTORY)):
        if event.action == REPLAN_PHASE and event.before and event.after and event.before["end"] != event.after["end"]:
            phase_replans.setdefault(event.after["id"], []).append(_replan(event, "end"))
    stages = [
        PlannedPhase(p, moved_days(p.end, p.baseline_end), phase_replans.get(p.id or 0, []))
        for p in phases.for_programs(session, [pid])
    ]
    stones = [
        PlannedMilestone(
            m,
            moved_days(m.due, m.baseline_due),
            (ctx.today - m.due).days if m.done_at is None else 0,
            _milestone_replans(ctx, m) if m.baseline_due else [],
        )
        for m in milestones.for_programs(session, [pid], open_only=False)
    ]
    touching = dependencies.touching(session, ctx.team_id, [pid])
    others = programs.by_ids(session, list({d.program_id for d in touching} | {d.on_program_id for d in touching}))
    about = {m.id: m for m in milestones.for_programs(session, list(others), open_only=False)}
    links = []
    for link in touching:
        upstream = link.program_id == pid
        other = others[link.on_program_id if upstream else link.program_id]
        if may_see(ctx.actor, other) and other.archived_at is None:
            links.append(Link(other, about.get(link.milestone_id) if link.milestone_id else None, upstream))
    flags = slips_for(
        session, ctx.team_id, [program], today=ctx.today, named=lambda _a, other: may_see(ctx.actor, other)
    )
    return PlanFacts(program, stages, stones, links, flags[pid])


def _milestone_replans(ctx: Context, milestone: Milestone) -> list[Replan]:
    label = ref(Kind.MILESTONE, milestone.number)
    events = reversed(audit.history(ctx.session, ctx.team_id, "milestone", label, limit=MAX_HISTORY))
    return [
        _replan(e, "due")
        for e in events
        if e.action == "update" and e.before and e.after and e.before["due"] != e.after["due"]
    ]


def _replan(event: AuditEvent, field: str) -> Replan:
    before, after = event.before or {}, event.after or {}
    return Replan(
        at=event.created_at,
        by=event.actor_id,
        before=dt.date.fromisoformat(before[field]),
        after=dt.date.fromisoformat(after[field]),
        reason=after.get("replan_reason"),
    )


def roadmap_of(session: Session, program_list: Sequence[Program], *, scope: str, today: dt.date) -> Roadmap:
    """The roadmap of the given programs (by KEY); for the portfolio, only those with something planned."""
    ids = [p.id for p in program_list if p.id is not None]
    bars: dict[int, list[PlanBar]] = {pid: [] for pid in ids}
    diamonds: dict[int, list[PlanDiamond]] = {pid: [] for pid in ids}
    for phase in phases.for_programs(session, ids):
        bars[phase.program_id].append(
            PlanBar(phase.name, phase.start, phase.end, phase.baseline_start, phase.baseline_end)
            if (phase.baseline_start, phase.baseline_end) != (phase.start, phase.end)
            else PlanBar(phase.name, phase.start, phase.end)
        )
    for m in milestones.for_programs(session, ids, open_only=False):
        label = f"{ref(Kind.MILESTONE, m.number)} {_clip(m.title)}"
        diamonds[m.program_id].append(PlanDiamond(label, m.due, m.baseline_due, m.done_at is not None))
    rows = tuple(
        RoadmapLine(p.key, tuple(bars[p.id or 0]), tuple(diamonds[p.id or 0]))
        for p in sorted(program_list, key=lambda p: p.key)
        if scope != PORTFOLIO or bars[p.id or 0] or diamonds[p.id or 0]
    )
    return Roadmap(scope=scope, today=today, rows=rows)


def _clip(title: str) -> str:
    return title if len(title) <= LABEL_CHARS else title[: LABEL_CHARS - 1].rstrip() + "\N{HORIZONTAL ELLIPSIS}"


@use_case(writes=False)
def plan(ctx: Context, data: ProgramRef) -> Reply:
    """A program's plan, with its roadmap picture: in the channel asked in when it may be seen there, else in
    the caller's DM with Pulse."""
    program = find_program(ctx.session, ctx.actor, data.key)
    facts = plan_of(ctx, program)
    audience = shown_to(ctx.actor)
    if not audience.may_include(program):
        audience = private_to(ctx.actor)
    figure = roadmap_of(ctx.session, [program], scope=program.key, today=ctx.today)
    answer = reply("program_plan", f=facts, today=ctx.today)
    answer.uploads = [Upload(figure, audience.channel_id)]
    return answer


@use_case(writes=False)
def roadmap(ctx: Context, data: PictureRequest) -> Reply:
    """The roadmap of a program or the portfolio (only programs that may be shown where it goes)."""
    audience = shown_to(ctx.actor)
    shown = pictured(ctx, data.key, audience)
    scope = shown[0].key if data.key and data.key.lower() != PORTFOLIO else PORTFOLIO
    figure = roadmap_of(ctx.session, shown, scope=scope, today=ctx.today)
    answer = reply(
        "roadmap_ready",
        figure=figure,
        phases=sum(len(row.bars) for row in figure.rows),
        milestones=sum(len(row.diamonds) for row in figure.rows),
        slipped=sum(1 for row in figure.rows for d in row.diamonds if d.baseline and d.due > d.baseline),
    )
    answer.uploads = [Upload(figure, audience.channel_id)]
    return answer
