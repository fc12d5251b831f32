"""/risk: the risk register (5x5 likelihood x impact)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from commands import escalate
from commands.common import page, program_key, scope_of, title
from commands.grammar import choice, parse_date, parse_id, parse_int_1_5, parse_text, parse_user
from commands.registry import Args, command, field_, subcommand
from commands.reply import CommandRequest, Message, Reply, post_to, reply
from store import risks
from store.bands import BAND_ORDER, Band, band_for, workspace_settings
from store.ids import Kind
from store.lookup import numbered, program_by_key
from store.models import Program, Risk, RiskResponse, RiskStatus

command("risk", "the risk register: 5x5 likelihood x impact, owners, reviews")

REVIEW_EVERY_DAYS = 14
ALERT_BANDS = (Band.HIGH, Band.CRITICAL)
RISK_FIELDS = [
    field_("owner", parse_user),
    field_("review", parse_date),
    field_("mitigation", parse_text),
    field_("response", choice(RiskResponse)),
    field_("category", parse_text),
    field_("trigger", parse_text),
]


@subcommand(
    "risk",
    "add",
    usage='KEY Title... likelihood:1-5 impact:1-5 [owner:@u] [review:DATE] [mitigation:"..."] '
    '[response:avoid|mitigate|transfer|accept] [category:...] [trigger:"..."]',
    summary="Add a risk (anyone who may see the program). High and critical risks are posted to the channel.",
    fields=[
        field_("likelihood", parse_int_1_5, required=True),
        field_("impact", parse_int_1_5, required=True),
        *RISK_FIELDS,
    ],
    writes=True,
    examples=[
        "risk add TNS-APPEALS Vendor cannot hire in time likelihood:4 impact:5 owner:@priya "
        'mitigation:"add a second vendor" review:+2w'
    ],
)
def add(request: CommandRequest, args: Args, session: Session) -> Reply:
    program = program_by_key(session, request.actor, program_key(args))
    name = title(args, 1, "The risk title", "/risk add KEY Vendor capacity short likelihood:3 impact:4")
    values = args.values
    risk = risks.add(
        session,
        request.actor,
        program,
        title=name,
        likelihood=values["likelihood"],
        impact=values["impact"],
        owner_id=values.get("owner", request.actor.user_id),
        review_date=values.get("review"),
        mitigation=values.get("mitigation"),
        response=values.get("response", RiskResponse.MITIGATE),
        category=values.get("category"),
        trigger=values.get("trigger"),
    )
    band = band_for(risk.score, workspace_settings(session, request.actor.team_id))
    context = {"program": program, "risk": risk, "band": band}
    answer = Reply(Message("risk_added", context))
    _announce(request, session, answer, program, risk, context, before=None, band=band)
    return answer


@subcommand(
    "risk",
    "list",
    usage="[KEY] [band:low|medium|high|critical] [owner:@u|me] [all]",
    summary="Open risks by score (highest first); `all` includes closed ones.",
    fields=[field_("band", choice(Band)), field_("owner", parse_user)],
    flags=["all"],
    examples=["risk list band:critical", "risk list TNS-APPEALS owner:me"],
)
def list_(request: CommandRequest, args: Args, session: Session) -> Reply:
    scope = scope_of(request, args, session)
    found = risks.query(
        session,
        request.actor.team_id,
        [p.id or 0 for p in scope],
        band=args.values.get("band"),
        owner_id=args.values.get("owner"),
        include_closed="all" in args.flags,
    )
    settings = workspace_settings(session, request.actor.team_id)
    keys = {p.id: p.key for p in scope}
    rows = [(r, band_for(r.score, settings), keys[r.program_id]) for r in found]
    return reply("risk_list", page=page(rows), filtered=bool(args.values or args.words), today=request.today)


@subcommand(
    "risk",
    "show",
    usage="R-n",
    summary="One risk in full.",
    examples=["risk show R-12"],
    min_words=1,
    missing="Which risk? e.g. `/risk show R-12`.",
)
def show(request: CommandRequest, args: Args, session: Session) -> Reply:
    risk, program = _risk(request, args, session)
    band = band_for(risk.score, workspace_settings(session, request.actor.team_id))
    return reply("risk_show", risk=risk, program=program, band=band, today=request.today)


@subcommand(
    "risk",
    "update",
    usage="R-n [likelihood:] [impact:] [owner:] [review:] [mitigation:] [response:] [status:open|mitigating|accepted]",
    summary="Change a risk (its owner, the program owner or an admin).",
    fields=[
        field_("likelihood", parse_int_1_5),
        field_("impact", parse_int_1_5),
        *RISK_FIELDS,
        field_("status", choice(RiskStatus)),
        field_("title", parse_text),
    ],
    writes=True,
    examples=["risk update R-12 impact:3 status:mitigating", "risk update R-12 review:+2w"],
    min_words=1,
    missing="Which risk? e.g. `/risk update R-12 impact:3`.",
)
def update(request: CommandRequest, args: Args, session: Session) -> Reply:
    risk, program = _risk(request, args, session)
    settings = workspace_settings(session, request.actor.team_id)
    before_score, before_band = risk.score, band_for(risk.score, settings)
    names = {"owner": "owner_id", "review": "review_date"}
    changes = risks.RiskChanges(**{names.get(k, k): v for k, v in args.values.items()})
    risks.update(session, request.actor, program, risk, changes)
    band = band_for(risk.score, settings)
    context = {"program": program, "risk": risk, "band": band, "before_score": before_score, "before_band": before_band}
    answer = Reply(Message("risk_updated", context))
    _announce(request, session, answer, program, risk, context, before=before_band, band=band)
    return answer


@subcommand(
    "risk",
    "close",
    usage="R-n Reason...",
    summary="Close a risk with a reason (its owner, the program owner or an admin); it stays on record.",
    writes=True,
    examples=["risk close R-12 Second vendor signed and staffed"],
    min_words=1,
    missing="Which risk? e.g. `/risk close R-12 Second vendor signed`.",
)
def close(request: CommandRequest, args: Args, session: Session) -> Reply:
    risk, program = _risk(request, args, session)
    risks.close(session, request.actor, program, risk, reason=args.text(1))
    escalate.resolve(request, session, kind=escalate.RISK_CRITICAL, program=program, entity_ref=f"R-{risk.number}")
    return reply("risk_closed", risk=risk, program=program)


@subcommand(
    "risk",
    "review",
    usage="R-n [next:DATE]",
    summary="Record a review that keeps the scores; the next review defaults to two weeks on.",
    fields=[field_("next", parse_date)],
    writes=True,
    examples=["risk review R-12", "risk review R-12 next:+1w"],
    min_words=1,
    missing="Which risk? e.g. `/risk review R-12`.",
)
def review(request: CommandRequest, args: Args, session: Session) -> Reply:
    risk, program = _risk(request, args, session)
    next_review = args.values.get("next", request.today + dt.timedelta(days=REVIEW_EVERY_DAYS))
    risks.mark_reviewed(session, request.actor, program, risk, next_review=next_review)
    return reply("risk_reviewed", risk=risk, program=program)


def _risk(request: CommandRequest, args: Args, session: Session) -> tuple[Risk, Program]:
    return numbered(session, request.actor, Risk, Kind.RISK, parse_id(Kind.RISK)(args.words[0]))


def _announce(
    request: CommandRequest,
    session: Session,
    answer: Reply,
    program: Program,
    risk: Risk,
    context: dict[str, object],
    *,
    before: Band | None,
    band: Band,
) -> None:
    """Post a risk that rose to high to the channel; alert on one that became critical; resolve on a fall."""
    label = f"R-{risk.number}"
    rose = before is None or BAND_ORDER.index(band) > BAND_ORDER.index(before)
    post = Message("risk_post", context)
    if (
        band == Band.CRITICAL
        and rose
        and escalate.raise_alert(
            request, session, answer, kind=escalate.RISK_CRITICAL, program=program, entity_ref=label, body=post
        )
    ):
        return
    if band != Band.CRITICAL:
        escalate.resolve(request, session, kind=escalate.RISK_CRITICAL, program=program, entity_ref=label)
    if band in ALERT_BANDS and rose:
        answer.posts = post_to(program.channel_id, post, label)
