"""Resourcing: a program's planned and filled headcount by role, each role in a function (Operations, Data
Science, ...) when one is given. Less of the plan filled than the workspace's
threshold (default 80%) is a people reason in the program's evidence and in the watermelon check."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from domain.budget import percent
from domain.context import Context
from domain.errors import Conflict, Invalid
from domain.inputs import Input
from domain.lookup import program, program_to_change
from domain.messages import Reply, reply, use_case
from domain.spelling import did_you_mean
from store import programs, staffing
from store.models import Program, StaffingLine, StakeholderFunction
from store.settings import workspace_settings

MAX_HEADCOUNT = 100_000


def planned_headcount(lines: list[StaffingLine]) -> int:
    return sum(line.planned for line in lines)


def filled_headcount(lines: list[StaffingLine]) -> int:
    """Filled headcount, counting no role past its plan (a surplus of one role does not staff another)."""
    return sum(min(line.filled, line.planned) for line in lines)


@dataclass(frozen=True)
class StaffingFacts:
    """A program's staffing lines (by role) and the workspace's threshold for a people reason."""

    program: Program
    lines: list[StaffingLine]
    threshold_pct: int

    @property
    def planned(self) -> int:
        return planned_headcount(self.lines)

    @property
    def filled(self) -> int:
        return filled_headcount(self.lines)

    @property
    def filled_pct(self) -> int | None:
        return percent(self.filled, self.planned) if self.planned else None

    @property
    def by_function(self) -> list[FunctionStaffing]:
        """The lines grouped by function, in the functions' order; roles in no function last."""
        order = [f.value for f in StakeholderFunction]
        names = sorted({line.function for line in self.lines}, key=lambda f: order.index(f) if f else len(order))
        return [FunctionStaffing(name, [line for line in self.lines if line.function == name]) for name in names]

    @property
    def short(self) -> bool:
        """Less of the plan filled than the threshold (integers: no rounding on the edge)."""
        return self.planned > 0 and self.filled * 100 < self.planned * self.threshold_pct


@dataclass(frozen=True)
class FunctionStaffing:
    """The roles of one function (None: roles given no function) and how filled they are."""

    function: str | None
    lines: list[StaffingLine]

    @property
    def planned(self) -> int:
        return planned_headcount(self.lines)

    @property
    def filled(self) -> int:
        return filled_headcount(self.lines)


def staffing_for(session: Session, team_id: str, program_list: list[Program]) -> dict[int, StaffingFacts]:
    """Each program's staffing, in one query."""
    threshold = workspace_settings(session, team_id).staffing_threshold_pct
    grouped: dict[int, list[StaffingLine]] = {p.id: [] for p in program_list if p.id is not None}
    for line in staffing.lines_for(session, list(grouped)):
        grouped[line.program_id].append(line)
    return {p.id: StaffingFacts(p, grouped[p.id], threshold) for p in program_list if p.id is not None}


class StaffChange(Input):
    """Headcount by role (`reviewers: 40`), planned or filled."""

    key: str
    counts: dict[str, int]
    function: StakeholderFunction | None = None  # the function the roles sit in (plan only)


class StaffQuery(Input):
    key: str


def _check(counts: dict[str, int]) -> None:
    if not counts:
        raise Invalid("staff_needs_counts", field="counts")
    for role, count in counts.items():
        if not 0 <= count <= MAX_HEADCOUNT:
            raise Invalid("headcount_out_of_range", field="counts", role=role, value=count)


@use_case(writes=True)
def plan(ctx: Context, data: StaffChange) -> Reply:
    """Set the planned headcount of some roles, and the function they sit in when given (program owner or
    admin); a new role starts with none filled."""
    owning = program_to_change(ctx.session, ctx.actor, data.key, "plan_staff")
    _check(data.counts)
    programs.hold(ctx.session, owning.id or 0)
    existing = {line.role: line for line in staffing.lines_for(ctx.session, [owning.id or 0])}
    changed = False
    function = data.function.value if data.function else None
    for role, count in data.counts.items():
        line = existing.get(role)
        label = f"{owning.key}/{role}"
        if line is None:
            line = StaffingLine(
                team_id=ctx.team_id,
                program_id=owning.id or 0,
                role=role,
                planned=count,
                function=function,
                updated_by=ctx.actor.user_id,
            )
            ctx.created(line, "staffing", label, owning)
            changed = True
        elif line.planned != count or (function is not None and line.function != function):
            with ctx.changing(line, "staffing", label, "plan", owning):
                line.planned, line.updated_by, line.updated_at = count, ctx.actor.user_id, ctx.now
                line.function = function or line.function
            changed = True
    if not changed:
        raise Conflict("staff_unchanged", key=owning.key)
    ctx.session.flush()
    return reply("staff_changed", s=staffing_for(ctx.session, ctx.team_id, [owning])[owning.id or 0], planned=True)


@use_case(writes=True)
def fill(ctx: Context, data: StaffChange) -> Reply:
    """Set the filled headcount of planned roles (program owner or admin)."""
    owning = program_to_change(ctx.session, ctx.actor, data.key, "fill_staff")
    _check(data.counts)
    programs.hold(ctx.session, owning.id or 0)
    existing = {line.role: line for line in staffing.lines_for(ctx.session, [owning.id or 0])}
    for role in data.counts:
        if role not in existing:
            raise Invalid(
                "staff_role_unplanned",
                field="counts",
                role=role,
                key=owning.key,
                suggestion=did_you_mean(role, existing),
            )
    changed = False
    for role, count in data.counts.items():
        line = existing[role]
        if line.filled != count:
            with ctx.changing(line, "staffing", f"{owning.key}/{role}", "fill", owning):
                line.filled, line.updated_by, line.updated_at = count, ctx.actor.user_id, ctx.now
            changed = True
    if not changed:
        raise Conflict("staff_unchanged", key=owning.key)
    ctx.session.flush()
    return reply("staff_changed", s=staffing_for(ctx.session, ctx.team_id, [owning])[owning.id or 0], planned=False)


@use_case(writes=False)
def show(ctx: Context, data: StaffQuery) -> Reply:
    """A program's staffing by role."""
    found = program(ctx.session, ctx.actor, data.key)
    return reply("staff_show", s=staffing_for(ctx.session, ctx.team_id, [found])[found.id or 0])
