"""/kpi: a program's numbers with targets, their readings and charts."""

from __future__ import annotations

import re

from commands.common import no_words_after, program_key, scope_key, title
from commands.grammar import ParseContext, choice, parse_date, parse_id, parse_text, parse_user
from commands.problems import UsageError
from commands.registry import Args, Command, field_
from domain import kpis
from domain.inputs import NumberRef
from domain.kpis import KpiCreate, KpiQuery, KpiRecord
from store.ids import Kind
from store.models import KpiDirection

COMMAND = Command("kpi", "KPIs: a program's numbers against their targets, with history and charts")
NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?")
LINK = re.compile(r"<(https?://[^|>]+)(?:\|[^>]*)?>")


def parse_number(raw: str, _ctx: ParseContext) -> float:
    """48, 96.5, 1,200 or 96% (the unit is the KPI's, not the number's)."""
    text = raw.strip()
    if not NUMBER.fullmatch(text):
        raise UsageError("not_a_number", value=raw)
    return float(text.rstrip("%").replace(",", ""))


def parse_source(raw: str, ctx: ParseContext) -> str:
    """A URL as Slack sends it (`<https://...>`), or any text naming where the number comes from."""
    link = LINK.fullmatch(raw.strip())
    return link.group(1) if link else parse_text(raw, ctx)


def _kpi_number(args: Args) -> int:
    return parse_id(Kind.KPI)(args.words[0])


@COMMAND.sub(
    "add",
    usage="KEY Name... unit:TEXT target:NUMBER direction:up|down [warn:NUMBER] [owner:@u] [source:URL]",
    summary="Add a KPI to a program (its owner or an admin): `direction` says which way is better.",
    runs=kpis.add,
    fields=[
        field_("unit", parse_text, required=True),
        field_("target", parse_number, required=True),
        field_("direction", choice(KpiDirection, "direction"), required=True),
        field_("warn", parse_number),
        field_("owner", parse_user),
        field_("source", parse_source),
    ],
    examples=["kpi add TNS-APPEALS Median appeal time unit:h target:48 direction:down warn:60 owner:@priya"],
)
def add(args: Args, _ctx: ParseContext) -> KpiCreate:
    values = args.values
    return KpiCreate(
        key=program_key(args),
        name=title(args, 1),
        unit=values["unit"],
        target=values["target"],
        direction=values["direction"],
        warning=values.get("warn"),
        owner_id=values.get("owner"),
        source=values.get("source"),
    )


@COMMAND.sub(
    "set",
    usage='K-n VALUE [at:DATE] [note:"..."]',
    summary="Record a reading (the KPI's owner, the program owner or an admin), for today or an earlier day.",
    runs=kpis.record,
    fields=[field_("at", parse_date), field_("note", parse_text)],
    examples=["kpi set K-3 71", 'kpi set K-3 65 at:2026-11-24 note:"before the policy change"'],
    min_words=2,
)
def record(args: Args, ctx: ParseContext) -> KpiRecord:
    no_words_after(args, 2)
    return KpiRecord(
        number=_kpi_number(args),
        value=parse_number(args.words[1], ctx),
        taken_on=args.values.get("at"),
        note=args.values.get("note"),
    )


@COMMAND.sub(
    "list",
    usage="[KEY]",
    summary="KPIs with their latest reading against the target; breached and stale ones marked.",
    runs=kpis.list_,
    examples=["kpi list", "kpi list TNS-APPEALS"],
)
def list_(args: Args, _ctx: ParseContext) -> KpiQuery:
    return KpiQuery(key=scope_key(args))


@COMMAND.sub(
    "show", usage="K-n", summary="One KPI with its readings.", runs=kpis.show, examples=["kpi show K-3"], min_words=1
)
def show(args: Args, _ctx: ParseContext) -> NumberRef:
    return NumberRef(number=_kpi_number(args))


@COMMAND.sub(
    "chart",
    usage="K-n",
    summary="A chart of the readings against the target and warning lines, posted where you ask.",
    runs=kpis.chart,
    examples=["kpi chart K-3"],
    min_words=1,
)
def chart(args: Args, _ctx: ParseContext) -> NumberRef:
    return NumberRef(number=_kpi_number(args))
