"""/decision: the decision log (DACI); superseded, never edited away."""

from __future__ import annotations

import datetime as dt

from commands.common import program_key, scope_key, title
from commands.grammar import ParseContext, choice, parse_id, parse_past_date, parse_text, parse_user, parse_users
from commands.registry import Args, Command, field_
from domain import decisions
from domain.decisions import DecisionCreate, DecisionEdit, DecisionQuery, DecisionSupersede
from domain.inputs import NumberRef
from store.ids import Kind
from store.models import DecisionStatus

COMMAND = Command("decision", "the decision log: who decided what, why, and what it replaced")


def _number(args: Args, index: int) -> int:
    return parse_id(Kind.DECISION)(args.words[index])


@COMMAND.sub(
    "log",
    usage='KEY Title... [decider:@u] [why:"..."] [options:"..."] [consulted:@a,@b] [informed:@a,@b] '
    '[context:"..."] [status:proposed|decided]',
    summary="Log a decision (anyone who may see the program; you are its driver). Posted to the channel. "
    "Consulted and informed left out are the program's stakeholders with those roles (`/program people`).",
    runs=decisions.log,
    fields=[
        field_("decider", parse_user),
        field_("why", parse_text),
        field_("options", parse_text),
        field_("consulted", parse_users),
        field_("informed", parse_users),
        field_("context", parse_text),
        field_("status", choice(DecisionStatus, "status")),
    ],
    examples=[
        'decision log TNS-APPEALS Prioritise suspension appeals decider:@alex why:"highest harm per hour" '
        'options:"FIFO; by severity" consulted:@lena,@sam'
    ],
)
def log(args: Args, _ctx: ParseContext) -> DecisionCreate:
    values = args.values
    return DecisionCreate(
        key=program_key(args),
        title=title(args, 1),
        decider_id=values.get("decider"),
        rationale=values.get("why"),
        options=values.get("options"),
        context=values.get("context"),
        consulted=values.get("consulted"),
        informed=values.get("informed"),
        status=values.get("status", DecisionStatus.DECIDED),
    )


@COMMAND.sub(
    "list",
    usage="[KEY] [q:words] [since:DATE]",
    summary="Decisions, newest first; `q:` searches titles, rationale and options.",
    runs=decisions.list_,
    fields=[field_("q", parse_text), field_("since", parse_past_date)],
    examples=["decision list TNS-APPEALS q:vendor", "decision list since:2026-10-01"],
)
def list_(args: Args, ctx: ParseContext) -> DecisionQuery:
    return DecisionQuery(
        key=scope_key(args), words=args.values.get("q"), since=_start_of(args.values.get("since"), ctx)
    )


@COMMAND.sub(
    "show",
    usage="D-n",
    summary="One decision in full, with what superseded it.",
    runs=decisions.show,
    examples=["decision show D-1"],
    min_words=1,
)
def show(args: Args, _ctx: ParseContext) -> NumberRef:
    return NumberRef(number=_number(args, 0))


@COMMAND.sub(
    "edit",
    usage="D-n [Title...] [why:...] [options:...] [correction:...]",
    summary="Change a decision while it is proposed (its decider, the program owner or an admin); once decided, "
    "only as a correction that says why (`correction:`), kept in its audit trail.",
    runs=decisions.edit,
    fields=[field_("why", parse_text), field_("options", parse_text), field_("correction", parse_text)],
    examples=["decision edit D-1 why:Highest harm per hour correction:the rationale was logged on the wrong decision"],
    min_words=1,
)
def edit(args: Args, _ctx: ParseContext) -> DecisionEdit:
    values = args.values
    return DecisionEdit(
        number=_number(args, 0),
        title=args.text(1) or None,
        rationale=values.get("why"),
        options=values.get("options"),
        correction=values.get("correction"),
    )


@COMMAND.sub(
    "supersede",
    usage="D-old D-new",
    summary="Mark an older decision superseded by a later one (its decider, the program owner or an admin).",
    runs=decisions.supersede,
    examples=["decision supersede D-3 D-4"],
    min_words=2,
)
def supersede(args: Args, _ctx: ParseContext) -> DecisionSupersede:
    return DecisionSupersede(old=_number(args, 0), new=_number(args, 1))


def _start_of(day: dt.date | None, ctx: ParseContext) -> dt.datetime | None:
    """Midnight of `day` in the caller's time zone, as a UTC instant (None: no lower bound)."""
    if day is None:
        return None
    try:
        return dt.datetime.combine(day, dt.time(), tzinfo=ctx.tz).astimezone(dt.UTC)
    except OverflowError:  # e.g. since:0001-01-01 east of UTC is before the first instant: everything
        return None
