"""/program: programs, their RAG status, milestones and archive."""

from __future__ import annotations

from commands.common import program_key, title
from commands.grammar import (
    ParseContext,
    UsageError,
    choice,
    parse_bool,
    parse_channel,
    parse_channels,
    parse_date,
    parse_id,
    parse_text,
    parse_user,
    parse_users,
)
from commands.registry import Args, Command, field_
from domain import milestones, programs
from domain.inputs import NumberRef
from domain.milestones import MilestoneCreate, MilestoneReplan
from domain.programs import ProgramCreate, ProgramEdit, ProgramQuery, ProgramRef, StatusReport
from store.ids import Kind
from store.models import Rag

COMMAND = Command("program", "record and follow programs: status, milestones, archive")

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
    fields=[field_("status", choice(Rag)), field_("owner", parse_user)],
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


@COMMAND.sub(
    "status",
    usage='KEY green|amber|red Summary... [asks:"..."]',
    summary="Report RAG status (program owner or admin); amber and red need a summary. Posted to the channel.",
    runs=programs.report_status,
    fields=[field_("asks", parse_text)],
    examples=['program status TNS-APPEALS amber Vendor ramp slipped a week asks:"2 extra reviewers"'],
    min_words=2,
)
def status(args: Args, _ctx: ParseContext) -> StatusReport:
    word = args.words[1]
    try:
        rag = Rag(word.lower())
    except ValueError:
        raise UsageError("not_a_status", word=word) from None
    return StatusReport(key=program_key(args), rag=rag, summary=args.text(2), asks=args.values.get("asks"))


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
    examples=["program milestone-done M-3"],
    min_words=1,
)
def milestone_done(args: Args, _ctx: ParseContext) -> NumberRef:
    return NumberRef(number=parse_id(Kind.MILESTONE)(args.words[0]))


@COMMAND.sub(
    "edit",
    usage='KEY [title:"..."] [owner:@u] [channel:#c] [due:DATE] [restricted:yes|no] [members:@a,@b] [channels:#a,#b]',
    summary="Change a program's details (program owner or admin); members and channels replace the old lists.",
    runs=programs.edit,
    fields=[field_("title", parse_text), *PROGRAM_FIELDS],
    examples=["program edit TNS-HASH restricted:yes members:@jun,@sam channels:#tns-hash-vendor"],
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
    )


@COMMAND.sub(
    "archive",
    usage="KEY",
    summary="Archive a program (program owner or admin); nothing is deleted.",
    runs=programs.archive,
    examples=["program archive TNS-OLD"],
    min_words=1,
)
def archive(args: Args, _ctx: ParseContext) -> ProgramRef:
    return ProgramRef(key=program_key(args))


@COMMAND.sub(
    "milestone-move",
    usage="M-n due:DATE",
    summary="Re-plan a milestone (program owner or admin); the date first planned is kept, so slips show.",
    runs=milestones.replan,
    fields=[field_("due", parse_date, required=True)],
    examples=["program milestone-move M-3 due:2027-01-15"],
    min_words=1,
)
def milestone_move(args: Args, _ctx: ParseContext) -> MilestoneReplan:
    return MilestoneReplan(number=parse_id(Kind.MILESTONE)(args.words[0]), due=args.values["due"])
