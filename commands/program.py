"""/program: programs, their RAG status, milestones and archive."""

from __future__ import annotations

from sqlmodel import Session

from commands import escalate
from commands.common import page, program_key, title
from commands.grammar import (
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
from commands.registry import Args, command, field_, subcommand
from commands.reply import CommandRequest, Message, Reply, post_to, reply
from store import actions, decisions, milestones, programs, risks
from store.bands import band_for, workspace_settings
from store.ids import Kind
from store.lookup import numbered, program_by_key
from store.models import Milestone, Rag
from store.portfolio import facts_for, portfolio

command("program", "record and follow programs: status, milestones, archive")

PROGRAM_FIELDS = [
    field_("owner", parse_user),
    field_("channel", parse_channel),
    field_("due", parse_date),
    field_("restricted", parse_bool),
    field_("members", parse_users),
    field_("channels", parse_channels),
]


@subcommand(
    "program",
    "new",
    usage="KEY Title... [owner:@u] [channel:#c] [due:DATE] [restricted:yes] [members:@a,@b] [channels:#a,#b]",
    summary="Create a program. Restricted programs are seen only by owner, members, admins and listed channels.",
    fields=PROGRAM_FIELDS,
    writes=True,
    examples=["program new TNS-APPEALS Appeals SLA reduction owner:@priya channel:#tns-appeals due:2027-03-31"],
)
def new(request: CommandRequest, args: Args, session: Session) -> Reply:
    key = program_key(args)
    name = title(args, 1, "The program title", "/program new TNS-APPEALS Appeals SLA reduction")
    program = programs.create(
        session,
        request.actor,
        key=key,
        name=name,
        owner_id=args.values.get("owner", request.actor.user_id),
        channel_id=args.values.get("channel"),
        target_date=args.values.get("due"),
        restricted=args.values.get("restricted", False),
        members=args.values.get("members"),
        allowed_channels=args.values.get("channels"),
    )
    return reply("program_created", program=program)


@subcommand(
    "program",
    "list",
    usage="[status:red|amber|green] [owner:@u|me] [all]",
    summary="Programs you may see, red first; `all` includes archived ones.",
    fields=[field_("status", choice(Rag)), field_("owner", parse_user)],
    flags=["all"],
    examples=["program list status:red", "program list owner:me"],
)
def list_(request: CommandRequest, args: Args, session: Session) -> Reply:
    facts = portfolio(
        session, request.actor, today=request.today, now=request.now, include_archived="all" in args.flags
    )
    if "status" in args.values:
        facts = [f for f in facts if f.rag == args.values["status"]]
    if "owner" in args.values:
        facts = [f for f in facts if f.program.owner_id == args.values["owner"]]
    return reply("program_list", page=page(facts), filtered=bool(args.values), slash=request.slash())


@subcommand(
    "program",
    "show",
    usage="KEY",
    summary="Everything about one program.",
    examples=["program show TNS-APPEALS"],
    min_words=1,
    missing="The program KEY is missing (e.g. TNS-APPEALS).",
)
def show(request: CommandRequest, args: Args, session: Session) -> Reply:
    program = program_by_key(session, request.actor, program_key(args))
    facts = facts_for(session, request.actor.team_id, [program], today=request.today, now=request.now)[0]
    settings = workspace_settings(session, request.actor.team_id)
    top_risks = [(r, band_for(r.score, settings)) for r in facts.risks]
    recent = decisions.query(session, request.actor.team_id, [program.id or 0])
    return reply(
        "program_show",
        f=facts,
        program=program,
        history=programs.status_history(session, program, limit=4),
        risks=page(top_risks, 5),
        actions=page(facts.open_actions, 5),
        milestones=page(facts.open_milestones, 5),
        decisions=page(recent, 3),
        now=request.now,
        today=request.today,
    )


@subcommand(
    "program",
    "status",
    usage='KEY green|amber|red Summary... [asks:"..."]',
    summary="Report RAG status (program owner or admin); amber and red need a summary. Posted to the channel.",
    fields=[field_("asks", parse_text)],
    writes=True,
    examples=['program status TNS-APPEALS amber Vendor ramp slipped a week asks:"2 extra reviewers"'],
    min_words=2,
    missing="Give the KEY and the status, e.g. `/program status TNS-APPEALS amber Vendor slipped`.",
)
def status(request: CommandRequest, args: Args, session: Session) -> Reply:
    program = program_by_key(session, request.actor, program_key(args))
    rag = _status_word(args.words[1])
    summary = args.text(2)
    update, moved = programs.report_status(
        session, request.actor, program, rag=rag, summary=summary, asks=args.values.get("asks")
    )
    context = {"program": program, "update": update, "status": moved}
    post = Message("status_post", context)
    answer = Reply(Message("status_reported", context))
    was_red = moved.previous is not None and moved.previous.rag == Rag.RED
    if rag == Rag.RED and not was_red:
        alerted = escalate.raise_alert(
            request, session, answer, kind=escalate.PROGRAM_RED, program=program, entity_ref=program.key, body=post
        )
        if alerted:
            return answer
    elif rag != Rag.RED:
        escalate.resolve(request, session, kind=escalate.PROGRAM_RED, program=program, entity_ref=program.key)
    answer.posts = post_to(program.channel_id, post, f"{program.key}/status")
    return answer


@subcommand(
    "program",
    "milestone",
    usage="KEY Title... due:DATE [owner:@u]",
    summary="Add a milestone (program owner or admin); the owner defaults to the program owner.",
    fields=[field_("due", parse_date, required=True), field_("owner", parse_user)],
    writes=True,
    examples=["program milestone TNS-APPEALS Vendor at full capacity due:2026-12-15 owner:@marco"],
)
def milestone(request: CommandRequest, args: Args, session: Session) -> Reply:
    program = program_by_key(session, request.actor, program_key(args))
    name = title(args, 1, "The milestone title", "/program milestone KEY Vendor signed due:fri")
    added = milestones.add(
        session,
        request.actor,
        program,
        title=name,
        due=args.values["due"],
        owner_id=args.values.get("owner", program.owner_id),
    )
    return reply("milestone_added", program=program, milestone=added, today=request.today)


@subcommand(
    "program",
    "milestone-done",
    usage="M-n",
    summary="Mark a milestone done (program owner or admin).",
    writes=True,
    examples=["program milestone-done M-3"],
    min_words=1,
    missing="Which milestone? e.g. M-3.",
)
def milestone_done(request: CommandRequest, args: Args, session: Session) -> Reply:
    number = parse_id(Kind.MILESTONE)(args.words[0])
    item, program = numbered(session, request.actor, Milestone, Kind.MILESTONE, number)
    done = milestones.complete(session, request.actor, program, item)
    return reply("milestone_done", program=program, milestone=done, late=(request.today - done.due).days)


@subcommand(
    "program",
    "edit",
    usage='KEY [title:"..."] [owner:@u] [channel:#c] [due:DATE] [restricted:yes|no] [members:@a,@b] [channels:#a,#b]',
    summary="Change a program's details (program owner or admin); members and channels replace the old lists.",
    fields=[field_("title", parse_text), *PROGRAM_FIELDS],
    writes=True,
    examples=["program edit TNS-HASH restricted:yes members:@jun,@sam channels:#tns-hash-vendor"],
    min_words=1,
    missing="The program KEY is missing (e.g. TNS-APPEALS).",
)
def edit(request: CommandRequest, args: Args, session: Session) -> Reply:
    program = program_by_key(session, request.actor, program_key(args))
    if len(args.words) > 1:
        raise UsageError('Give new values as fields, e.g. `title:"New title"`; free text is not used here.')
    values = args.values
    changes = programs.ProgramChanges(
        name=values.get("title"),
        owner_id=values.get("owner"),
        channel_id=values.get("channel"),
        target_date=values.get("due"),
        restricted=values.get("restricted"),
        members=values.get("members"),
        allowed_channels=values.get("channels"),
    )
    programs.edit(session, request.actor, program, changes)
    return reply("program_edited", program=program)


@subcommand(
    "program",
    "archive",
    usage="KEY",
    summary="Archive a program (program owner or admin); nothing is deleted.",
    writes=True,
    examples=["program archive TNS-OLD"],
    min_words=1,
    missing="The program KEY is missing.",
)
def archive(request: CommandRequest, args: Args, session: Session) -> Reply:
    program = program_by_key(session, request.actor, program_key(args))
    open_risks = risks.query(session, request.actor.team_id, [program.id or 0])
    open_actions = actions.query(session, request.actor.team_id, [program.id or 0])
    programs.archive(session, request.actor, program)
    return reply("program_archived", program=program, open_risks=len(open_risks), open_actions=len(open_actions))


def _status_word(word: str) -> Rag:
    try:
        return Rag(word.lower())
    except ValueError:
        raise UsageError(f"`{word}` is not a status: use green, amber or red.") from None
