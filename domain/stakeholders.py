"""Stakeholders: who to keep informed around a program, by function (Finance, Legal, ...), each with a RACI role.

The map gives decisions their default Consulted and Informed, resolves an ask to a function ("ask Finance") to the
program's people of that function, and is shown in `/program people KEY` and the App Home. Only people who may see
a program are ever told of it."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session

from domain.access import Actor, may_see, require_cleared
from domain.context import Context
from domain.errors import Conflict, Invalid
from domain.inputs import Input
from domain.lookup import program, program_to_change
from domain.messages import Reply, reply, use_case
from store import stakeholders
from store.models import Ask, Program, Raci, Stakeholder, StakeholderFunction

# Other ways people write a function's name (`ds`, `Risk & Compliance`, `T&S ops`), after lower-casing and turning
# everything but letters and digits into `_`.
ALIASES = {
    "ds": StakeholderFunction.DATA_SCIENCE,
    "data": StakeholderFunction.DATA_SCIENCE,
    "data_scientists": StakeholderFunction.DATA_SCIENCE,
    "risk": StakeholderFunction.RISK_COMPLIANCE,
    "compliance": StakeholderFunction.RISK_COMPLIANCE,
    "risk_and_compliance": StakeholderFunction.RISK_COMPLIANCE,
    "rc": StakeholderFunction.RISK_COMPLIANCE,
    "safety": StakeholderFunction.PRODUCT_SAFETY,
    "product_safety_policy": StakeholderFunction.PRODUCT_SAFETY,
    "ops": StakeholderFunction.OPERATIONS,
    "lead": StakeholderFunction.LEADERSHIP,
    "leaders": StakeholderFunction.LEADERSHIP,
    "exec": StakeholderFunction.LEADERSHIP,
    "execs": StakeholderFunction.LEADERSHIP,
    "fin": StakeholderFunction.FINANCE,
    "pm": StakeholderFunction.PRODUCT,
}


def function_named(text: str) -> StakeholderFunction | None:
    """The function a name means (`Finance`, `data science`, `Risk & Compliance`, `ds`), or None."""
    word = re.sub(r"[^a-z0-9]+", "_", text.lower().replace("&", " and ")).strip("_")
    word = word.replace("_and_", "_") if word not in ALIASES else word
    try:
        return StakeholderFunction(word)
    except ValueError:
        return ALIASES.get(word)


@dataclass(frozen=True)
class StakeholderMap:
    """A program's stakeholders, grouped by function in the functions' order."""

    program: Program
    people: list[Stakeholder]

    @property
    def by_function(self) -> list[tuple[StakeholderFunction, list[Stakeholder]]]:
        grouped: dict[StakeholderFunction, list[Stakeholder]] = defaultdict(list)
        for person in self.people:
            grouped[person.function].append(person)
        return [(function, grouped[function]) for function in StakeholderFunction if function in grouped]

    def with_role(self, role: Raci) -> list[str]:
        """The people with `role` in any function who may see the program, each once, in order."""
        return list(dict.fromkeys(p.user_id for p in self.people if p.role == role and _cleared(self.program, p)))

    def of_function(self, function: StakeholderFunction) -> list[str]:
        """The people of `function` who may see the program, each once."""
        return list(
            dict.fromkeys(p.user_id for p in self.people if p.function == function and _cleared(self.program, p))
        )


def _cleared(owning: Program, person: Stakeholder) -> bool:
    return may_be_told(owning, person.user_id)


def may_be_told(owning: Program, user_id: str) -> bool:
    """Whether a DM to the person may name the program: they may see it without being an admin."""
    return may_see(Actor(team_id=owning.team_id, user_id=user_id), owning)


def maps_for(session: Session, program_list: list[Program]) -> dict[int, StakeholderMap]:
    """Each program's stakeholder map, in one query."""
    grouped: dict[int, list[Stakeholder]] = {p.id: [] for p in program_list if p.id is not None}
    for person in stakeholders.for_programs(session, list(grouped)):
        grouped[person.program_id].append(person)
    return {p.id: StakeholderMap(p, grouped[p.id]) for p in program_list if p.id is not None}


def addressees(session: Session, asked: list[Ask], by_id: dict[int | None, Program]) -> dict[int, list[str]]:
    """Who each ask to a function is for: its program's people of that function (who may see it), by ask id; none
    when the function is unknown or has no one (the program's owner then chases it). One query, none without such
    an ask."""
    to_functions = [(a, function_named(a.to_function)) for a in asked if a.to_function and a.id is not None]
    wanted = [(a, f) for a, f in to_functions if f is not None]
    if not wanted:
        return {}
    maps = maps_for(session, list({a.program_id: by_id[a.program_id] for a, _f in wanted}.values()))
    return {a.id or 0: maps[a.program_id].of_function(f) for a, f in wanted}


class StakeholderAdd(Input):
    """`user_id` joins the program's `function` as `role` (or takes that role, when already there)."""

    key: str
    user_id: str
    function: StakeholderFunction
    role: Raci


class StakeholderRemove(Input):
    """`user_id` leaves `function`, or every function of the program when None."""

    key: str
    user_id: str
    function: StakeholderFunction | None = None


class StakeholderQuery(Input):
    key: str


def _label(owning: Program, user_id: str, function: StakeholderFunction) -> str:
    return f"{owning.key}/{function.value}/{user_id}"


@use_case(writes=True)
def add(ctx: Context, data: StakeholderAdd) -> Reply:
    """Add a person to a function of the program with a RACI role, or change their role there (the program's
    owner, members or an admin); on a restricted program they must be its owner or a member."""
    owning = program_to_change(ctx.session, ctx.actor, data.key, "edit_people", members=True)
    require_cleared(ctx.actor, owning, data.user_id, "stakeholder")
    rows = {row.function: row for row in stakeholders.of_person(ctx.session, owning.id or 0, data.user_id)}
    row = rows.get(data.function)
    label = _label(owning, data.user_id, data.function)
    if row is None:
        row = Stakeholder(
            team_id=ctx.team_id,
            program_id=owning.id or 0,
            user_id=data.user_id,
            function=data.function,
            role=data.role,
            updated_by=ctx.actor.user_id,
        )
        ctx.created(row, "stakeholder", label, owning)
    elif row.removed_at is None and row.role == data.role:
        raise Conflict("stakeholder_unchanged", user=data.user_id, function=data.function.value, key=owning.key)
    else:
        with ctx.changing(row, "stakeholder", label, "add" if row.removed_at else "role", owning):
            row.role, row.removed_at = data.role, None
            row.updated_by, row.updated_at = ctx.actor.user_id, ctx.now
    ctx.session.flush()
    return reply("people_changed", m=maps_for(ctx.session, [owning])[owning.id or 0], added=row)


@use_case(writes=True)
def remove(ctx: Context, data: StakeholderRemove) -> Reply:
    """Take a person off one function of the program, or off all of them (the program's owner, members or an
    admin); the rows are kept, marked removed."""
    owning = program_to_change(ctx.session, ctx.actor, data.key, "edit_people", members=True)
    current = [r for r in stakeholders.of_person(ctx.session, owning.id or 0, data.user_id) if r.removed_at is None]
    leaving = [r for r in current if data.function is None or r.function == data.function]
    if not leaving:
        raise Invalid(
            "stakeholder_not_there",
            field="user_id",
            user=data.user_id,
            function=data.function.value if data.function else None,
            key=owning.key,
            functions=[r.function.value for r in current],
        )
    for row in leaving:
        with ctx.changing(row, "stakeholder", _label(owning, row.user_id, row.function), "remove", owning):
            row.removed_at, row.updated_by, row.updated_at = ctx.now, ctx.actor.user_id, ctx.now
    ctx.session.flush()
    return reply(
        "people_changed", m=maps_for(ctx.session, [owning])[owning.id or 0], removed=[r.function for r in leaving]
    )


@use_case(writes=False)
def show(ctx: Context, data: StakeholderQuery) -> Reply:
    """A program's stakeholders, grouped by function (anyone who may see the program)."""
    found = program(ctx.session, ctx.actor, data.key)
    return reply("people_show", m=maps_for(ctx.session, [found])[found.id or 0], functions=list(StakeholderFunction))
