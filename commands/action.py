"""/action: owners' commitments with due dates."""

from __future__ import annotations

from sqlmodel import Session

from commands.common import page, program_key, scope_of, title
from commands.grammar import parse_date, parse_id, parse_user
from commands.registry import Args, command, field_, subcommand
from commands.reply import CommandRequest, Reply, reply
from store import actions
from store.ids import Kind
from store.lookup import numbered, program_by_key
from store.models import Action, Decision, Program, Risk

command("action", "action items: one owner, a due date, linked to a risk or a decision")


@subcommand(
    "action",
    "add",
    usage="KEY Title... owner:@u due:DATE [risk:R-n] [decision:D-n]",
    summary="Add an action (anyone who may see the program).",
    fields=[
        field_("owner", parse_user, required=True),
        field_("due", parse_date, required=True),
        field_("risk", lambda raw, _ctx: parse_id(Kind.RISK)(raw)),
        field_("decision", lambda raw, _ctx: parse_id(Kind.DECISION)(raw)),
    ],
    writes=True,
    examples=["action add TNS-APPEALS Send overtime request to Finance owner:@omar due:fri risk:R-12"],
)
def add(request: CommandRequest, args: Args, session: Session) -> Reply:
    program = program_by_key(session, request.actor, program_key(args))
    name = title(args, 1, "The action title", "/action add KEY Draft the SOW owner:@ana due:fri")
    risk = decision = None
    if "risk" in args.values:
        risk, _ = numbered(session, request.actor, Risk, Kind.RISK, args.values["risk"])
    if "decision" in args.values:
        decision, _ = numbered(session, request.actor, Decision, Kind.DECISION, args.values["decision"])
    action = actions.add(
        session,
        request.actor,
        program,
        title=name,
        owner_id=args.values["owner"],
        due=args.values["due"],
        risk=risk,
        decision=decision,
    )
    return reply("action_added", action=action, program=program, risk=risk, decision=decision, today=request.today)


@subcommand(
    "action",
    "list",
    usage="[KEY] [owner:@u|me] [overdue] [all]",
    summary="Open actions by due date; `overdue` only late ones, `all` includes done ones.",
    fields=[field_("owner", parse_user)],
    flags=["overdue", "all"],
    examples=["action list owner:me", "action list TNS-APPEALS overdue"],
)
def list_(request: CommandRequest, args: Args, session: Session) -> Reply:
    scope = scope_of(request, args, session)
    found = actions.query(
        session,
        request.actor.team_id,
        [p.id or 0 for p in scope],
        owner_id=args.values.get("owner"),
        overdue_on=request.today if "overdue" in args.flags else None,
        include_done="all" in args.flags,
    )
    keys = {p.id: p.key for p in scope}
    rows = [(a, keys[a.program_id], actions.is_overdue(a, request.today)) for a in found]
    return reply("action_list", page=page(rows), filtered=bool(args.values or args.words or args.flags))


@subcommand(
    "action",
    "done",
    usage="A-n",
    summary="Mark an action done (its owner, the program owner or an admin).",
    writes=True,
    examples=["action done A-7"],
    min_words=1,
    missing="Which action? e.g. `/action done A-7`.",
)
def done(request: CommandRequest, args: Args, session: Session) -> Reply:
    action, program = _action(request, args, session)
    actions.complete(session, request.actor, program, action)
    return reply("action_done", action=action, program=program, late=(request.today - action.due).days)


@subcommand(
    "action",
    "snooze",
    usage="A-n until:DATE",
    summary="Hold reminders for an action until a date (its owner, the program owner or an admin).",
    fields=[field_("until", parse_date, required=True)],
    writes=True,
    examples=["action snooze A-7 until:+3d"],
    min_words=1,
    missing="Which action? e.g. `/action snooze A-7 until:mon`.",
)
def snooze(request: CommandRequest, args: Args, session: Session) -> Reply:
    action, program = _action(request, args, session)
    actions.snooze(session, request.actor, program, action, until=args.values["until"], today=request.today)
    return reply("action_snoozed", action=action, program=program)


def _action(request: CommandRequest, args: Args, session: Session) -> tuple[Action, Program]:
    return numbered(session, request.actor, Action, Kind.ACTION, parse_id(Kind.ACTION)(args.words[0]))
