"""/pulse: help, who am I, and the audit trail."""

from __future__ import annotations

from sqlmodel import Session

from commands.grammar import UsageError
from commands.registry import COMMAND_SUMMARIES, REGISTRY, Args, command, subcommand
from commands.reply import CommandRequest, Reply, reply
from store import audit, outbox
from store.errors import Forbidden
from store.ids import Kind, parse_ref, ref
from store.lookup import MODEL_FOR_KIND, numbered, program_by_key, visible_programs

command("pulse", "help, who you are to Pulse, and the audit trail")

ENTITY_TYPES = {Kind.RISK: "risk", Kind.DECISION: "decision", Kind.ACTION: "action", Kind.MILESTONE: "milestone"}
AUDIT_LIMIT = 15


@subcommand(
    "pulse", "help", usage="[command]", summary="Every command, or the usage of one.", examples=["pulse help risk"]
)
def help_(request: CommandRequest, args: Args, _session: Session) -> Reply:
    if args.words:
        name = args.words[0].lower().lstrip("/").removeprefix(request.command_prefix)
        if name not in REGISTRY:
            raise UsageError(
                f"`{args.words[0]}` is not a Pulse command; try one of: "
                f"{', '.join(request.slash(c) for c in sorted(REGISTRY))}."
            )
        from commands.dispatch import usage_reply

        return usage_reply(request, name)
    commands = [
        (request.slash(name), COMMAND_SUMMARIES.get(name, ""), sorted(REGISTRY[name])) for name in sorted(REGISTRY)
    ]
    return reply("help", commands=commands, slash=request.slash("pulse"))


@subcommand("pulse", "whoami", usage="", summary="Your Slack ID, role, time zone and the programs you own.")
def whoami(request: CommandRequest, _args: Args, session: Session) -> Reply:
    visible = visible_programs(session, request.actor)
    owned = [p for p in visible if p.owner_id == request.actor.user_id]
    return reply(
        "whoami", actor=request.actor, tz=str(request.tz), owned=owned, visible=len(visible), today=request.today
    )


@subcommand(
    "pulse",
    "audit",
    usage="KEY|R-n|D-n|A-n|M-n",
    summary="Who changed what and when, with the fields that changed (anyone who may see the item).",
    examples=["pulse audit R-12", "pulse audit TNS-APPEALS"],
    min_words=1,
    missing="Audit of what? e.g. `/pulse audit R-12` or `/pulse audit TNS-APPEALS`.",
)
def audit_(request: CommandRequest, args: Args, session: Session) -> Reply:
    target = args.words[0]
    parsed = parse_ref(target)
    if parsed is not None and parsed[0] in ENTITY_TYPES:
        kind, number = parsed
        numbered(session, request.actor, MODEL_FOR_KIND[kind], kind, number)  # type: ignore[type-var]
        entity_ref = ref(kind, number)
        events = audit.history(session, request.actor.team_id, ENTITY_TYPES[kind], entity_ref, limit=AUDIT_LIMIT + 1)
    else:
        program = program_by_key(session, request.actor, target)
        entity_ref = program.key
        events = audit.program_history(session, program, limit=AUDIT_LIMIT + 1)
    rows = [(event, _changes(event.before, event.after)) for event in events[:AUDIT_LIMIT]]
    return reply("audit", ref=entity_ref, rows=rows, more=len(events) > AUDIT_LIMIT)


IGNORED = {"updated_at", "id", "team_id", "program_id", "created_at"}


def _changes(before: dict[str, object] | None, after: dict[str, object] | None) -> list[tuple[str, object, object]]:
    """(field, old, new) for each field that differs."""
    before, after = before or {}, after or {}
    names = [n for n in after if n not in IGNORED] if not before else [n for n in before if n not in IGNORED]
    return [(n, before.get(n), after.get(n)) for n in names if before.get(n) != after.get(n)]


@subcommand("pulse", "outbox", usage="", summary="Messages Pulse could not deliver yet, or gave up on (admins).")
def outbox_(request: CommandRequest, _args: Args, session: Session) -> Reply:
    if not request.actor.is_admin:
        raise Forbidden("Only Pulse admins may see the outbox.")
    return reply("outbox", rows=outbox.problems(session, request.actor.team_id))
