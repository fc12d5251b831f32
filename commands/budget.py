"""/budget: a program's money by quarter: planned, committed and actual."""

from __future__ import annotations

import re
from decimal import Decimal

from commands.common import no_words_after, program_key
from commands.grammar import ParseContext, choice, parse_text
from commands.problems import UsageError
from commands.registry import Args, Command, field_
from domain import budget
from domain.budget import BudgetQuery, BudgetSet, BudgetSpendInput
from store.models import SpendCategory

COMMAND = Command("budget", "a program's budget by quarter: planned, committed, actual, variance and burn")
MONEY = re.compile(r"(?P<number>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)(?P<scale>[km]?)", re.IGNORECASE)
SCALES = {"": 1, "k": 1_000, "m": 1_000_000}


def money(raw: str) -> Decimal:
    """An amount in the workspace's currency, exactly: `250k`, `1.2m`, `12,500.50`, `900`."""
    match = MONEY.fullmatch(raw.strip())
    if match is None:
        raise UsageError("not_money", value=raw)
    number = Decimal(match.group("number").replace(",", ""))
    return number * SCALES[match.group("scale").lower()]


def parse_money(raw: str, _ctx: ParseContext) -> Decimal:
    """`money` as a field parser."""
    return money(raw)


@COMMAND.sub(
    "set",
    usage="KEY QUARTER planned:AMOUNT [committed:AMOUNT]",
    summary="Set a quarter's planned (and committed) money (program owner or admin); amounts like 250k, 1.2m, "
    "12,500.50 in the workspace's currency.",
    runs=budget.set_plan,
    fields=[field_("planned", parse_money), field_("committed", parse_money)],
    examples=["budget set TNS-APPEALS 2027Q1 planned:250k", "budget set TNS-APPEALS 2027Q1 committed:180k"],
    min_words=2,
)
def set_(args: Args, _ctx: ParseContext) -> BudgetSet:
    no_words_after(args, 2)
    return BudgetSet(
        key=program_key(args),
        quarter=args.words[1],
        planned=args.values.get("planned"),
        committed=args.values.get("committed"),
    )


@COMMAND.sub(
    "spend",
    usage='KEY AMOUNT [category:vendor|headcount|tooling] [note:"..."]',
    summary="Record money spent today (program owner or admin), counted in this quarter's actuals.",
    runs=budget.spend,
    fields=[field_("category", choice(SpendCategory, "category")), field_("note", parse_text)],
    examples=['budget spend TNS-APPEALS 12.5k category:vendor note:"November invoice"'],
    min_words=2,
)
def spend(args: Args, ctx: ParseContext) -> BudgetSpendInput:
    no_words_after(args, 2)
    return BudgetSpendInput(
        key=program_key(args),
        amount=parse_money(args.words[1], ctx),
        category=args.values.get("category"),
        note=args.values.get("note"),
    )


@COMMAND.sub(
    "show",
    usage="KEY",
    summary="A program's budget quarter by quarter: plan, committed, actual, variance and burn rate.",
    runs=budget.show,
    examples=["budget show TNS-APPEALS"],
    min_words=1,
)
def show(args: Args, _ctx: ParseContext) -> BudgetQuery:
    return BudgetQuery(key=program_key(args))
