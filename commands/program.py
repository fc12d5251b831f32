"""/program: programs, their RAG status, milestones and archive."""

from __future__ import annotations

import datetime as dt
from typing import Any

from commands.common import no_words_after, program_key, title
from commands.grammar import (
    ParseContext,
    choice,
    parse_addressee,
    parse_bool,
    parse_channel,
    parse_channels,
    parse_checkin,
    parse_date,
    parse_function,
    parse_id,
    parse_text,
    parse_user,
    parse_users,
)
from commands.problems import UsageError
from commands.registry import Args, Command, field_
from commands.suggest import pick
from domain import dependencies, milestones, phases, plans, programs, stakeholders
from domain.dependencies import DependencyCreate
from domain.inputs import Input, NumberRef
from domain.messages import UseCase
from domain.milestones import MilestoneCreate, MilestoneUpdate
from domain.phases import PhaseSet
from domain.programs import ProgramCreate, ProgramEdit, ProgramQuery, ProgramRef, StatusReport
from domain.stakeholders import StakeholderAdd, StakeholderQuery, StakeholderRemove
from domain.status import DIMENSIONS
from store.ids import Kind
from store.models import Confidence, Raci, Rag

COMMAND = Command("program", "record and follow programs: status, milestones, phases, plan, archive")

PROGRAM_FIELDS = [
    field_("owner", parse_user),
    field_("channel", parse_channel),
    field_("due", parse_date),
    field_("restricted", parse_bool),
    field_("members", parse_users),
    field_("channels", parse_channels),
]


@COMMAND.sub(
    "new",
    usage="KEY Title... [owner:@u] [channel:#c] [due:DATE] [restricted:yes] [members:@a,@b] [channels:#a,#b]",
    summary="Create a program. Restricted programs are seen only by owner, members, admins and listed channels.",
    runs=programs.create,
    fields=PROGRAM_FIELDS,
    examples=["program new TNS-APPEALS Appeals SLA reduction owner:@priya channel:#tns-appeals due:2027-03-31"],
)
def new(args: Args, _ctx: ParseContext) -> ProgramCreate:
    values = args.values
    return ProgramCreate(
        key=program_key(args),
        name=title(args, 1),
        owner_id=values.get("owner"),
        channel_id=values.get("channel"),
        target_date=values.get("due"),
        restricted=values.get("restricted", False),
        members=values.get("members", []),
        allowed_channels=values.get("channels", []),
    )


@COMMAND.sub(
    "list",
    usage="[status:red|amber|green] [owner:@u|me] [all]",
    summary="Programs you may see, red first; `all` includes archived ones.",
    runs=programs.list_,
    fields=[field_("status", choice(Rag, "status")), field_("owner", parse_user)],
    flags=["all"],
    examples=["program list status:red", "program list owner:me"],
)
def list_(args: Args, _ctx: ParseContext) -> ProgramQuery:
    return ProgramQuery(
        status=args.values.get("status"), owner_id=args.values.get("owner"), include_archived="all" in args.flags
    )


@COMMAND.sub(
    "show",
    usage="KEY",
    summary="Everything about one program.",
    runs=programs.show,
    examples=["program show TNS-APPEALS"],
    min_words=1,
)
def show(args: Args, _ctx: ParseContext) -> ProgramRef:
    return ProgramRef(key=program_key(args))


DIMENSION_FIELDS = [field_(name, choice(Rag, name)) for name in DIMENSIONS]


@COMMAND.sub(
    "status",
    usage="KEY green|amber|red Summary... [schedule:|budget:|scope:|people:green|amber|red] "
    '[path:"..."] [confidence:high|medium|low] [asks:...] [ask-to:@u|Function] [ask-by:DATE]',
    summary="Report RAG status (program owner or admin); amber and red need a summary. Posted to the channel. "
    "Schedule, budget, scope and people may be rated apart: the overall status is the one given, or leave it out "
    "for the worst of them. "
    "An ask is what you need from someone (a person, or a function such as Finance) by a date.",
    runs=programs.report_status,
    fields=[
        *DIMENSION_FIELDS,
        field_("path", parse_text),
        field_("confidence", choice(Confidence, "confidence")),
        field_("asks", parse_text),
        field_("ask-to", parse_addressee),
        field_("ask-by", parse_date),
    ],
    examples=[
        "program status TNS-APPEALS amber Vendor ramp slipped a week; SLA at 41h asks:Approve 2 extra reviewers "
        "ask-to:@omar ask-by:fri",
        'program status TNS-APPEALS Vendor ramp slipped schedule:red budget:green people:amber path:"second vendor '
        'by Jan 15" confidence:medium',
    ],
    min_words=1,
)
def status(args: Args, ctx: ParseContext) -> StatusReport:
    values = args.values
    rated = {name: values[name] for name in DIMENSIONS if name in values}
    rag, summary_from = _overall(args, ctx, rated=bool(rated))
    return StatusReport(
        key=program_key(args),
        rag=rag,
        summary=args.text(summary_from),
        path_to_green=values.get("path"),
        confidence=values.get("confidence"),
        asks=values.get("asks"),
        ask_to=values.get("ask-to"),
        ask_by=values.get("ask-by"),
        **rated,
    )


def _overall(args: Args, ctx: ParseContext, *, rated: bool) -> tuple[Rag | None, int]:
    """The overall rating the text gives after the KEY and where the summary starts. With dimensions rated the
    overall one may be left out (the summary then starts at once), unless the word is a near miss (`ambr`)."""
    if len(args.words) < 2 and not rated:
        raise UsageError("missing_words", command=args.command, sub=args.sub)
    if len(args.words) < 2:
        return None, 1
    try:
        return choice(Rag, "status")(args.words[1], ctx), 2
    except UsageError as exc:
        if not rated or exc.code.endswith("_suggestion"):
            raise
        return None, 1


@COMMAND.sub(
    "milestone",
    usage="KEY Title... due:DATE [owner:@u]",
    summary="Add a milestone (program owner or admin); the owner defaults to the program owner.",
    runs=milestones.add,
    fields=[field_("due", parse_date, required=True), field_("owner", parse_user)],
    examples=["program milestone TNS-APPEALS Vendor at full capacity due:2026-12-15 owner:@marco"],
)
def milestone(args: Args, _ctx: ParseContext) -> MilestoneCreate:
    return MilestoneCreate(
        key=program_key(args), title=title(args, 1), due=args.values["due"], owner_id=args.values.get("owner")
    )


@COMMAND.sub(
    "milestone-done",
    usage="M-n",
    summary="Mark a milestone done (program owner or admin).",
    runs=milestones.complete,
    examples=["program milestone-done M-2"],
    min_words=1,
)
def milestone_done(args: Args, _ctx: ParseContext) -> NumberRef:
    return NumberRef(number=parse_id(Kind.MILESTONE)(args.words[0]))


@COMMAND.sub(
    "milestone-update",
    usage='M-n [Title...] [due:DATE] [reason:"..."]',
    summary="Rename or re-date a milestone (program owner or admin); a new date keeps the first one promised, "
    "so the slip shows, with the reason given.",
    runs=milestones.update,
    fields=[field_("due", parse_date), field_("reason", parse_text)],
    examples=[
        "program milestone-update M-1 due:Dec 18",
        'program milestone-update M-1 due:Dec 18 reason:"vendor hiring slipped"',
        "program milestone-update M-1 Routing rules live in EU",
    ],
    min_words=1,
)
def milestone_update(args: Args, _ctx: ParseContext) -> MilestoneUpdate:
    return MilestoneUpdate(
        number=parse_id(Kind.MILESTONE)(args.words[0]),
        title=args.text(1) or None,
        due=args.values.get("due"),
        reason=args.values.get("reason"),
    )


def parse_key(raw: str, _ctx: ParseContext) -> str:
    """A program KEY (`on:TNS-CLASSIFIER`)."""
    return raw.strip().upper()


def parse_milestone(raw: str, _ctx: ParseContext) -> int:
    """A milestone: M-n."""
    return parse_id(Kind.MILESTONE)(raw)


@COMMAND.sub(
    "depends",
    usage="KEY on:OTHER [milestone:M-n]",
    summary="Record that a program needs another (or one of its milestones) to deliver (program owner or admin); "
    "a slipped milestone it depends on is flagged in both programs' digests.",
    runs=dependencies.depend,
    fields=[field_("on", parse_key, required=True), field_("milestone", parse_milestone)],
    examples=["program depends TNS-ELECTION on:TNS-CLASSIFIER milestone:M-3"],
    min_words=1,
)
def depends(args: Args, _ctx: ParseContext) -> DependencyCreate:
    no_words_after(args, 1)
    return DependencyCreate(
        key=program_key(args), on_key=args.values["on"], milestone_number=args.values.get("milestone")
    )


def parse_span(raw: str, ctx: ParseContext) -> tuple[dt.date, dt.date]:
    """`START..END`: two dates (`2027-01-04..2027-03-26`, `"jan 4..mar 26"`)."""
    start, dots, end = raw.partition("..")
    if not dots or not start.strip() or not end.strip():
        raise UsageError("not_a_span", value=raw)
    return parse_date(start.strip(), ctx), parse_date(end.strip(), ctx)


@COMMAND.sub(
    "phase",
    usage='KEY Name... START..END [reason:"..."]',
    summary="Add a phase of a program's plan, or re-plan one of the same name (program owner or admin); a new "
    "span keeps the first one planned as the baseline, so the move shows, with the reason given.",
    runs=phases.set_phase,
    fields=[field_("reason", parse_text)],
    examples=[
        "program phase TNS-APPEALS Build 2027-01-04..2027-03-26",
        'program phase TNS-APPEALS Build 2027-01-04..2027-04-09 reason:"vendor ramp two weeks late"',
    ],
    min_words=3,
)
def phase(args: Args, ctx: ParseContext) -> PhaseSet:
    start, end = parse_span(args.words[-1], ctx)
    name = " ".join(args.words[1:-1])
    return PhaseSet(key=program_key(args), name=name, start=start, end=end, reason=args.values.get("reason"))


@COMMAND.sub(
    "plan",
    usage="KEY",
    summary="A program's plan: phases and milestones against their first dates (and why they moved), "
    "dependencies, and its roadmap picture.",
    runs=plans.plan,
    examples=["program plan TNS-APPEALS"],
    min_words=1,
)
def plan(args: Args, _ctx: ParseContext) -> ProgramRef:
    no_words_after(args, 1)
    return ProgramRef(key=program_key(args))


@COMMAND.sub(
    "edit",
    usage='KEY [title:"..."] [owner:@u] [channel:#c] [due:DATE] [restricted:yes|no] [members:@a,@b] [channels:#a,#b] '
    "[checkin:thu@14:00|off]",
    summary="Change a program's details (program owner or admin); members and channels replace the old lists; "
    "`checkin:` is when its owner is asked for a status (their time; weekly by default, the working day before "
    "the leadership digest at 14:00, Thursday when there is none).",
    runs=programs.edit,
    fields=[field_("title", parse_text), *PROGRAM_FIELDS, field_("checkin", parse_checkin)],
    examples=[
        "program edit TNS-HASH-MIGRATION restricted:yes members:@jun,@sam channels:#tns-hash-vendor",
        "program edit TNS-APPEALS checkin:thu@14:00",
    ],
    min_words=1,
)
def edit(args: Args, _ctx: ParseContext) -> ProgramEdit:
    if len(args.words) > 1:
        raise UsageError("edit_takes_fields")
    values = args.values
    return ProgramEdit(
        key=program_key(args),
        name=values.get("title"),
        owner_id=values.get("owner"),
        channel_id=values.get("channel"),
        target_date=values.get("due"),
        restricted=values.get("restricted"),
        members=values.get("members"),
        allowed_channels=values.get("channels"),
        checkin=values.get("checkin"),
    )


@COMMAND.sub(
    "archive",
    usage="KEY",
    summary="Archive a program (program owner or admin); nothing is deleted.",
    runs=programs.archive,
    examples=["program archive TNS-SCAMS"],
    min_words=1,
)
def archive(args: Args, _ctx: ParseContext) -> ProgramRef:
    return ProgramRef(key=program_key(args))


PEOPLE_CASES: dict[type[Input], UseCase[Any]] = {
    StakeholderQuery: stakeholders.show,
    StakeholderAdd: stakeholders.add,
    StakeholderRemove: stakeholders.remove,
}


@COMMAND.sub(
    "people",
    usage="KEY [add @u function:F [role:responsible|accountable|consulted|informed] | remove @u [function:F]]",
    summary="Who to keep informed, by function (finance, legal, product, data_science, product_safety, "
    "risk_compliance, operations, leadership), each with a RACI role (informed unless given); alone it shows the "
    "map. Changed by the program's owner, members or an admin. Decisions take their Consulted and Informed from "
    "it, and an ask to a function goes to its people.",
    runs=stakeholders.show,
    route=lambda data: PEOPLE_CASES[type(data)],
    fields=[field_("function", parse_function), field_("role", choice(Raci, "role"))],
    examples=[
        "program people TNS-APPEALS add @lena function:legal role:consulted",
        "program people TNS-APPEALS remove @lena function:legal",
        "program people TNS-APPEALS",
    ],
    min_words=1,
)
def people(args: Args, ctx: ParseContext) -> Input:
    key, values = program_key(args), args.values
    if len(args.words) == 1 and not values:
        return StakeholderQuery(key=key)
    if len(args.words) == 1:
        raise UsageError("people_needs_person", verb="add", key=key)
    verb = pick(
        args.word(1), ["add", "remove"], code="unknown_choice", field="people change", allowed=["add", "remove"]
    )
    if len(args.words) < 3:
        raise UsageError("people_needs_person", verb=verb, key=key)
    user_id = parse_user(args.words[2], ctx)
    no_words_after(args, 3)
    if verb == "remove":
        if "role" in values:
            raise UsageError("people_remove_role")
        return StakeholderRemove(key=key, user_id=user_id, function=values.get("function"))
    if "function" not in values:
        raise UsageError("field_required", field="function")
    return StakeholderAdd(key=key, user_id=user_id, function=values["function"], role=values.get("role", Raci.INFORMED))
