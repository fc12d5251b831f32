"""/risk: the risk register (5x5 likelihood x impact)."""

from __future__ import annotations

from commands.common import program_key, scope_key, title
from commands.grammar import ParseContext, choice, parse_date, parse_id, parse_int_1_5, parse_text, parse_user
from commands.problems import UsageError
from commands.registry import Args, Command, field_
from domain import risks
from domain.bands import Band
from domain.inputs import NumberRef
from domain.risks import RiskClose, RiskCreate, RiskQuery, RiskReview, RiskUpdate
from store.ids import Kind
from store.models import RiskResponse, RiskStatus

COMMAND = Command("risk", "the risk register: 5x5 likelihood x impact, owners, reviews")

RISK_FIELDS = [
    field_("owner", parse_user),
    field_("review", parse_date),
    field_("mitigation", parse_text),
    field_("response", choice(RiskResponse, "response")),
    field_("category", parse_text),
    field_("trigger", parse_text),
]
FIELD_NAMES = {"owner": "owner_id", "review": "review_date"}  # grammar field -> input field


def _risk_number(args: Args) -> int:
    return parse_id(Kind.RISK)(args.words[0])


@COMMAND.sub(
    "add",
    usage='KEY Title... likelihood:1-5 impact:1-5 [owner:@u] [review:DATE] [mitigation:"..."] '
    '[response:avoid|mitigate|transfer|accept] [category:...] [trigger:"..."]',
    summary="Add a risk (anyone who may see the program). High and critical risks are posted to the channel.",
    runs=risks.add,
    fields=[
        field_("likelihood", parse_int_1_5, required=True),
        field_("impact", parse_int_1_5, required=True),
        *RISK_FIELDS,
    ],
    examples=[
        "risk add TNS-APPEALS Vendor cannot hire in time likelihood:4 impact:5 owner:@priya "
        'mitigation:"add a second vendor" review:+2w'
    ],
)
def add(args: Args, _ctx: ParseContext) -> RiskCreate:
    values = {FIELD_NAMES.get(k, k): v for k, v in args.values.items()}
    return RiskCreate(key=program_key(args), title=title(args, 1), **values)


@COMMAND.sub(
    "list",
    usage="[KEY] [band:low|medium|high|critical] [owner:@u|me] [all]",
    summary="Open risks by score (highest first); `all` includes closed ones.",
    runs=risks.list_,
    fields=[field_("band", choice(Band, "band")), field_("owner", parse_user)],
    flags=["all"],
    examples=["risk list band:critical", "risk list TNS-APPEALS owner:me"],
)
def list_(args: Args, _ctx: ParseContext) -> RiskQuery:
    return RiskQuery(
        key=scope_key(args),
        band=args.values.get("band"),
        owner_id=args.values.get("owner"),
        include_closed="all" in args.flags,
    )


@COMMAND.sub("show", usage="R-n", summary="One risk in full.", runs=risks.show, examples=["risk show R-1"], min_words=1)
def show(args: Args, _ctx: ParseContext) -> NumberRef:
    return NumberRef(number=_risk_number(args))


@COMMAND.sub(
    "update",
    usage="R-n [Title...] [likelihood:] [impact:] [owner:] [review:] [mitigation:] [response:] "
    "[status:open|mitigating|accepted]",
    summary="Change a risk (its owner, the program owner or an admin); words after R-n are its new title; "
    "a new owner is told by DM.",
    runs=risks.update,
    fields=[
        field_("likelihood", parse_int_1_5),
        field_("impact", parse_int_1_5),
        *RISK_FIELDS,
        field_("status", choice(RiskStatus, "status")),
        field_("title", parse_text),
    ],
    examples=["risk update R-1 impact:3 status:mitigating", "risk update R-1 review:+2w"],
    min_words=1,
)
def update(args: Args, _ctx: ParseContext) -> RiskUpdate:
    values = {FIELD_NAMES.get(k, k): v for k, v in args.values.items()}
    if args.text(1):
        if "title" in values:
            raise UsageError("title_twice")
        values["title"] = args.text(1)
    return RiskUpdate(number=_risk_number(args), **values)


@COMMAND.sub(
    "reopen",
    usage="R-n",
    summary="Undo a close: the risk is open again with its scores (its owner, the program owner or an admin).",
    runs=risks.reopen,
    examples=["risk reopen R-1"],
    min_words=1,
)
def reopen(args: Args, _ctx: ParseContext) -> NumberRef:
    return NumberRef(number=_risk_number(args))


@COMMAND.sub(
    "close",
    usage="R-n Reason...",
    summary="Close a risk with a reason (its owner, the program owner or an admin); it stays on record.",
    runs=risks.close,
    examples=["risk close R-1 Second vendor signed and staffed"],
    min_words=1,
)
def close(args: Args, _ctx: ParseContext) -> RiskClose:
    return RiskClose(number=_risk_number(args), reason=args.text(1))


@COMMAND.sub(
    "review",
    usage="R-n [next:DATE]",
    summary="Record a review that keeps the scores; the next review defaults to two weeks on.",
    runs=risks.review,
    fields=[field_("next", parse_date)],
    examples=["risk review R-1", "risk review R-1 next:+1w"],
    min_words=1,
)
def review(args: Args, _ctx: ParseContext) -> RiskReview:
    return RiskReview(number=_risk_number(args), next_review=args.values.get("next"))
