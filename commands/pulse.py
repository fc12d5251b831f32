"""/pulse: help, who am I, the audit trail, the outbox, pictures of the portfolio, exports and the workspace's
settings."""

from __future__ import annotations

from collections.abc import Callable

from commands.common import no_words_after, scope_key
from commands.grammar import ParseContext, choice, parse_bool, parse_channel, parse_page
from commands.problems import UsageError
from commands.registry import Args, Command, field_
from commands.suggest import pick
from domain import audit_trail, evidence, plans, registers, workspace
from domain.audit_trail import AuditQuery
from domain.bands import BAND_ORDER
from domain.evidence import PictureRequest
from domain.inputs import Nothing
from domain.register_kinds import FileFormat, RegisterKind
from domain.registers import ExportRequest
from domain.workspace import Appetite, SettingsChange

ESCALATION_DEFAULT = "default"  # `escalation:default`: back to the environment's channel
UNMITIGATED = "-unmitigated"  # `appetite:critical-unmitigated`: only risks without a mitigation count
PERCENT_DIGITS = 3  # `100%` at most; the domain checks the range
APPETITES = [f"{band.value}{suffix}" for band in BAND_ORDER for suffix in (UNMITIGATED, "")]

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
    usage="KEY|R-n|D-n|A-n|M-n|S-n|ASK-n|settings [page:N]",
    summary="Who changed what and when, with the fields that changed (anyone who may see the item).",
    runs=audit_trail.trail,
    fields=[field_("page", parse_page)],
    examples=["pulse audit R-1", "pulse audit TNS-APPEALS page:2", "pulse audit settings"],
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
    "roadmap",
    usage="[KEY]",
    summary="Programs as rows, phases as bars, milestones as diamonds, slips marked and today, posted where you ask.",
    runs=plans.roadmap,
    examples=["pulse roadmap", "pulse roadmap TNS-APPEALS"],
)
def roadmap(args: Args, _ctx: ParseContext) -> PictureRequest:
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
    no_words_after(args, 2)
    key = args.words[1].upper() if len(args.words) > 1 else None
    kind = choice(RegisterKind, "kind")(args.words[0], ctx)
    return ExportRequest(kind=kind, key=key, format=args.values.get("format", FileFormat.CSV))


def parse_escalation(raw: str, ctx: ParseContext) -> str:
    """A channel (`#tns-escalations`), or `default` for the environment's PULSE_ESCALATION_CHANNEL."""
    return ESCALATION_DEFAULT if raw.lower() == ESCALATION_DEFAULT else parse_channel(raw, ctx)


def numbers(count: int, code: str) -> Callable[[str, ParseContext], tuple[int, ...]]:
    """`count` whole numbers separated by commas (`5,10,20`); else the UsageError `code`."""

    def parse(raw: str, _ctx: ParseContext) -> tuple[int, ...]:
        parts = [part.strip() for part in raw.split(",")]
        if len(parts) != count or not all(part.isdigit() for part in parts):
            raise UsageError(code, value=raw)
        return tuple(int(part) for part in parts)

    return parse


def parse_appetite(raw: str, _ctx: ParseContext) -> Appetite:
    """`critical-unmitigated` (no critical risk without a mitigation), `high` (no high or critical risk at all)."""
    word = pick(raw, APPETITES, code="unknown_choice", field="appetite", allowed=APPETITES)
    return Appetite(band=word.removesuffix(UNMITIGATED), unmitigated=word.endswith(UNMITIGATED))


def parse_currency(raw: str, _ctx: ParseContext) -> str:
    """An ISO 4217 code (`EUR`, `eur`), one word; the domain checks that ISO knows it and suggests one if not."""
    return raw.strip()


def parse_percent(raw: str, _ctx: ParseContext) -> int:
    """A whole percentage, with or without its sign: `10%`, `80`."""
    number = raw.strip().removesuffix("%").strip()
    if not number.isdigit() or len(number) > PERCENT_DIGITS:
        raise UsageError("not_a_percent", value=raw)
    return int(number)


@COMMAND.sub(
    "settings",
    usage="[escalation:#c|default] [bands:M,H,C] [ladder:D2,D3] [day_first:yes|no] [appetite:BAND[-unmitigated]] "
    "[currency:ISO] [budget_threshold:N%] [staffing_threshold:N%]",
    summary="The workspace's settings and where each comes from; Pulse admins change them.",
    runs=workspace.settings,
    fields=[
        field_("escalation", parse_escalation),
        field_("bands", numbers(3, "bands_numbers")),
        field_("ladder", numbers(2, "ladder_numbers")),
        field_("day_first", parse_bool),
        field_("appetite", parse_appetite),
        field_("currency", parse_currency),
        field_("budget_threshold", parse_percent),
        field_("staffing_threshold", parse_percent),
    ],
    examples=[
        "pulse settings",
        "pulse settings escalation:#tns-leadership",
        "pulse settings bands:5,10,20 ladder:2,5",
        "pulse settings day_first:yes appetite:high-unmitigated",
        "pulse settings currency:EUR budget_threshold:10% staffing_threshold:80%",
    ],
)
def settings(args: Args, _ctx: ParseContext) -> SettingsChange:
    if args.words:
        raise UsageError("settings_words", extra=" ".join(args.words))
    values = args.values
    escalation = values.get("escalation")
    return SettingsChange(
        escalation_channel=None if escalation in {None, ESCALATION_DEFAULT} else escalation,
        escalation_default=escalation == ESCALATION_DEFAULT,
        bands=values.get("bands"),
        ladder=values.get("ladder"),
        day_first=values.get("day_first"),
        appetite=values.get("appetite"),
        currency=values.get("currency"),
        budget_threshold=values.get("budget_threshold"),
        staffing_threshold=values.get("staffing_threshold"),
    )
