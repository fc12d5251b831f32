"""/pulse: help, who am I, the audit trail, the outbox, pictures of the portfolio and exports."""

from __future__ import annotations

from commands.common import scope_key
from commands.grammar import ParseContext, choice, parse_page
from commands.problems import UsageError
from commands.registry import Args, Command, field_
from domain import audit_trail, evidence, registers, workspace
from domain.audit_trail import AuditQuery
from domain.evidence import PictureRequest
from domain.inputs import Nothing
from domain.register_kinds import FileFormat, RegisterKind
from domain.registers import ExportRequest

COMMAND = Command("pulse", "help, who you are to Pulse, and the audit trail")


@COMMAND.sub(
    "help",
    usage="[command]",
    summary="Every command, or the usage of one.",
    runs=None,  # answered by the parser, which knows every command
    examples=["pulse help risk"],
)
def help_(_args: Args, _ctx: ParseContext) -> Nothing:
    return Nothing()


@COMMAND.sub(
    "whoami", usage="", summary="Your Slack ID, role, time zone and the programs you own.", runs=workspace.whoami
)
def whoami(_args: Args, _ctx: ParseContext) -> Nothing:
    return Nothing()


@COMMAND.sub(
    "audit",
    usage="KEY|R-n|D-n|A-n|M-n|S-n|ASK-n [page:N]",
    summary="Who changed what and when, with the fields that changed (anyone who may see the item).",
    runs=audit_trail.trail,
    fields=[field_("page", parse_page)],
    examples=["pulse audit R-1", "pulse audit TNS-APPEALS page:2"],
    min_words=1,
)
def audit(args: Args, _ctx: ParseContext) -> AuditQuery:
    return AuditQuery(target=args.words[0], page=args.values.get("page", 1))


@COMMAND.sub(
    "outbox",
    usage="",
    summary="Messages Pulse could not deliver yet, or gave up on (admins).",
    runs=workspace.undelivered,
)
def outbox(_args: Args, _ctx: ParseContext) -> Nothing:
    return Nothing()


@COMMAND.sub(
    "heatmap",
    usage="[KEY]",
    summary="The 5x5 risk heat map with each risk's move since the last digest, posted where you ask.",
    runs=evidence.heatmap,
    examples=["pulse heatmap", "pulse heatmap TNS-APPEALS"],
)
def heatmap(args: Args, _ctx: ParseContext) -> PictureRequest:
    return PictureRequest(key=scope_key(args))


@COMMAND.sub(
    "trend",
    usage="[KEY]",
    summary="Each program's RAG status, week by week for 12 weeks, posted where you ask.",
    runs=evidence.trend,
    examples=["pulse trend", "pulse trend TNS-APPEALS"],
)
def trend(args: Args, _ctx: ParseContext) -> PictureRequest:
    return PictureRequest(key=scope_key(args))


@COMMAND.sub(
    "export",
    usage="programs|risks|decisions|actions|kpis [KEY] [format:csv|xlsx|json]",
    summary="A register as a spreadsheet, sent to you in a DM with Pulse (only what you may see).",
    runs=registers.export,
    fields=[field_("format", choice(FileFormat, "format"))],
    examples=["pulse export risks TNS-APPEALS format:xlsx", "pulse export actions"],
    min_words=1,
)
def export(args: Args, ctx: ParseContext) -> ExportRequest:
    if len(args.words) > 2:
        raise UsageError("extra_words", extra=" ".join(args.words[2:]))
    key = args.words[1].upper() if len(args.words) > 1 else None
    kind = choice(RegisterKind, "kind")(args.words[0], ctx)
    return ExportRequest(kind=kind, key=key, format=args.values.get("format", FileFormat.CSV))
