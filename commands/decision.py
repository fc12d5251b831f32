"""/decision: the decision log (DACI); superseded, never edited away."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from commands.common import page, program_key, scope_of, title
from commands.grammar import choice, parse_date, parse_id, parse_text, parse_user, parse_users
from commands.registry import Args, command, field_, subcommand
from commands.reply import CommandRequest, Message, Reply, post_to, reply
from store import decisions
from store.ids import Kind
from store.lookup import numbered, program_by_key
from store.models import Decision, DecisionStatus, Program

command("decision", "the decision log: who decided what, why, and what it replaced")


@subcommand(
    "decision",
    "log",
    usage='KEY Title... [decider:@u] [why:"..."] [options:"..."] [consulted:@a,@b] [informed:@a,@b] '
    '[context:"..."] [status:proposed|decided]',
    summary="Log a decision (anyone who may see the program; you are its driver). Posted to the channel.",
    fields=[
        field_("decider", parse_user),
        field_("why", parse_text),
        field_("options", parse_text),
        field_("consulted", parse_users),
        field_("informed", parse_users),
        field_("context", parse_text),
        field_("status", choice(DecisionStatus)),
    ],
    writes=True,
    examples=[
        'decision log TNS-APPEALS Prioritise suspension appeals decider:@alex why:"highest harm per hour" '
        'options:"FIFO; by severity" consulted:@lena,@sam'
    ],
)
def log(request: CommandRequest, args: Args, session: Session) -> Reply:
    program = program_by_key(session, request.actor, program_key(args))
    name = title(args, 1, "The decision", "/decision log KEY Use vendor B for EU queues")
    values = args.values
    decision = decisions.log(
        session,
        request.actor,
        program,
        title=name,
        decider_id=values.get("decider", request.actor.user_id),
        rationale=values.get("why"),
        options=values.get("options"),
        context=values.get("context"),
        consulted=values.get("consulted"),
        informed=values.get("informed"),
        status=values.get("status", DecisionStatus.DECIDED),
    )
    context = {"program": program, "decision": decision}
    posts = post_to(program.channel_id, Message("decision_post", context), f"D-{decision.number}")
    return Reply(Message("decision_logged", context), posts=posts)


@subcommand(
    "decision",
    "list",
    usage="[KEY] [q:words] [since:DATE]",
    summary="Decisions, newest first; `q:` searches titles, rationale and options.",
    fields=[field_("q", parse_text), field_("since", parse_date)],
    examples=["decision list TNS-APPEALS q:vendor", "decision list since:2026-10-01"],
)
def list_(request: CommandRequest, args: Args, session: Session) -> Reply:
    scope = scope_of(request, args, session)
    start = _start_of(args.values.get("since"), request)
    found = decisions.query(
        session, request.actor.team_id, [p.id or 0 for p in scope], words=args.values.get("q"), since=start
    )
    keys = {p.id: p.key for p in scope}
    return reply(
        "decision_list", page=page([(d, keys[d.program_id]) for d in found]), filtered=bool(args.values or args.words)
    )


@subcommand(
    "decision",
    "show",
    usage="D-n",
    summary="One decision in full, with what superseded it.",
    examples=["decision show D-4"],
    min_words=1,
    missing="Which decision? e.g. `/decision show D-4`.",
)
def show(request: CommandRequest, args: Args, session: Session) -> Reply:
    decision, program = _decision(request, args, 0, session)
    return reply("decision_show", decision=decision, program=program, successor=decisions.successor(session, decision))


@subcommand(
    "decision",
    "supersede",
    usage="D-old D-new",
    summary="Mark an older decision superseded by a later one (its decider, the program owner or an admin).",
    writes=True,
    examples=["decision supersede D-4 D-9"],
    min_words=2,
    missing="Give both decisions, e.g. `/decision supersede D-4 D-9`.",
)
def supersede(request: CommandRequest, args: Args, session: Session) -> Reply:
    old, old_program = _decision(request, args, 0, session)
    new, new_program = _decision(request, args, 1, session)
    decisions.supersede(session, request.actor, old, old_program, new, new_program)
    return reply("decision_superseded", old=old, new=new, program=old_program)


def _start_of(day: dt.date | None, request: CommandRequest) -> dt.datetime | None:
    """Midnight of `day` in the caller's time zone, as a UTC instant (None: no lower bound)."""
    if day is None:
        return None
    try:
        return dt.datetime.combine(day, dt.time(), tzinfo=request.tz).astimezone(dt.UTC)
    except OverflowError:  # e.g. since:0001-01-01 east of UTC is before the first instant: everything
        return None


def _decision(request: CommandRequest, args: Args, index: int, session: Session) -> tuple[Decision, Program]:
    return numbered(session, request.actor, Decision, Kind.DECISION, parse_id(Kind.DECISION)(args.words[index]))
