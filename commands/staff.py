"""/staff: a program's planned and filled headcount by role."""

from __future__ import annotations

import re

from commands.common import program_key
from commands.grammar import ParseContext, parse_function
from commands.problems import UsageError
from commands.registry import Args, Command, field_
from domain import staffing
from domain.staffing import StaffChange, StaffQuery

COMMAND = Command("staff", "a program's planned and filled headcount by role")
COUNT = re.compile(r"([A-Za-z][A-Za-z0-9_-]{0,39}):(\d{1,6})")


def counts(args: Args) -> dict[str, int]:
    """`reviewers:40 ds:2` after the KEY -> {"reviewers": 40, "ds": 2} (roles in lower case)."""
    found: dict[str, int] = {}
    for word in args.words[1:]:
        match = COUNT.fullmatch(word)
        if match is None:
            raise UsageError("not_a_headcount", value=word)
        role = match.group(1).lower()
        if role in found:
            raise UsageError("field_twice", field=role)
        found[role] = int(match.group(2))
    return found


@COMMAND.sub(
    "plan",
    usage="KEY ROLE:N [ROLE:N ...] [function:FUNCTION]",
    summary="Set the planned headcount by role (program owner or admin); `function:` puts the roles in a function "
    "(operations, data science, ...).",
    runs=staffing.plan,
    fields=[field_("function", parse_function)],
    examples=[
        "staff plan TNS-APPEALS reviewers:40 qa:4 function:operations",
        "staff plan TNS-APPEALS ds:2 function:ds",
    ],
    min_words=2,
)
def plan(args: Args, _ctx: ParseContext) -> StaffChange:
    return StaffChange(key=program_key(args), counts=counts(args), function=args.values.get("function"))


@COMMAND.sub(
    "fill",
    usage="KEY ROLE:N [ROLE:N ...]",
    summary="Set how many of a planned role are filled (program owner or admin).",
    runs=staffing.fill,
    examples=["staff fill TNS-APPEALS reviewers:24"],
    min_words=2,
)
def fill(args: Args, _ctx: ParseContext) -> StaffChange:
    return StaffChange(key=program_key(args), counts=counts(args))


@COMMAND.sub(
    "show",
    usage="KEY",
    summary="A program's staffing by role, planned against filled.",
    runs=staffing.show,
    examples=["staff show TNS-APPEALS"],
    min_words=1,
)
def show(args: Args, _ctx: ParseContext) -> StaffQuery:
    return StaffQuery(key=program_key(args))
