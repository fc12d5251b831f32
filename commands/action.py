"""/action: owners' commitments with due dates."""

from __future__ import annotations

from commands.common import program_key, scope_key, title
from commands.grammar import ParseContext, parse_date, parse_id, parse_user
from commands.registry import Args, Command, field_
from domain import actions
from domain.actions import ActionCreate, ActionQuery, ActionSnooze, ActionUpdate
from domain.inputs import NumberRef
from store.ids import Kind

COMMAND = Command("action", "action items: one owner, a due date, linked to a risk, a decision or an issue")


def _number(args: Args) -> int:
    return parse_id(Kind.ACTION)(args.words[0])


@COMMAND.sub(
    "add",
    usage="KEY Title... owner:@u due:DATE [risk:R-n] [decision:D-n] [issue:I-n]",
    summary="Add an action (anyone who may see the program).",
    runs=actions.add,
    fields=[
        field_("owner", parse_user, required=True),
        field_("due", parse_date, required=True),
        field_("risk", lambda raw, _ctx: parse_id(Kind.RISK)(raw)),
        field_("decision", lambda raw, _ctx: parse_id(Kind.DECISION)(raw)),
        field_("issue", lambda raw, _ctx: parse_id(Kind.ISSUE)(raw)),
    ],
    examples=["action add TNS-APPEALS Send overtime request to Finance owner:@omar due:fri risk:R-1"],
)
def add(args: Args, _ctx: ParseContext) -> ActionCreate:
    values = args.values
    return ActionCreate(
        key=program_key(args),
        title=title(args, 1),
        owner_id=values["owner"],
        due=values["due"],
        risk=values.get("risk"),
        decision=values.get("decision"),
        issue=values.get("issue"),
    )


@COMMAND.sub(
    "list",
    usage="[KEY] [owner:@u|me] [overdue] [all]",
    summary="Open actions by due date; `overdue` only late ones, `all` includes done ones.",
    runs=actions.list_,
    fields=[field_("owner", parse_user)],
    flags=["overdue", "all"],
    examples=["action list owner:me", "action list TNS-APPEALS overdue"],
)
def list_(args: Args, _ctx: ParseContext) -> ActionQuery:
    return ActionQuery(
        key=scope_key(args),
        owner_id=args.values.get("owner"),
        overdue="overdue" in args.flags,
        include_done="all" in args.flags,
    )


@COMMAND.sub(
    "done",
    usage="A-n",
    summary="Mark an action done (its owner, the program owner or an admin).",
    runs=actions.complete,
    examples=["action done A-2"],
    min_words=1,
)
def done(args: Args, _ctx: ParseContext) -> NumberRef:
    return NumberRef(number=_number(args))


@COMMAND.sub(
    "update",
    usage="A-n [Title...] [owner:@u] [due:DATE]",
    summary="Change an action's title, owner or due date (its owner, the program owner or an admin); "
    "a new owner is told by DM.",
    runs=actions.update,
    fields=[field_("owner", parse_user), field_("due", parse_date)],
    examples=["action update A-1 due:next friday", "action update A-1 Send the revised request owner:@omar"],
    min_words=1,
)
def update(args: Args, _ctx: ParseContext) -> ActionUpdate:
    return ActionUpdate(
        number=_number(args), title=args.text(1) or None, owner_id=args.values.get("owner"), due=args.values.get("due")
    )


@COMMAND.sub(
    "reopen",
    usage="A-n",
    summary="Undo done: the action is open again (its owner, the program owner or an admin).",
    runs=actions.reopen,
    examples=["action reopen A-1"],
    min_words=1,
)
def reopen(args: Args, _ctx: ParseContext) -> NumberRef:
    return NumberRef(number=_number(args))


@COMMAND.sub(
    "snooze",
    usage="A-n until:DATE",
    summary="Hold reminders for an action until a date (its owner, the program owner or an admin).",
    runs=actions.snooze,
    fields=[field_("until", parse_date, required=True)],
    examples=["action snooze A-2 until:+3d"],
    min_words=1,
)
def snooze(args: Args, _ctx: ParseContext) -> ActionSnooze:
    return ActionSnooze(number=_number(args), until=args.values["until"])
