"""/pulse: help, who am I, the audit trail and the outbox."""

from __future__ import annotations

from commands.grammar import ParseContext, parse_page
from commands.registry import Args, Command, field_
from domain import audit_trail, workspace
from domain.audit_trail import AuditQuery
from domain.inputs import Nothing

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
